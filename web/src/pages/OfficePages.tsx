import { useEffect, useRef, useState } from 'preact/hooks';
import { CompletionPage, CompletionQuery } from '../../../shared/attendance.js';
import { OrgBookingsPage as OrgBookingsAnswer, OrgBookingsQuery } from '../../../shared/bookings.js';
import { ExportQuery } from '../../../shared/calendar.js';
import { api } from '../api.js';
import { PARENT_KINDS } from '../../../shared/accounts.js';
import { Badge, DownloadLink, DownloadMessages, ErrorSummary, errorFor, PageHeading, TextField, useApp, useDownload, type FieldError, type MeValue } from '../components.js';
import { Pagination, pageCountText } from '../pagination.js';
import { Loaded, useLoad } from '../load.js';
import { formatDate, formatTimeRange, ordinal, plural, seatLabel, statusLabel, dayInEngland } from '../format.js';
import { Link, navigate } from '../router.js';
import { OfficeOrgGate, SchoolForm, staffWords, type Org } from '../orgs.js';
import { EndingNote, offerExpiry, offerLapsedAt, useClockPast } from './BookingsPage.js';

/**
 * An office page about one organisation: the person's own, or (`?org=`) another they book
 * for; office staff of a trust choose one of its schools with the picker above the page.
 */
const OFFICE_PAGES = {
  bookings: { Page: OrgBookingsPage, title: 'Who is booked where' },
  export: { Page: OrgExportPage, title: 'Export bookings' },
  record: { Page: OrgRecordPage, title: 'Training record' },
};

export function OfficeOrgPage({ page }: { page: keyof typeof OFFICE_PAGES }) {
  const { Page, title } = OFFICE_PAGES[page];
  return <OfficeOrgGate title={title}>{(orgId, orgs) => <Page key={orgId} orgId={orgId} orgs={orgs} />}</OfficeOrgGate>;
}

/**
 * `onErrors`: whether "Show" found nothing chosen (see SchoolForm), for the page's PageHeading
 * `error`. `range`: the page's date range form, whose dates (the well-formed ones) go with the
 * school chosen, so choosing another school does not undo the dates picked for the first.
 */
function OrgChooser({ orgs, orgId, path, onErrors, range }: { orgs: Org[]; orgId: string; path: string; onErrors: (shown: boolean) => void; range?: { current: HTMLFormElement | null } }) {
  const choose = (id: string) => {
    const p = new URLSearchParams({ org: id });
    const form = range?.current;
    if (form) {
      const r = readRange(form);
      // An empty From is a choice too (every date, not from today); an empty To is the default.
      if (!r.errors.some((e) => e.field === 'from')) p.set('from', r.from);
      if (r.to && !r.errors.some((e) => e.field === 'to')) p.set('to', r.to);
    }
    navigate(`${path}?${p}`);
  };
  return <SchoolForm id="office-org" orgs={orgs} value={orgId} onChoose={choose} onErrors={onErrors} />;
}

/**
 * Whether a page about `orgId` covers schools under it: a trust or local authority (its kind
 * says so; its schools among those a trust's office books for say so too, should it not).
 * Who is booked where, the export and the training record then hold its own staff's and its
 * schools' (server: accounts/acting.ts, orgAndSchoolsFor), as Training coverage counts them.
 */
function coversSchools(orgs: Org[], orgId: string): boolean {
  const org = orgs.find((o) => o.id === orgId);
  return (!!org?.kind && PARENT_KINDS.includes(org.kind)) || orgs.some((o) => o.parentId === orgId);
}

/** Whose bookings or record a page about `orgId` holds: "the staff of Oak Trust and its schools" for a trust, else as staffWords says. */
function bookedStaffWords(me: MeValue, orgs: Org[], orgId: string): string {
  if (!coversSchools(orgs, orgId)) return staffWords(me, orgs, orgId);
  return `the staff of ${orgs.find((o) => o.id === orgId)?.name ?? 'this organisation'} and its schools`;
}

