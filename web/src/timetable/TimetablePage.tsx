/**
 * My timetable: upload a file or link the school's calendar, and a week view that lays
 * lessons and candidate sessions side by side, each session marked as fitting or not.
 * `TimetableView` is the same page for one person managed by someone else (an office for its
 * staff, an administrator for anyone: PersonTimetablePage), through /api/users/:id/timetable.
 */
import './timetable.css';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { BookingList } from '../../../shared/bookings.js';
import { SessionList, type Session } from '../../../shared/sessions.js';
import { MAX_CALENDAR_URL_CHARS, MAX_TIMETABLE_BYTES, MAX_TIMETABLE_SIZE_WORDS, Timetable } from '../../../shared/timetables.js';
import { api } from '../api.js';
import { Alert, apiIssues, ConfirmButton, errorFor, ErrorSummary, type FieldError, messageOf, PageHeading, Status, TableScroll, TextField, toFieldErrors, useApp, useFocusLater } from '../components.js';
import { addDays, dayInEngland, ENGLAND, formatDate, formatDateTime, formatLongDay, formatTime, formatTimeRange, plural, viewerZone } from '../format.js';
import { ApiError } from '../api.js';
import { serverNow } from '../clock.js';
import { Retry, useLoad } from '../load.js';
import { Link } from '../router.js';
import { SessionFitNote, type HeldPlace } from './FitNote.js';
import { fileType, sendText } from './send.js';
import { NO_PROBLEMS, problemsOf, UploadProblems } from './UploadProblems.js';

type TimetableValue = z.infer<typeof Timetable>;

/** The link form's one field, as the service's refusals name it (SubscriptionInput's `url`). */
const CALENDAR_FIELDS = { url: { id: 'calendar-url', label: 'Calendar address' } };

/** The Monday (YYYY-MM-DD) of the week holding the calendar day `day`. */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return addDays(day, -((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7));
}

/** The most sessions the week's table lists (the most one page of the session list gives); past that it says how many more and links to them. */
const WEEK_SESSIONS = 200;
const sourceLabel = { csv: 'an uploaded spreadsheet (CSV)', ics: 'an uploaded calendar file (ICS)', subscription: 'your school’s calendar link' } as const;
const theirSourceLabel = { ...sourceLabel, subscription: 'a linked school calendar' } as const;
/** The addresses the service fetches (server/platform/outbound.ts), as its refusal of any other says them (server/timetables/service.ts). */
const CALENDAR_SCHEMES = 'https://, webcal:// or http://';

/** Whose timetable a TimetableView shows when it is not the viewer's own. */
export interface TimetablePerson {
  id: string;
  name: string;
  /** This page's address without its query (the week links add `week`). */
  path: string;
  /** Query parameters the week links keep (e.g. `org`). */
  keep?: Record<string, string>;
  /** Where "back" goes: the list the person was found in. */
  back: { href: string; label: string };
  /** Their account is turned off (a leaver): the timetable can be seen and removed, not changed. */
  turnedOff?: boolean;
}

export function TimetablePage() {
  return <TimetableView />;
}

