/**
 * Office staff: who needs cover. Every booking of the organisation's staff, and every session
 * one of them delivers, that clashes with a timetabled lesson, with the lessons to cover; as a
 * table and as a spreadsheet.
 * Also the upload of many staff timetables from one CSV with an email column.
 */
import './timetable.css';
import { useMemo, useState } from 'preact/hooks';
import type { z } from 'zod';
import { CoverReport, MAX_COVER_REPORT_DAYS, MAX_TIMETABLE_BYTES, MAX_TIMETABLE_SIZE_WORDS, OrgUploadResult } from '../../../shared/timetables.js';
import { api, ApiError } from '../api.js';
import { apiIssues, DownloadLink, errorFor, ErrorSummary, type FieldError, messageOf, PageHeading, Status, TableScroll, TextField, useApp } from '../components.js';
import { addDays, dayInEngland, ENGLAND, formatDate, formatLongDay, formatTimeRange, plural, seatLabel, statusLabel, viewerZone } from '../format.js';
import { ActionButton, Retry, useLoad } from '../load.js';
import { Link, navigate } from '../router.js';
import { OfficeOrgGate, SchoolForm, staffWords, type Org } from '../orgs.js';
import { clashText } from './FitNote.js';
import { sendText } from './send.js';
import { NO_PROBLEMS, problemsOf, UploadProblems } from './UploadProblems.js';

type Report = z.infer<typeof CoverReport>;
type Item = Report['items'][number];
const day = /^\d{4}-\d{2}-\d{2}$/;
const RANGE_FIELDS: Record<string, { id: string; label: string }> = { from: { id: 'from', label: 'From' }, to: { id: 'to', label: 'To' } };

/** What is wrong with a range of days (each a date), said beside its field; none when the service would take it. */
function rangeErrors(a: string, b: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!day.test(a)) errs.push({ field: 'from', message: 'From: enter a date' });
  if (!day.test(b)) errs.push({ field: 'to', message: 'To: enter a date' });
  if (errs.length) return errs;
  if (b < a) return [{ field: 'to', message: 'To: must be on or after the From date' }];
  // The last day is included: From and To the same day is one day.
  const last = addDays(a, MAX_COVER_REPORT_DAYS - 1);
  if (b > last) return [{ field: 'to', message: `To: must be on or before ${formatLongDay(last)}: a cover report may span at most ${MAX_COVER_REPORT_DAYS} days` }];
  return [];
}

/**
 * The service's refusal of the range asked for (400 or 422 naming From or To), said beside its
 * field: asking again would be refused again, so it is no failure to try again.
 */
function refusalOf(err: unknown): FieldError[] {
  if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 422)) return [];
  const out: FieldError[] = [];
  for (const issue of apiIssues(err)) {
    const f = RANGE_FIELDS[String(issue.path)];
    if (f && !out.some((o) => o.field === f.id)) out.push({ field: f.id, message: `${f.label}: ${messageOf(err)}` });
  }
  return out;
}

/** The cover page of the person's own organisation, or (`?org=`) another they book for: a trust's office chooses one of its schools. */
export function CoverPage() {
  return <OfficeOrgGate title="Who needs cover">{(orgId, orgs) => <CoverOf key={orgId} orgId={orgId} orgs={orgs} />}</OfficeOrgGate>;
}