/**
 * What a trust's (or local authority's) office does not see, said where it reads bookings: a
 * school's own in-house sessions exist only for that school (DESIGN.md invariant 12), so
 * their bookings are its office's alone. Empty for a school's own office.
 */
function inHouseAside(me: MeValue, orgs: Org[]): string {
  return me.orgId && coversSchools(orgs, me.orgId) ? ' A school’s own in-house sessions, for its staff only, are not included: that school’s office sees them.' : '';
}

/** A date as a date field gives it. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A From or To date in the address (`?from=2026-12-01`), if it is one. */
function dayInQuery(query: URLSearchParams, field: 'from' | 'to'): string | null {
  const v = query.get(field);
  return v && DAY.test(v) ? v : null;
}

/** Checks a From/To pair of date fields; returns the query (ISO instants) or field errors. */
function readRange(form: HTMLFormElement): { errors: FieldError[]; from: string; to: string } {
  const f = new FormData(form);
  const from = String(f.get('from') ?? '');
  const to = String(f.get('to') ?? '');
  const errors: FieldError[] = [];
  if (from && !DAY.test(from)) errors.push({ field: 'from', message: 'From: enter a date' });
  if (to && !DAY.test(to)) errors.push({ field: 'to', message: 'To: enter a date' });
  if (!errors.length && from && to && to < from) errors.push({ field: 'to', message: 'To: must be on or after the From date' });
  return { errors, from, to };
}

function rangeParams(from: string, to: string) {
  // The same schema the export routes validate with. Dates go as chosen: the server takes
  // each as that day in England (the last one included), and names the files by them.
  const r = ExportQuery.parse({ from: from || undefined, to: to || undefined });
  const p = new URLSearchParams();
  if (r.from) p.set('from', r.from);
  if (r.to) p.set('to', r.to);
  return p;
}

function RangeFields({ from, to, errors }: { from: string; to: string; errors: FieldError[] }) {
  return (
    <>
      <TextField id="from" label="From" type="date" defaultValue={from} error={errorFor(errors, 'from')} />
      <TextField id="to" label="To (optional)" type="date" defaultValue={to} error={errorFor(errors, 'to')} />
    </>
  );
}

/**
 * How many bookings a list holds, as the table shows them: cancelled ones are listed too (with
 * their status), but counted apart, so "2 bookings" means two people still booked or waiting.
 */
function bookingCount(live: number, cancelled: number): string {
  if (cancelled === 0) return plural(live, 'booking');
  if (live === 0) return plural(cancelled, 'cancelled booking');
  return `${plural(live, 'booking')} and ${plural(cancelled, 'cancelled booking')}`;
}

/** How many bookings "Who is booked where" lists a page. */
const BOOKINGS_PAGE = 100;

/**
 * The count above "Who is booked where": "3 bookings and 1 cancelled booking found." when all
 * fit on one page; else "Showing 101 to 200 of 370 (350 bookings and 20 cancelled bookings).",
 * the counts over the whole range.
 */
function orgBookingsCountText({ page, shown, total, live, cancelled }: { page: number; shown: number; total: number; live: number; cancelled: number }): string {
  if (total === 0) return 'No bookings in this date range.';
  if (page === 1 && total <= BOOKINGS_PAGE) return `${bookingCount(live, cancelled)} found.`;
  const n = (x: number) => x.toLocaleString('en-GB');
  const words = (live: number, cancelled: number) => bookingCount(live, cancelled).replace(/\d+/g, (d) => n(Number(d)));
  return pageCountText({ page, perPage: BOOKINGS_PAGE, shown, total, q: '', of: (all) => (cancelled === 0 ? words(all, 0) : `${n(all)} (${words(live, cancelled)})`), none: () => 'No bookings in this date range.' });
}