/** A timetable page: the viewer's own, or (with `person`) someone they manage. */
export function TimetableView({ person }: { person?: TimetablePerson }) {
  const { loc } = useApp();
  const own = !person;
  const base = person ? `/api/users/${encodeURIComponent(person.id)}/timetable` : '/api/me/timetable';
  const name = person?.name ?? '';
  const whose = person ? `${name}’s` : 'Your';
  const weekHref = (day: string) => (person ? `${person.path}?${new URLSearchParams({ ...person.keep, week: day })}` : `/timetable?week=${day}`);
  const requested = loc.query.get('week');
  // The week is seven days in England (this week: today's there), sent to the server as
  // dates, which it reads as days in England (the last one included); each lesson and
  // session is shown on its day there, at its time there, whatever the viewer's zone.
  const week = mondayOf(requested && /^\d{4}-\d{2}-\d{2}$/.test(requested) ? requested : dayInEngland());
  const from = week;
  const to = addDays(week, 6);

  // undefined: loading; null: no timetable yet.
  const [status, setStatus] = useState('');
  const [failure, setFailure] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState(NO_PROBLEMS);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  const focusLater = useFocusLater();

  // One load for all: the timetable (source null: none yet), the week's sessions and the
  // viewer's own places (so a session they hold a place on is judged by the seat kind they
  // hold). The sessions fit the viewer's own timetable, so someone else's page shows their
  // lessons only; someone else's timetable that is not there yet answers 404.
  const page = useLoad(async () => {
    const range = new URLSearchParams({ from, to });
    if (person) {
      const t = await api(`${base}?${range}`, Timetable).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404 && e.code === 'not_found') return null;
        throw e;
      });
      return { week, tt: t && t.source !== null ? t : null, sessions: null, sessionsTotal: 0, places: new Map<string, HeldPlace>() };
    }
    const [t, list, mine] = await Promise.all([api(`${base}?${range}`, Timetable), api(`/api/sessions?${range}&limit=${WEEK_SESSIONS}`, SessionList), api('/api/me/bookings', BookingList)]);
    return { week, tt: t.source === null ? null : t, sessions: list.items, sessionsTotal: list.total, places: placesOf(mine.items) };
  }, [loc.key, reload]);
  // Another week (Previous week, Next week) keeps the page: until its own answer comes, what was
  // loaded for the week before is not shown under this week's heading.
  const weekData = page.data?.week === week ? page.data : undefined;
  const tt: TimetableValue | null | undefined = page.data ? page.data.tt : undefined;
  const busyPeriods = weekData?.tt?.busy ?? [];
  const sessions: Session[] | null = weekData ? weekData.sessions : null;
  const sessionsTotal = weekData?.sessionsTotal ?? 0;
  const places = weekData?.places ?? new Map<string, HeldPlace>();
  const loadError = page.data ? null : page.error;
  const weekTitle = `Week of ${formatLongDay(week)}`;
  // A week chosen (Previous week, Next week) is said once it has come (a polite live region
  // already in the page), and focus stays on the link pressed: should it be gone, the week's
  // heading takes it rather than the top of the page.
  const shownWeek = useRef(week);
  const [weekSaid, setWeekSaid] = useState('');
  useLayoutEffect(() => {
    if (shownWeek.current === week) return;
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) document.getElementById('week-heading')?.focus();
    if (!weekData) return;
    shownWeek.current = week;
    const lessons = weekData.tt?.busy.length ?? 0;
    setWeekSaid(`${weekTitle}: ${plural(lessons, 'lesson')}${weekData.sessions ? `, ${plural(weekData.sessions.length, 'training session')}` : ''}.`);
  });
  const title = person ? `Timetable: ${person.name}` : 'My timetable';

  function showUploadError(e: unknown, field: string, label: string) {
    setProblems(problemsOf(e));
    setErrors([{ field, message: `${label}: ${messageOf(e)}` }]);
  }

  async function upload(e: Event) {
    e.preventDefault();
    if (busy) return;
    setStatus('');
    setProblems(NO_PROBLEMS);
    const form = e.currentTarget as HTMLFormElement;
    const chosen = new FormData(form).get('timetable-file');
    const file = chosen instanceof File && chosen.name ? chosen : null;
    if (!file) {
      setErrors([{ field: 'timetable-file', message: 'Timetable file: choose a CSV or ICS file' }]);
      return;
    }
    // Said here in plain words: sent, the service would refuse it as a request too large.
    if (file.size > MAX_TIMETABLE_BYTES) {
      setErrors([{ field: 'timetable-file', message: `Timetable file: ${file.name} is larger than ${MAX_TIMETABLE_SIZE_WORDS}, the most a timetable file may be. Export only the weeks to come (this school year, say), or link the calendar below instead.` }]);
      return;
    }
    setErrors([]);
    setBusy(true);
    // A large calendar takes a while to read: said at once, so pressing the button is not met by silence.
    setStatus(`Reading ${file.name}…`);
    try {
      const t = await sendText(base, fileType(file), file, Timetable);
      setStatus(`${whose} timetable was saved from ${file.name}: ${describeCounts(t)}.${notesOf(t)}`);
      form.reset();
      setReload((n) => n + 1);
    } catch (err) {
      setStatus('');
      showUploadError(err, 'timetable-file', 'Timetable file');
    } finally {
      setBusy(false);
    }
  }

  async function subscribe(e: Event) {
    e.preventDefault();
    if (busy) return;
    setStatus('');
    setProblems(NO_PROBLEMS);
    const form = e.currentTarget as HTMLFormElement;
    const url = String(new FormData(form).get('calendar-url') ?? '').trim();
    if (!url) {
      setErrors([{ field: 'calendar-url', message: `Calendar address: enter the web address of ${own ? 'your' : 'their'} school calendar` }]);
      return;
    }
    // Said here, before anything is sent, as the service would refuse it (SubscriptionInput).
    if (url.length > MAX_CALENDAR_URL_CHARS) {
      const n = (k: number) => k.toLocaleString('en-GB');
      setErrors([{ field: 'calendar-url', message: `Calendar address is too long: a calendar address has at most ${n(MAX_CALENDAR_URL_CHARS)} characters, and this one has ${n(url.length)}. Check that only the calendar’s web address was copied, then paste it again.` }]);
      return;
    }
    setErrors([]);
    setBusy(true);
    setStatus('Fetching the calendar…');
    try {
      const t = await api(`${base}/subscription`, Timetable, { method: 'PUT', body: { url } });
      setStatus(`${own ? `Your timetable now follows your school’s calendar: ${describeCounts(t)}.` : `${whose} timetable now follows the calendar at that address: ${describeCounts(t)}.`}${notesOf(t)}`);
      // Someone else's address is not shown back (only its site is): the field empties.
      if (!own) form.reset();
      setReload((n) => n + 1);
    } catch (err) {
      setStatus('');
      // The service words why a calendar could not be linked for people, naming the host they
      // typed ("No server was found at example.invalid"): said as it is, though a host name
      // reads to messageOf like an internal name it would replace with a general sentence.
      if (err instanceof ApiError && (err.code === 'fetch_failed' || err.code === 'address_not_allowed')) {
        setProblems(NO_PROBLEMS);
        setErrors([{ field: 'calendar-url', message: `Calendar address: ${err.message}` }]);
      } else if (err instanceof ApiError && err.code === 'validation_failed' && apiIssues(err).length) {
        // The field's own refusal, said by its label ("Calendar address is too long: …"), not the service's summary naming `url`.
        setErrors(toFieldErrors(apiIssues(err), CALENDAR_FIELDS, CALENDAR_FIELDS.url));
      } else showUploadError(err, 'calendar-url', 'Calendar address');
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setFailure('');
    try {
      await api(base, z.unknown(), { method: 'DELETE' });
      setStatus(`${whose} timetable was removed.`);
      // "Remove my timetable" goes once the timetable has (when the reload has come): the
      // message saying so then takes focus. Asked for before that, it would find the button
      // still there and focus not yet lost, and do nothing.
      await page.reload();
      focusLater(() => document.getElementById('timetable-status'));
    } catch (err) {
      setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  // A lesson on every day it covers: one from 17:30 to 01:00 is on the next day's row too
  // (an end at midnight is the day before's).
  const lastDayOf = (b: { endsAt: string }) => dayInEngland(new Date(Date.parse(b.endsAt) - 1));
  const lessonsOn = (day: string) => busyPeriods.filter((b) => dayInEngland(b.startsAt) <= day && day <= lastDayOf(b));
  const sessionsOn = (day: string) => (sessions ?? []).filter((s) => dayInEngland(s.startsAt) === day);
  const lessonsHeader = own ? 'Your lessons' : 'Lessons';
  const closedOn = (day: string) => (weekData?.tt?.freeDays ?? []).find((f) => f.from <= day && day < f.to);
  // Weekends only when something happens on them.
  const shown = days.filter((d, i) => i < 5 || lessonsOn(d).length > 0 || sessionsOn(d).length > 0);

  return (
    <>
      {person && (
        <p class="back">
          <Link href={person.back.href}>{person.back.label}</Link>
        </p>
      )}
      <PageHeading title={title} navigated={loc.navigated} error={errors.length > 0}>
        {title}
      </PageHeading>
      {own ? (
        <p>With your timetable here, the session list shows which sessions you can go to without needing cover.</p>
      ) : (
        <p>With {whose} timetable here, the session list shows them which sessions they can go to without needing cover, and Who needs cover lists the lessons their bookings clash with. Replace it when it is wrong; remove it when they leave.</p>
      )}
      <ErrorSummary errors={errors} />
      <UploadProblems problems={problems} />
      <Status message={status} id="timetable-status" focusable />
      <Alert message={failure} />

      {page.error ? <Retry error={page.error} onRetry={() => void page.reload()} busy={page.loading} /> : null}
      {loadError ? null : (
        <>
          <section aria-labelledby="current-heading">
            <h2 id="current-heading">{whose} timetable now</h2>
            {tt === undefined ? (
              <p>Loading {own ? 'your' : 'the'} timetable…</p>
            ) : tt === null ? (
              <p>{own ? 'You have no timetable yet. Upload one or link your school’s calendar below.' : person?.turnedOff ? `${name} has no timetable.` : `${name} has no timetable yet. Upload one or link their school’s calendar below.`}</p>
            ) : (
              <>
                <p>
                  From {tt.source ? (own ? sourceLabel : theirSourceLabel)[tt.source] : 'nowhere yet'}, last changed {tt.updatedAt ? formatDateTime(tt.updatedAt) : 'never'}: {describeCounts(tt)}.
                  {tt.weekAStart && <> Two-week timetables count Week A from {formatLongDay(tt.weekAStart)}.</>}
                </p>
                {tt.subscription && (
                  <p>
                    {/* Someone else sees only the site of a calendar's address: the rest is often its key. */}
                    {own ? 'Linked to' : 'Linked to a calendar at'} <code class="break">{tt.subscription.url}</code>
                    {tt.subscription.lastFetchedAt && <>, last fetched {formatDateTime(tt.subscription.lastFetchedAt)}</>}.
                    {tt.subscription.lastError && <strong> The last refresh failed: {tt.subscription.lastError}. The timetable from before is still used.</strong>}
                  </p>
                )}
                {!own && tt.subscription && <p>Only {name} can see the calendar’s whole address. To change it, link the new address below.</p>}
                {/* A calendar someone gave themselves may be their own: others see when they are busy, not what it is. */}
                {tt.labelsWithheld && (
                  <p>
                    {own
                      ? 'You gave this calendar yourself, so what its events are called stays private to you. Your school office and the service’s administrators see only when you are busy (each event shown as “Busy”) and which whole days it marks.'
                      : `${name} gave this calendar themselves, so what its events are called is private to them: each is shown as “Busy”, with its times.`}
                  </p>
                )}
                <ConfirmButton
                  label={own ? 'Remove my timetable' : `Remove ${whose} timetable`}
                  question={own ? 'Remove your timetable? Sessions will no longer be checked against it.' : `Remove ${whose} timetable? Sessions will no longer be checked against it, and their lessons leave the cover report.`}
                  confirmLabel="Yes, remove it"
                  keepLabel="No, keep it"
                  onConfirm={remove}
                  busy={busy}
                />
              </>
            )}
          </section>

          <section aria-labelledby="week-heading">
            <h2 id="week-heading" tabIndex={-1}>
              {weekTitle}
            </h2>
            {viewerZone() !== ENGLAND && <p>Days and times are in England (UK time).</p>}
            {/* Another week is a step within this page, not a new page: focus stays on the link (router.tsx `samePage`). */}
            <nav class="week-nav" aria-label="Weeks">
              <Link href={weekHref(addDays(week, -7))} samePage>
                Previous week
              </Link>
              <Link href={weekHref(addDays(week, 7))} samePage>
                Next week
              </Link>
            </nav>
            <div role="status" aria-live="polite" aria-atomic="true" class="visually-hidden" id="week-status">
              {weekSaid}
            </div>
            {/* Before the table: said first, not after 200 sessions' links. */}
            {own && sessions && sessionsTotal > sessions.length && (
              <p class="notice">
                This week has {sessionsTotal} sessions; the first {sessions.length} are shown here, soonest first. <Link href={`/sessions?${new URLSearchParams({ from, to })}`}>See all the week’s sessions in the session list</Link>, where you can narrow them down.
              </p>
            )}
            {!weekData ? (
              page.error ? <p>This week could not be loaded: see the message above, and try again.</p> : <p>Loading the week…</p>
            ) : (
              // Named by its caption, and reachable by Tab: should the table be wider than the screen, its box scrolls.
              <TableScroll labelledBy="week-caption">
                <table class="week-table stack">
                  <caption id="week-caption">{own ? 'Your lessons and the training sessions, day by day' : `${whose} lessons, day by day`}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col">{lessonsHeader}</th>
                      {own && <th scope="col">Sessions</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((day) => {
                      const closed = closedOn(day);
                      const lessons = lessonsOn(day);
                      const daySessions = sessionsOn(day);
                      return (
                        <tr key={day}>
                          <th scope="row">{formatLongDay(day)}</th>
                          <td data-label={lessonsHeader}>
                            {closed ? (
                              <p class="closed-day">{tt?.labelsWithheld && !own ? `No lessons: a whole day ${name} marked in their own calendar` : `School closed${closed.label ? `: ${closed.label}` : ''}`}</p>
                            ) : lessons.length === 0 ? (
                              <p>No lessons</p>
                            ) : (
                              <ul>
                                {lessons.map((l) => {
                                  const startDay = dayInEngland(l.startsAt);
                                  // Begun on an earlier day: said so, with when it began, not as if it began today.
                                  const from = startDay < day ? ` (from ${formatLongDay(startDay)}, ${formatTime(l.startsAt, ENGLAND)})` : '';
                                  const time = startDay < day ? (lastDayOf(l) > day ? 'All day' : `Until ${formatTime(l.endsAt, ENGLAND)}`) : formatTimeRange(l.startsAt, l.endsAt, ENGLAND);
                                  return (
                                    <li key={l.startsAt + l.label}>
                                      <span class="lesson-time">{time}</span> {l.label}
                                      {from}
                                    </li>
                                  );
                                })}
                              </ul>
                            )}
                          </td>
                          {own && (
                          <td data-label="Sessions">
                            {daySessions.length === 0 ? (
                              <p>No sessions</p>
                            ) : (
                              <ul>
                                {daySessions.map((s) => (
                                  <li key={s.id}>
                                    <span class="session-time">{formatTimeRange(s.startsAt, s.endsAt, ENGLAND)}</span> <Link href={`/sessions/${s.id}`}>{s.title}</Link>
                                    {/* Over, it no longer matters whether it fits (as on the session list and its page). */}
                                    {Date.parse(s.endsAt) > serverNow() && <SessionFitNote s={s} place={places.get(s.id)} timeZone={ENGLAND} />}
                                  </li>
                                ))}
                              </ul>
                            )}
                          </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </section>
        </>
      )}

      {person?.turnedOff ? (
        <p class="notice">
          {name}’s account is turned off, so their timetable can be seen and removed but not changed. To give them a new one, turn their account on first.
        </p>
      ) : (
        <>
          <section aria-labelledby="upload-heading">
            <h2 id="upload-heading">Upload a timetable file</h2>
            <form onSubmit={upload} noValidate>
              <TextField
                id="timetable-file"
                label="Timetable file"
                type="file"
                accept=".csv,.ics,text/csv,text/calendar"
                hint={`A calendar file (ICS) exported from ${own ? 'your' : 'the'} school’s system, or a spreadsheet saved as CSV with the columns day, start, end and, if you like, label and week (A or B, or 1 or 2, for two-week timetables). Times are UK times, such as 13:00. For a day the school is closed (an INSET day, a holiday), put its date in the day column (21/12/2026, or 21/12/2026 to 01/01/2027) and leave start and end empty. In a calendar file only busy events count: events shown as free (birthdays, reminders) change nothing, and a busy all-day event (an INSET day) marks the school closed, unless it is shown as out of office (leave, a trip), which makes the whole day busy. A file may be up to ${MAX_TIMETABLE_SIZE_WORDS}. Uploading replaces ${own ? 'your' : 'their'} whole timetable.`}
                error={errorFor(errors, 'timetable-file')}
              />
              <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
                Upload timetable
              </button>
            </form>
          </section>

          <section aria-labelledby="link-heading">
            <h2 id="link-heading">{own ? 'Or link your school’s calendar' : 'Or link their school calendar'}</h2>
            <form onSubmit={subscribe} noValidate>
              <TextField
                id="calendar-url"
                label="Calendar address"
                type="url"
                inputMode="url"
                autoComplete="url"
                defaultValue={own ? (tt?.subscription?.url ?? '') : ''}
                hint={own ? `The web address (starting ${CALENDAR_SCHEMES}) of the calendar your school’s system publishes for you. We check it every few hours.` : `The web address (starting ${CALENDAR_SCHEMES}) of the calendar the school’s system publishes for ${name}. We check it every few hours. Linking replaces their whole timetable.`}
                error={errorFor(errors, 'calendar-url')}
              />
              <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
                Link calendar
              </button>
            </form>
          </section>
        </>
      )}
    </>
  );
}

/**
 * The viewer's own places that stand, by session: a seat, an offer not yet run out (by the
 * server's clock), a place on the waiting list; as the server counts them for clashes and cover.
 */
function placesOf(bookings: z.infer<typeof BookingList>['items']): Map<string, HeldPlace> {
  const now = serverNow();
  const out = new Map<string, HeldPlace>();
  for (const b of bookings) {
    if (b.status !== 'confirmed' && b.status !== 'waitlisted' && b.status !== 'offered') continue;
    if (b.status === 'offered' && b.offerExpiresAt !== null && Date.parse(b.offerExpiresAt) <= now) continue;
    out.set(b.sessionId, { seat: b.seat, status: b.status });
  }
  return out;
}

function describeCounts(t: TimetableValue) {
  const parts = [];
  if (t.counts.weekly) parts.push(plural(t.counts.weekly, 'weekly lesson'));
  if (t.counts.dated) parts.push(plural(t.counts.dated, 'dated lesson'));
  if (t.counts.freeDays) parts.push(plural(t.counts.freeDays, 'school closure'));
  return parts.join(', ') || 'no lessons';
}

/** What the service said about how the file or calendar was read (names it shortened to fit), after the saved message: " 2 event names … “…”." or nothing. */
const notesOf = (t: TimetableValue) => (t.notes?.length ? ` ${t.notes.join(' ')}` : '');