function CoverOf({ orgId, orgs }: { orgId: string; orgs: Org[] }) {
  const { loc, me } = useApp();
  // Every address this page moves to keeps the organisation chosen.
  const here = (q: Record<string, string>) => `/office/cover?${new URLSearchParams({ ...(loc.query.get('org') ? { org: orgId } : {}), ...q })}`;
  // Days in England (by default the four weeks from today there), sent as dates: the server
  // reads them as days in England, the last one included, whatever the viewer's zone.
  const today = dayInEngland();
  const from = day.test(loc.query.get('from') ?? '') ? loc.query.get('from')! : today;
  const to = day.test(loc.query.get('to') ?? '') ? loc.query.get('to')! : addDays(today, 27);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState(NO_PROBLEMS);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [choiceError, setChoiceError] = useState(false);
  const range = new URLSearchParams({ from, to });
  // A range in the address the service would refuse (a link kept, an address typed) is not asked for: said as the form would say it.
  const [addressErrors] = useState(() => rangeErrors(from, to));

  const cover = useLoad(() => (addressErrors.length ? Promise.resolve(null) : api(`/api/orgs/${encodeURIComponent(orgId)}/cover?${range}`, CoverReport)), [loc.key]);
  const report: Report | undefined = cover.data ?? undefined;
  // The range refused (by this page or by the service) is said beside From or To, with the form's own problems; kept as one list while unchanged, as the summary takes focus whenever its list is new.
  const refused = useMemo(() => (addressErrors.length ? addressErrors : refusalOf(cover.error)), [cover.error]);
  const shownErrors = useMemo(() => [...errors, ...refused.filter((r) => !errors.some((e) => e.field === r.field))], [errors, refused]);

  function show(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const errs = rangeErrors(String(f.get('from') ?? ''), String(f.get('to') ?? ''));
    setErrors(errs);
    if (!errs.length) navigate(here({ from: String(f.get('from')), to: String(f.get('to')) }));
  }

  async function upload(e: Event) {
    e.preventDefault();
    if (busy) return;
    setStatus('');
    setProblems(NO_PROBLEMS);
    const form = e.currentTarget as HTMLFormElement;
    const chosen = new FormData(form).get('staff-file');
    if (!(chosen instanceof File) || !chosen.name) {
      setErrors([{ field: 'staff-file', message: 'Staff timetables file: choose a CSV file' }]);
      return;
    }
    if (chosen.size > MAX_TIMETABLE_BYTES) {
      setErrors([{ field: 'staff-file', message: `Staff timetables file: ${chosen.name} is larger than ${MAX_TIMETABLE_SIZE_WORDS}, the most one upload may be. Split the staff into several files and upload each: people not in a file keep their timetable.` }]);
      return;
    }
    setErrors([]);
    setBusy(true);
    try {
      const r = await sendText(`/api/orgs/${encodeURIComponent(orgId)}/timetables`, 'text/csv', chosen, OrgUploadResult);
      form.reset();
      // The report read again in place (a navigation would make the page anew, and the
      // message with it): the new lessons may need cover.
      await cover.reload();
      const closing = r.people.filter((p) => p.closures > 0).length;
      const closed = closing === 0 ? '' : `, with days the school is closed for ${closing === r.people.length ? (closing === 1 ? 'them' : 'all of them') : `${closing} of them`}`;
      setStatus(`Timetables saved for ${plural(r.people.length, 'person', 'people')}${closed}.`);
    } catch (err) {
      setProblems(problemsOf(err));
      setErrors([{ field: 'staff-file', message: `Staff timetables file: ${messageOf(err)}` }]);
    } finally {
      setBusy(false);
    }
  }

  const lessonsOf = (items: Item[]) => items.reduce((n, i) => n + i.clashes.length, 0);
  const bookings = report?.items.filter((i) => i.role === 'booked') ?? [];
  const lessons = lessonsOf(bookings);
  // Places on a waitlist and seats offered are listed (cover is needed if the seat comes), but are not yet seats: counted apart, with their lessons.
  const waiting = bookings.filter((i) => i.status !== 'confirmed');
  const waitingLessons = lessonsOf(waiting);
  const booked = bookings.length - waiting.length;
  // Those delivering a session are counted as people and sessions: two leads of one session are one session.
  const delivering = report?.items.filter((i) => i.role === 'delivering') ?? [];
  const deliverers = new Set(delivering.map((i) => i.userId)).size;
  const delivered = new Set(delivering.map((i) => i.session.id)).size;
  const bookingsLine = () =>
    waiting.length === 0
      ? `${plural(booked, 'booking')} ${booked === 1 ? 'needs' : 'need'} cover for ${plural(lessons, 'lesson')}.`
      : `${booked === 0 ? 'No booked places need cover' : `${plural(booked, 'booking')} ${booked === 1 ? 'needs' : 'need'} cover for ${plural(lessons - waitingLessons, 'lesson')}`}; ${plural(waiting.length, 'place')} on the waitlist or offered a seat would need cover for ${plural(waitingLessons, 'lesson')} if the seat comes.`;
  const deliveringLine = () => `${plural(deliverers, 'person', 'people')} delivering ${delivered === 1 ? 'a session' : `${delivered} sessions`} ${deliverers === 1 ? 'needs' : 'need'} cover for ${plural(lessonsOf(delivering), 'lesson')}.`;
  const countLine = () => [bookings.length ? bookingsLine() : '', delivering.length ? deliveringLine() : ''].filter(Boolean).join(' ');

  return (
    <>
      <PageHeading title="Who needs cover" navigated={loc.navigated} error={shownErrors.length > 0 || choiceError}>
        Who needs cover
      </PageHeading>
      <SchoolForm id="cover-org" orgs={orgs} value={orgId} onChoose={(id) => navigate(`/office/cover?${new URLSearchParams({ org: id, from, to })}`)} onErrors={setChoiceError} />
      <p>Bookings of {staffWords(me, orgs, orgId)} that clash with their timetabled lessons, and sessions they deliver that clash with them, with the lessons that need cover. Time to travel is included for an in-person place, and for delivering an in-person or hybrid session.{viewerZone() !== ENGLAND && ' Days and times are in England (UK time).'}</p>
      <ErrorSummary errors={shownErrors} />
      <UploadProblems problems={problems} />
      <Status message={status} />
      <form class="filters" onSubmit={show} noValidate aria-label="Date range">
        <TextField id="from" label="From" type="date" defaultValue={from} error={errorFor(shownErrors, 'from')} />
        <TextField id="to" label="To" type="date" defaultValue={to} error={errorFor(shownErrors, 'to')} />
        <div class="field field-action">
          <button type="submit" class="button">
            Show cover needed
          </button>
        </div>
      </form>
      <p role="status" class="count">
        {!report ? (cover.error || cover.data === null ? '' : 'Loading…') : report.items.length === 0 ? 'No bookings need cover in these dates. No one delivering a session needs cover either.' : countLine()}
      </p>
      {cover.error && !refused.length ? <Retry error={cover.error} onRetry={() => void cover.reload()} busy={cover.loading} /> : null}
      {report && report.items.length > 0 ? (
        <>
          {/* Fetched by the page, so a refusal (422: more bookings than one report may hold, if more were made since the table loaded) is said here. */}
          <DownloadLink href={`/api/orgs/${encodeURIComponent(orgId)}/cover.csv?${range}`} fallbackName={`cover-${from}-to-${to}.csv`}>
            Download as a spreadsheet (CSV)
          </DownloadLink>
          {/* Named by its caption, and reachable by Tab: should the table be wider than the screen, its box scrolls. */}
          <TableScroll labelledBy="cover-caption">
            <table class="stack">
              <caption id="cover-caption">Cover needed from {formatLongDay(from)} to {formatLongDay(to)}</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Session</th>
                  <th scope="col">When</th>
                  <th scope="col">Booked or delivering</th>
                  <th scope="col">Lessons needing cover</th>
                </tr>
              </thead>
              <tbody>
                {report.items.map((i) => (
                  <tr key={i.role === 'booked' ? i.bookingId : `delivering ${i.userId} ${i.session.id}`}>
                    <th scope="row" data-label="Person">{i.userName}</th>
                    <td data-label="Session">
                      <Link href={`/sessions/${i.session.id}`}>{i.session.title}</Link>
                    </td>
                    <td data-label="When">
                      <time dateTime={i.session.startsAt}>{formatDate(i.session.startsAt, ENGLAND)}</time>, {formatTimeRange(i.session.startsAt, i.session.endsAt, ENGLAND)}
                    </td>
                    <td data-label="Booked or delivering">
                      {i.role === 'booked' ? (
                        <>
                          {seatLabel[i.seat]}, {statusLabel[i.status as keyof typeof statusLabel] ?? i.status}
                        </>
                      ) : (
                        // Said in words: they run the session, they have no place on it.
                        <>Delivering the session, {i.seat === 'in_person' ? 'in person' : 'online'}</>
                      )}
                    </td>
                    <td data-label="Lessons needing cover">
                      <ul class="problem-list">
                        {i.clashes.map((c) => (
                          <li key={c.startsAt + c.label}>{clashText(c, ENGLAND)}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      ) : null}

      <section aria-labelledby="staff-upload-heading">
        <h2 id="staff-upload-heading">Upload staff timetables</h2>
        <form onSubmit={upload} noValidate>
          <TextField
            id="staff-file"
            label="Staff timetables file"
            type="file"
            accept=".csv,text/csv"
            hint={`One CSV for many people, with the columns email, day, start, end and, if you like, label and week (A or B, or 1 or 2), up to ${MAX_TIMETABLE_SIZE_WORDS}. For a day the school is closed, put its date in the day column (21/12/2026, or 21/12/2026 to 01/01/2027) with no start or end: with no email it is everyone’s in the file. Each person named gets exactly the rows given for them; everyone else keeps their timetable.`}
            error={errorFor(errors, 'staff-file')}
          />
          <ActionButton busy={busy} busyLabel="Uploading…">
            Upload staff timetables
          </ActionButton>
        </form>
      </section>
    </>
  );
}