/**
 * The status a cancelled offer's badge says, as My bookings says it (BookingsPage.tsx): one
 * that ran out (or is running out in view, `lapsed`) is "Offer expired", one turned down
 * "Offer declined"; undefined for every other booking (its status in words).
 */
function endedWords(b: { lapsed: boolean; ending?: { how: string } | null }): string | undefined {
  if (b.lapsed || b.ending?.how === 'offer_expired') return 'Offer expired';
  if (b.ending?.how === 'offer_declined') return 'Offer declined';
  return undefined;
}

/**
 * Office staff: the bookings of their organisation's staff, by session, 100 a page (the range
 * and page kept in the address, `?from=&to=&org=&page=`). The page stays mounted while its
 * pages turn (routed with a key of its path), so turning one moves focus to the count.
 */
export function OrgBookingsPage({ orgId, orgs = [] }: { orgId: string; orgs?: Org[] }) {
  const { loc, me } = useApp();
  // Whose hold a seat came from: "your school" is only a school office's own; a trust's office
  // (acting for its schools) is told which school, and a hold of the trust itself by its name.
  const ownIsSchool = me.orgId !== null && !coversSchools(orgs, me.orgId);
  const holder = (b: { heldFor: string | null; heldForName: string | null }) => (b.heldFor === me.orgId && ownIsSchool ? 'your school' : (b.heldForName ?? orgs.find((o) => o.id === b.heldFor)?.name ?? 'another school'));
  // A trust's list holds its schools' staff too: each row says whose staff the person is.
  const schools = coversSchools(orgs, orgId);
  const from = loc.query.has('from') ? loc.query.get('from')! : dayInEngland();
  const to = loc.query.get('to') ?? '';
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [choiceError, setChoiceError] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const page = Math.max(1, Number.parseInt(loc.query.get('page') ?? '1', 10) || 1);
  const bookings = useLoad(async () => {
    const p = rangeParams(from, to);
    // A page further on than the service reads (an edited address) is past the end of the list:
    // only the counts are asked for, and the page says there is no such page (with a way back).
    const taken = OrgBookingsQuery.shape.offset.safeParse((page - 1) * BOOKINGS_PAGE).success;
    p.set('limit', String(taken ? BOOKINGS_PAGE : 1));
    p.set('offset', String(taken ? (page - 1) * BOOKINGS_PAGE : 0));
    const answer = await api(`/api/orgs/${encodeURIComponent(orgId)}/bookings?${p}`, OrgBookingsAnswer);
    // The page travels with its answer, so the count describes the rows in view while the next loads.
    return { page, ...answer, items: taken ? answer.items : [] };
  }, [loc.key]);
  // An offer whose time has run out is no longer a place, even before the server's sweep
  // marks it so (within seconds): shown and counted as the cancelled booking it is about to be.
  // The counts are the server's over the whole range, moved by the lapsed offers in view.
  const shown = bookings.data;
  const now = useClockPast(shown?.items.map(offerExpiry) ?? []);
  const items = shown?.items.map((b) => (offerLapsedAt(b, now) ? { ...b, status: 'cancelled' as const, lapsed: true } : { ...b, lapsed: false }));
  const lapsed = items?.filter((b) => b.lapsed).length ?? 0;
  const live = Math.max(0, (shown?.live ?? 0) - lapsed);
  const cancelled = (shown?.cancelled ?? 0) + lapsed;
  const pages = shown ? Math.max(1, Math.ceil(shown.total / BOOKINGS_PAGE)) : 1;
  const pageUrl = (n: number) => {
    const p = new URLSearchParams({ from });
    if (to) p.set('to', to);
    if (loc.query.get('org')) p.set('org', loc.query.get('org')!);
    if (n > 1) p.set('page', String(n));
    return `/office/bookings?${p}`;
  };

  useEffect(() => {
    const els = formRef.current?.elements as (HTMLFormControlsCollection & Record<string, HTMLInputElement>) | undefined;
    if (els) {
      els['from']!.value = from;
      els['to']!.value = to;
    }
    // Back and forward put the address's dates in the fields: an error about the dates typed before no longer applies.
    setErrors([]);
  }, [loc.key]);

  function submit(e: Event) {
    e.preventDefault();
    const r = readRange(e.currentTarget as HTMLFormElement);
    setErrors(r.errors);
    if (r.errors.length) return;
    const p = new URLSearchParams({ from: r.from });
    if (r.to) p.set('to', r.to);
    if (loc.query.get('org')) p.set('org', loc.query.get('org')!);
    navigate(`/office/bookings?${p}`);
  }

  return (
    <>
      <PageHeading title={page > 1 ? `Who is booked where, page ${page}` : 'Who is booked where'} navigated={loc.navigated} error={errors.length > 0 || choiceError}>
        Who is booked where
      </PageHeading>
      <OrgChooser orgs={orgs} orgId={orgId} path="/office/bookings" onErrors={setChoiceError} range={formRef} />
      <p>
        Every booking and waitlist place of {bookedStaffWords(me, orgs, orgId)}. Use it to plan cover.{inHouseAside(me, orgs)}
      </p>
      <ErrorSummary errors={errors} />
      <form ref={formRef} class="filters" onSubmit={submit} noValidate aria-label="Date range">
        <RangeFields from={from} to={to} errors={errors} />
        <div class="field field-action">
          <button type="submit" class="button">
            Show bookings
          </button>
        </div>
      </form>
      {/* Turning a page focuses the count (Pagination's resultsId): the new rows start there. */}
      {/* While the dates have a problem, the bookings of the dates before are not shown under it as if they were the answer (as on Sessions). */}
      <p role="status" class="count" id="org-bookings-count" tabIndex={-1}>
        {errors.length > 0 ? 'Correct the dates above to see bookings.' : !shown || !items ? (bookings.error ? '' : 'Loading bookings…') : orgBookingsCountText({ page: shown.page, shown: items.length, total: shown.total, live, cancelled })}
      </p>
      {errors.length === 0 && (
      <>
      {/* Above the table too: a keyboard user need not pass a hundred rows to turn the page. */}
      {shown && <Pagination label="Pages of bookings, above the table" page={shown.page} pages={pages} href={pageUrl} resultsId="org-bookings-count" />}
      <Loaded state={bookings} what="bookings">
        {() =>
          !shown || !items || items.length === 0 ? null : (
            <>
              <table class="stack">
                <caption id="org-bookings-caption">
                  {bookingCount(live, cancelled)}, soonest first{pages > 1 ? `, page ${shown.page} of ${pages}` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    {schools && <th scope="col">School</th>}
                    <th scope="col">Session</th>
                    <th scope="col">Date and time</th>
                    <th scope="col">Seat</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((b) => (
                    <tr key={b.id}>
                      <th scope="row" data-label="Person">{b.userName}</th>
                      {schools && <td data-label="School">{b.orgName ?? ''}</td>}
                      <td data-label="Session">
                        <Link href={`/sessions/${b.sessionId}`}>{b.session.title}</Link>
                      </td>
                      <td data-label="Date and time">
                        <time dateTime={b.session.startsAt}>{formatDate(b.session.startsAt)}</time>, {formatTimeRange(b.session.startsAt, b.session.endsAt)}
                      </td>
                      <td data-label="Seat">{seatLabel[b.seat]}</td>
                      <td data-label="Status">
                        <Badge tone={b.status}>{endedWords(b) ?? statusLabel[b.status]}</Badge>
                        {b.status === 'waitlisted' && b.position !== null && <> {ordinal(b.position)} in queue</>}
                        {b.status === 'confirmed' && b.heldFor && <> (a seat held for {holder(b)})</>}
                        {b.session.status === 'cancelled' && <> (session cancelled)</>}{' '}
                        {/* The booking's page leads back to this list as it is (organisation, dates, page). */}
                        <Link href={`/bookings/${b.id}?${new URLSearchParams({ back: pageUrl(shown.page) })}`}>
                          Manage<span class="visually-hidden"> the booking of {b.userName} for {b.session.title}</span>
                        </Link>
                        {/* How a cancelled place ended, in the words of the person's own My bookings. */}
                        {b.status === 'cancelled' && <EndingNote b={b} mine={b.userId === me.id} />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pagination label="Pages of bookings, below the table" page={shown.page} pages={pages} href={pageUrl} resultsId="org-bookings-count" />
            </>
          )
        }
      </Loaded>
      </>
      )}
    </>
  );
}

/** Office staff: download every booking in a date range as calendar invites or a spreadsheet. */
export function OrgExportPage({ orgId, orgs = [] }: { orgId: string; orgs?: Org[] }) {
  const { loc, me } = useApp();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [choiceError, setChoiceError] = useState(false);
  // Fetched by the page, so a refusal (403 when the person may no longer export this
  // organisation's bookings, say) is said here rather than only in the browser's downloads.
  const file = useDownload();
  const formRef = useRef<HTMLFormElement>(null);

  function download(format: 'ics' | 'csv', form: HTMLFormElement) {
    const r = readRange(form);
    setErrors(r.errors);
    if (r.errors.length) return file.clear();
    const params = rangeParams(r.from, r.to);
    const path = `/api/orgs/${encodeURIComponent(orgId)}/bookings.${format}${params.size ? `?${params}` : ''}`;
    file.start(path, `bookings${r.from ? `-${r.from}` : ''}${r.to ? `-to-${r.to}` : ''}.${format}`, format === 'ics' ? 'calendar file' : 'spreadsheet');
  }

  return (
    <>
      <PageHeading title="Export bookings" navigated={loc.navigated} error={errors.length > 0 || choiceError}>
        Export bookings
      </PageHeading>
      <OrgChooser orgs={orgs} orgId={orgId} path="/office/export" onErrors={setChoiceError} range={formRef} />
      <p>
        Download every booking of {bookedStaffWords(me, orgs, orgId)} in a date range: as a calendar file with one invite per booking, or as a spreadsheet (CSV) that opens in Excel
        {coversSchools(orgs, orgId) ? ', with each person’s school' : ''}.{inHouseAside(me, orgs)}
      </p>
      <ErrorSummary errors={errors} />
      <form
        ref={formRef}
        class="export-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
          download(submitter?.value === 'ics' ? 'ics' : 'csv', e.currentTarget as HTMLFormElement);
        }}
      >
        <fieldset class="field">
          <legend>Date range</legend>
          {/* Dates in the address are those chosen before another school was (OrgChooser). */}
          <RangeFields from={loc.query.get('from') === '' ? '' : (dayInQuery(loc.query, 'from') ?? dayInEngland())} to={dayInQuery(loc.query, 'to') ?? ''} errors={errors} />
        </fieldset>
        <div class="actions">
          <button type="submit" class="button" name="format" value="ics">
            Download calendar file (ICS)
          </button>
          <button type="submit" class="button button-secondary" name="format" value="csv">
            Download spreadsheet (CSV)
          </button>
        </div>
      </form>
      <DownloadMessages download={file} />
    </>
  );
}

const RECORD_PAGE = 100;

/** Office staff: who of their organisation's staff (a trust's: and its schools', each named) attended which session, a page at a time, and the whole record as a spreadsheet. */
export function OrgRecordPage({ orgId, orgs = [] }: { orgId: string; orgs?: Org[] }) {
  const { loc, me } = useApp();
  const page = Math.max(1, Number.parseInt(loc.query.get('page') ?? '1', 10) || 1);
  // A page further on than the service reads (an edited address) is past the end of the record:
  // only its count is asked for, and the page says there is no such page (with a way back).
  const offset = (page - 1) * RECORD_PAGE;
  const taken = CompletionQuery.safeParse({ limit: RECORD_PAGE, offset }).success;
  const [choiceError, setChoiceError] = useState(false);
  const record = useLoad(async () => {
    const r = await api(`/api/orgs/${encodeURIComponent(orgId)}/completions?limit=${taken ? RECORD_PAGE : 1}&offset=${taken ? offset : 0}`, CompletionPage);
    return taken ? r : { ...r, items: [], offset };
  }, [loc.key]);
  // A trust's record holds its schools' staff too: each row says whose staff the person is.
  const schools = coversSchools(orgs, orgId);
  const pageUrl = (n: number) => {
    const p = new URLSearchParams();
    if (loc.query.get('org')) p.set('org', loc.query.get('org')!);
    if (n > 1) p.set('page', String(n));
    return `/office/record${p.size ? `?${p}` : ''}`;
  };
  const csvHref = `/api/orgs/${encodeURIComponent(orgId)}/completions.csv`;
  return (
    <>
      <PageHeading title={page > 1 ? `Training record, page ${page}` : 'Training record'} navigated={loc.navigated} error={choiceError}>
        Training record
      </PageHeading>
      <OrgChooser orgs={orgs} orgId={orgId} path="/office/record" onErrors={setChoiceError} />
      <p>
        Every live session {bookedStaffWords(me, orgs, orgId)} attended, newest first, {schools ? 'with each person’s school and the minutes they were present' : 'with the minutes each person was present'}: evidence of their training.
      </p>
      {/* Fetched by the page, so a refusal (422: more rows than one spreadsheet may hold) is said here. */}
      <DownloadLink href={csvHref} fallbackName="training-record.csv">
        Download the whole record as a spreadsheet (CSV)
      </DownloadLink>
      <Loaded state={record} what="the training record">
        {(r) => {
          const pages = Math.max(1, Math.ceil(r.total / RECORD_PAGE));
          if (r.total === 0) return <p>No attended sessions yet. Sessions appear here after they end, once attendance is recorded.</p>;
          const first = r.offset + 1;
          const last = r.offset + r.items.length;
          return (
            <>
              <p role="status" class="count" id="record-count" tabIndex={-1}>
                {r.items.length === 0 ? `There is no page ${page}: the record has ${pages} ${pages === 1 ? 'page' : 'pages'}.` : `Showing ${first} to ${last} of ${plural(r.total, 'attended session')}.`}
              </p>
              {/* Above the table too: a keyboard user need not pass a hundred rows to turn the page. */}
              <Pagination label="Pages of the training record, above the table" page={page} pages={pages} href={pageUrl} resultsId="record-count" />
              {r.items.length > 0 && (
                <table class="stack">
                  <caption class="visually-hidden">Attended sessions, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Person</th>
                      {schools && <th scope="col">School</th>}
                      <th scope="col">Session</th>
                      <th scope="col">Date and time</th>
                      <th scope="col">Seat</th>
                      <th scope="col">Minutes present</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.items.map((c) => (
                      <tr key={c.bookingId}>
                        <th scope="row" data-label="Person">{c.userName}</th>
                        {schools && <td data-label="School">{c.orgName ?? ''}</td>}
                        <td data-label="Session">
                          <Link href={`/sessions/${c.sessionId}`}>{c.title}</Link>
                          {c.audience !== 'programme' && <> ({c.audience})</>}
                        </td>
                        <td data-label="Date and time">
                          <time dateTime={c.startsAt}>{formatDate(c.startsAt)}</time>, {formatTimeRange(c.startsAt, c.endsAt)}
                        </td>
                        <td data-label="Seat">{seatLabel[c.seat]}</td>
                        <td data-label="Minutes present">{c.minutes ?? 'not recorded'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {r.items.length > 0 && <Pagination label="Pages of the training record, below the table" page={page} pages={pages} href={pageUrl} resultsId="record-count" />}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
