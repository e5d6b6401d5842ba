import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { Area, AREAS, areaLabel, attendShareWords, audienceWords, Course, Mode, outsideAudience, SessionList, SessionQuery, tooLateToCount, type Session } from '../../../shared/sessions.js';
import { BookingList, type Booking } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { described, errorFor, ErrorSummary, Fact, Field, type FieldError, PageHeading, TextField, useApp, When } from '../components.js';
import { Pagination } from '../pagination.js';
import { Loaded, Retry, useLoad } from '../load.js';
import { dayInEngland, ENGLAND, formatDateTime, formatTime, formatTimeRange, modeLabel, ordinal, plural, seatAdjective, viewerZone } from '../format.js';
import { serverNow } from '../clock.js';
import { Link, navigate } from '../router.js';
import { fitHeadline } from '../timetable/FitNote.js';
import type { SessionFit } from '../../../shared/timetables.js';

const PAGE_SIZE = 10;
const CourseList = z.object({ items: z.array(Course) });
/** Enough of GET /api/me/timetable to know whether there is one (source null: none yet). */
const TimetableHead = z.object({ source: z.string().nullable() });

/** Seats left and people waiting, per seat kind the session offers. */
/** Seats of a kind neither taken, offered nor free to the viewer: held for other schools (so "none free to you", not "full"). */
export const heldForOthersOf = (c: Session['seats']['online']) => Math.max(0, c.capacity - c.confirmed - c.offered - c.available);

export function seatSummary(s: Session) {
  const kinds: { key: 'online' | 'inPerson'; label: string }[] = [];
  if (s.mode !== 'online') kinds.push({ key: 'inPerson', label: 'In person' });
  if (s.mode !== 'in_person') kinds.push({ key: 'online', label: 'Online' });
  return kinds.map(({ key, label }) => {
    const c = s.seats[key];
    return { key, label, left: c.available, held: c.heldForViewer, heldForOthers: heldForOthersOf(c), capacity: c.capacity, waiting: c.waitlisted };
  });
}

type ClosingFacts = Pick<Session, 'endsAt' | 'bookingClosesAt' | 'bookingEndsAt'>;

/** "75%": how much of a session counts as attending it. */
export const attendShare = (s: Pick<Session, 'attendanceThreshold'>) => attendShareWords(s.attendanceThreshold);

/**
 * Whether someone booking `s` at `now` arrives too late to attend enough of it to count as
 * having attended (its attendance threshold: shared/sessions.ts, lastUsefulAt), while it is
 * still on: booking stays open to its end (the service's rule), and the page says so first.
 */
export const arrivesTooLate = (s: Pick<Session, 'startsAt' | 'endsAt' | 'attendanceThreshold'>, now: number) => tooLateToCount(s, now);

/**
 * Why a session can no longer be booked, as the server says when refusing (its bookingEndsAt
 * has come: it has ended, or its booking cut-off has passed), in words to follow "Closed: " or
 * "Booking … is closed: "; null while it can be.
 */
export function whyBookingClosed(s: ClosingFacts, now: number): string | null {
  if (Date.parse(s.endsAt) <= now) return 'this session has ended';
  if (Date.parse(s.bookingEndsAt) > now) return null;
  return `booking closed on ${formatDateTime(s.bookingEndsAt)}`;
}

/**
 * Why a session listed can no longer be booked (whyBookingClosed), in words for its card; null
 * while it can be. The list shows sessions not yet over (from today), so one whose cut-off has
 * passed may be among them, and with an earlier From, those already over.
 */
export function bookingClosed(s: ClosingFacts, now: number): string | null {
  const why = whyBookingClosed(s, now);
  return why === null ? null : `Closed: ${why}.`;
}

/** A card's seats and waitlist while the session can be booked, else why it cannot (bookingClosed). */
function SeatsOrClosed({ s, now }: { s: Session; now: number }) {
  const { me } = useApp();
  const closed = bookingClosed(s, now);
  if (closed) return <Fact label="Booking">{closed}</Fact>;
  // An in-house session outside the viewer's organisation (an administrator's list): no seat is theirs to have.
  if (outsideAudience(s.audience, me.orgId)) return <Fact label="Booking">You cannot book a place: it is only for the staff of {s.audience.orgName ?? 'one organisation'}{s.audience.kind === 'trust' ? ' and its schools' : ''}.</Fact>;
  // Under way and still open (to its end, the service's rule): said on the card, and whether
  // booking now can still count as attended, as the session's page says before booking.
  const underWay = Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt);
  return (
    <>
      {underWay && (
        <Fact label="Under way">
          Started at {formatTime(s.startsAt)}.{arrivesTooLate(s, now) ? ` Booking now will not count as attended: at least ${attendShare(s)} of it must be attended.` : ' You can still book and join.'}
        </Fact>
      )}
      <Fact label="Seats free to you"><SeatsLeft s={s} /></Fact>
      <Fact label="Waitlist"><Waiting s={s} /></Fact>
    </>
  );
}

export function SeatsLeft({ s }: { s: Session }) {
  return (
    <ul class="plain seat-list">
      {seatSummary(s).map((k) => (
        <li key={k.key}>
          {k.label}: {k.left > 0 ? <><strong>{k.left}</strong> of {plural(k.capacity, 'seat')} free to you{k.held > 0 ? ` (${k.held} held for your school)` : ''}</> : k.heldForOthers > 0 ? <><strong>none free to you</strong> ({k.heldForOthers} held for other schools)</> : <><strong>full</strong> (no seats free to you)</>}
        </li>
      ))}
    </ul>
  );
}

export function Waiting({ s }: { s: Session }) {
  const kinds = seatSummary(s);
  if (kinds.length === 1) return <>{kinds[0]!.waiting === 0 ? 'No one waiting' : `${kinds[0]!.waiting} waiting`}</>;
  return (
    <ul class="plain seat-list">
      {kinds.map((k) => (
        <li key={k.key}>
          {k.label}: {k.waiting === 0 ? 'no one waiting' : `${k.waiting} waiting`}
        </li>
      ))}
    </ul>
  );
}

/**
 * The viewer's own place on a listed session, linked to it: a seat, a seat offered to them
 * (until its offer runs out), or a place in the queue; null when they have none.
 */
function YourPlace({ b, now }: { b: Booking | undefined; now: number }) {
  const words = b && yourPlace(b, now);
  return b && words ? (
    <Fact label="Your place">
      <Link href={`/bookings/${b.id}`}>{words}</Link>
    </Fact>
  ) : null;
}

function yourPlace(b: Booking, now: number): string | null {
  const seat = seatAdjective[b.seat];
  if (b.status === 'confirmed') return `Booked: ${b.seat === 'online' ? 'an online' : 'an in-person'} seat`;
  if (b.status === 'offered') return b.offerExpiresAt && Date.parse(b.offerExpiresAt) <= now ? null : `A seat is offered to you (${seat})${b.offerExpiresAt ? `: take it by ${formatDateTime(b.offerExpiresAt)}` : ''}`;
  if (b.status === 'waitlisted') return `On the waiting list${b.position ? `, ${ordinal(b.position)} in the queue` : ''} (${seat})`;
  return null;
}

/** The clashes of a fit, as "P3 Maths (11:10 to 12:10 GMT); P4 Art (…)". */
function ClashList({ fit }: { fit: SessionFit }) {
  return (
    <>
      {fit.clashes.map((c, i) => (
        <span key={c.startsAt + c.label}>
          {i > 0 && '; '}
          {c.label || 'busy'} ({formatTimeRange(c.startsAt, c.endsAt)})
        </span>
      ))}
    </>
  );
}

/**
 * A hybrid session's fit for each seat when it fits only online: its online seat fits and
 * its in-person seat, with travel time, clashes (and it offers online seats); else null.
 */
export function fitsOnlyOnline(s: Pick<Session, 'mode' | 'fitBySeat' | 'seats'>): { online: SessionFit; inPerson: SessionFit } | null {
  const by = s.fitBySeat;
  return s.mode === 'hybrid' && by && s.seats.online.capacity > 0 && by.online.fits && !by.inPerson.fits ? by : null;
}

/**
 * Whether the session fits the viewer's timetable (shown only when they have one). `s.fit` is
 * for the seat in view: on a session's page the seat chosen; in the list (`listed`), where no
 * seat is chosen, the one a person would most likely take (online, where a hybrid session
 * offers it), so a hybrid session that fits only online says "Fits if you join online" there
 * rather than that it fits; and on its page, with the in-person seat chosen, that it would.
 */
export function FitNote({ s, listed = false }: { s: Session; listed?: boolean }) {
  if (!s.fit) return null;
  const onlineOnly = fitsOnlyOnline(s);
  if (onlineOnly && s.fit.fits && listed) {
    return (
      <>
        Fits if you join online. In person it clashes with your timetable{onlineOnly.inPerson.travelBufferMinutes ? ` (allowing ${onlineOnly.inPerson.travelBufferMinutes} minutes to travel)` : ''}: <ClashList fit={onlineOnly.inPerson} />
      </>
    );
  }
  if (s.fit.fits) return <>{fitHeadline(s.fit)}</>;
  return (
    <>
      {fitHeadline(s.fit)}: <ClashList fit={s.fit} />
      {onlineOnly && '. It fits if you join online.'}
    </>
  );
}

/**
 * Now, to the minute before (the server's clock): From for the list's "from today", which lists
 * sessions not yet over. Whole minutes, so everyone asking within one minute asks the same
 * (the server keeps a page as read for all who ask the same).
 */
const fromNow = () => new Date(Math.floor(serverNow() / 60_000) * 60_000).toISOString();

/** What the list is filtered by, read from the address (the address is the state). */
function filtersOf(q: URLSearchParams) {
  return {
    // No "from" in the address means "from today" (in England: the dates are days there), which lists sessions not yet over; an empty one means no lower bound.
    from: q.has('from') ? q.get('from')! : dayInEngland(),
    to: q.get('to') ?? '',
    mode: q.get('mode') ?? '',
    course: q.get('course') ?? '',
    area: q.get('area') ?? '',
    words: q.get('q') ?? '',
    fits: q.get('fits') === 'me',
    page: Math.max(1, Number(q.get('page')) || 1),
  };
}

/** What is wrong with each filter, in the form's words (for the form and for an address it cannot take). */
const FILTER_PROBLEMS = {
  q: 'Search: use 200 characters or fewer',
  from: 'From: enter a date',
  to: 'To: enter a date',
  mode: 'Mode: choose a mode from the list',
  area: 'Area: choose an area from the list',
  course: 'Course: choose a course from the list',
} as const;
/** What From today leaves out, and how to see it. */
const FROM_HINT = 'From today lists sessions not yet over; choose an earlier day to look back';
const TO_BEFORE_FROM = 'To: must be on or after the From date';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters in the address that SessionQuery refuses, each as the form would say it (a page too far on: said at the search box). */
function addressProblems(f: { words: string; from: string; to: string; mode: string; course: string; area: string; page: number }): FieldError[] {
  const parsed = SessionQuery.safeParse({ q: f.words || undefined, from: f.from || undefined, to: f.to || undefined, mode: f.mode || undefined, courseId: f.course || undefined, area: f.area || undefined, offset: (f.page - 1) * PAGE_SIZE });
  // A range ending before it starts holds no day: said at To, as the form says it, not listed as "no sessions match".
  if (parsed.success) return DAY.test(f.from) && DAY.test(f.to) && f.to < f.from ? [{ field: 'to', message: TO_BEFORE_FROM }] : [];
  const fieldOf: Record<string, keyof typeof FILTER_PROBLEMS> = { q: 'q', from: 'from', to: 'to', mode: 'mode', courseId: 'course', area: 'area' };
  const found = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const field = fieldOf[String(issue.path[0])];
    if (field) found.set(field, FILTER_PROBLEMS[field]);
    else found.set('q', 'This page of the list is too far on: search again, or go back to the first page');
  }
  return [...found].map(([field, message]) => ({ field, message }));
}

export function SessionsPage() {
  const { loc } = useApp();
  const q = loc.query;
  const { from, to, mode, course, area, words, fits, page } = filtersOf(q);
  const [formErrors, setErrors] = useState<FieldError[]>([]);
  const formRef = useRef<HTMLFormElement>(null);

  const courses = useLoad(() => api('/api/courses', CourseList).then((r) => r.items), []);
  // Only asked when "fits my timetable" is on: whether there is a timetable to fit.
  const timetable = useLoad(() => (fits ? api('/api/me/timetable', TimetableHead) : Promise.resolve(null)), [fits]);
  // Filters in the address the list cannot take (a link cut short, a mode that does not exist) are said, as the form's own errors are.
  const errors = formErrors.length ? formErrors : addressProblems({ words, from, to, mode, course, area, page });
  // The viewer's own places, so each card says which sessions they already have: read with
  // the list, and when it cannot be read the cards say nothing of it (the list still shows).
  const places = useLoad(async () => {
    const mine = await api('/api/me/bookings', BookingList).catch(() => ({ items: [] as Booking[] }));
    return new Map(mine.items.filter((b) => b.status === 'confirmed' || b.status === 'offered' || b.status === 'waitlisted').map((b) => [b.sessionId, b]));
  }, [loc.key]);
  const listedFrom = useRef<string | null>(null);
  const list = useLoad(async () => {
    // "From now" is the instant the first page was read at, kept while its pages are turned:
    // read again for each page, a session ending meanwhile would drop out and shift the offset,
    // so the next page would skip one never shown. A first page (a new search) reads it afresh.
    const now = page > 1 && listedFrom.current ? listedFrom.current : fromNow();
    if (page === 1) listedFrom.current = now;
    const query = SessionQuery.safeParse({
      q: words || undefined,
      // Dates as chosen: the server reads each as that day in England, the last one included;
      // except that From today (the default) means from now, so sessions already over today
      // are not listed first. An earlier From looks back.
      from: from === dayInEngland() ? now : from || undefined,
      to: to || undefined,
      mode: mode || undefined,
      courseId: course || undefined,
      area: area || undefined,
      fits: fits ? 'me' : undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    if (!query.success) return { items: [] as Session[], total: 0, limit: PAGE_SIZE, offset: 0 };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query.data)) if (v !== undefined) params.set(k, String(v));
    return api(`/api/sessions?${params}`, SessionList);
  }, [loc.key]);

  // Back and forward change the address: show its filters in the form (kept mounted so focus stays).
  useEffect(() => {
    const els = formRef.current?.elements as (HTMLFormControlsCollection & Record<string, HTMLInputElement | HTMLSelectElement>) | undefined;
    if (!els) return;
    els['q']!.value = words;
    els['from']!.value = from;
    els['to']!.value = to;
    els['mode']!.value = mode;
    els['course']!.value = course;
    els['area']!.value = area;
    (els['fits'] as HTMLInputElement).checked = fits;
  }, [loc.key]);

  function applyFilters(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const nq = String(f.get('q') ?? '').trim();
    const nf = String(f.get('from') ?? '');
    const nt = String(f.get('to') ?? '');
    const nm = String(f.get('mode') ?? '');
    const nc = String(f.get('course') ?? '');
    const na = String(f.get('area') ?? '');
    const nfits = f.get('fits') === 'me';
    const found: FieldError[] = [];
    if (nq.length > 200) found.push({ field: 'q', message: FILTER_PROBLEMS.q });
    if (nf && !DAY.test(nf)) found.push({ field: 'from', message: FILTER_PROBLEMS.from });
    if (nt && !DAY.test(nt)) found.push({ field: 'to', message: FILTER_PROBLEMS.to });
    if (!found.length && nf && nt && nt < nf) found.push({ field: 'to', message: TO_BEFORE_FROM });
    if (na && !Area.safeParse(na).success) found.push({ field: 'area', message: FILTER_PROBLEMS.area });
    if (nm && !Mode.safeParse(nm).success) found.push({ field: 'mode', message: FILTER_PROBLEMS.mode });
    setErrors(found);
    if (found.length) return;
    const params = new URLSearchParams({ from: nf });
    if (nq) params.set('q', nq);
    if (nt) params.set('to', nt);
    if (nm) params.set('mode', nm);
    if (nc) params.set('course', nc);
    if (na) params.set('area', na);
    if (nfits) params.set('fits', 'me');
    navigate(`/sessions?${params}`);
  }

  const pageUrl = (n: number) => {
    const params = new URLSearchParams(q);
    params.set('from', from);
    params.set('page', String(n));
    return `/sessions?${params}`;
  };
  const data = list.data;
  const now = serverNow();
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const courseTitle = (id: string | null) => (id ? courses.data?.find((c) => c.id === id)?.title : undefined);
  const moreFilters = Boolean(to || mode || course || area || fits || (q.has('from') && from !== dayInEngland()));
  const noTimetable = fits && timetable.data?.source === null;
  // The dates are days in England, as are the times listed; said at the date fields when the browser is in another zone.
  const dayHint = viewerZone() !== ENGLAND ? 'A day in England (UK time)' : undefined;

  return (
    <>
      <PageHeading title={page > 1 ? `Sessions (page ${page} of ${pages})` : 'Sessions'} navigated={loc.navigated} error={errors.length > 0}>
        Sessions
      </PageHeading>
      <ErrorSummary errors={errors} />
      <form ref={formRef} class="filters" onSubmit={applyFilters} noValidate aria-label="Find sessions">
        <div class="search-row">
          <TextField id="q" label="Search sessions" hint="Words in the title, course or description" type="search" defaultValue={words} error={errorFor(errors, 'q')} />
          <div class="field field-action">
            <button type="submit" class="button">
              Search
            </button>
          </div>
        </div>
        <details class="more-filters" open={moreFilters || errors.length > 0}>
          <summary>More filters: dates, area, mode, course, timetable</summary>
          <div class="filter-fields">
            <TextField id="from" label="From" type="date" hint={dayHint ? `${dayHint}. ${FROM_HINT}` : FROM_HINT} defaultValue={from} error={errorFor(errors, 'from')} />
            <TextField id="to" label="To" type="date" hint={dayHint} defaultValue={to} error={errorFor(errors, 'to')} />
            <Field id="area" label="Area" error={errorFor(errors, 'area')}>
              <select id="area" name="area" {...described('area', undefined, errorFor(errors, 'area'))}>
                <option value="" selected={area === ''}>Any area</option>
                {AREAS.map(([code, label]) => (
                  <option key={code} value={code} selected={area === code}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="mode" label="Mode" error={errorFor(errors, 'mode')}>
              <select id="mode" name="mode" {...described('mode', undefined, errorFor(errors, 'mode'))}>
                <option value="" selected={mode === ''}>Any mode</option>
                <option value="online" selected={mode === 'online'}>Online</option>
                <option value="in_person" selected={mode === 'in_person'}>In person</option>
                <option value="hybrid" selected={mode === 'hybrid'}>Hybrid</option>
              </select>
            </Field>
            <div class="field">
              <label for="course">Course</label>
              {/* Courses that did not load are said to be missing (with Try again), not shown as a list of none. */}
              {courses.error && (
                <>
                  <p class="hint" id="course-hint">
                    The courses could not be loaded, so you cannot choose one yet.
                  </p>
                  <Retry error={courses.error} onRetry={() => void courses.reload()} busy={courses.loading} focusTo={() => document.getElementById('course')} />
                </>
              )}
              <select id="course" name="course" aria-describedby={courses.error ? 'course-hint' : undefined}>
                <option value="" selected={course === ''}>Any course</option>
                {(courses.data ?? []).map((c) => (
                  <option key={c.id} value={c.id} selected={course === c.id}>
                    {c.title}
                  </option>
                ))}
              </select>
            </div>
            <div class="field checkbox field-check">
              <input type="checkbox" id="fits" name="fits" value="me" defaultChecked={fits} />
              <label for="fits">Only sessions that fit my timetable</label>
            </div>
            <div class="field field-action">
              <button type="submit" class="button button-secondary">
                Show sessions
              </button>
            </div>
          </div>
        </details>
      </form>
      {noTimetable && (
        <p class="notice notice-info">
          You have no timetable yet, so every session is shown. <Link href="/timetable">Upload your timetable</Link> to see only the sessions that fit around your lessons.
        </p>
      )}
      <p role="status" class="count" id="sessions-count" tabIndex={-1}>
        {/* Counted from the answer on screen (its own offset), not the page asked for, which may still be loading. */}
        {/* While the filters have a problem, the sessions of the filters before are not shown under it as if they were the answer. */}
        {errors.length > 0 ? 'Correct the filters above to see sessions.' : list.error && !data ? '' : !data ? 'Loading sessions…' : data.items.length === 0 && data.total > 0 ? `This page is past the end of the list (${plural(data.total, 'session')} in all).` : data.items.length === 0 ? 'No sessions match. Try other words, a wider date range, any area or any mode.' : `Showing ${data.offset + 1} to ${data.offset + data.items.length} of ${plural(data.total, 'session')}. Days and times are in England (UK time).`}
      </p>
      {errors.length === 0 && data && data.items.length === 0 && data.total > 0 && (
        <p>
          <Link href={pageUrl(1)}>Go to the first page</Link>
        </p>
      )}
      {errors.length === 0 && (
      <Loaded state={list} what="sessions">
        {(data) =>
          data.items.length === 0 ? null : (
            <>
              <ul class="cards plain">
                {data.items.map((s) => (
                  <li key={s.id}>
                    <article class="card" aria-labelledby={`session-${s.id}`}>
                      <h2 id={`session-${s.id}`} class="card-title">
                        <Link href={`/sessions/${s.id}`}>{s.title}</Link>
                      </h2>
                      {s.status === 'cancelled' && <p class="badge badge-cancelled">Cancelled</p>}
                      <dl class="facts">
                        <Fact label="When"><When startsAt={s.startsAt} endsAt={s.endsAt} /></Fact>
                        <Fact label="Mode">{modeLabel[s.mode]}</Fact>
                        {s.venue && <Fact label="Venue"><span class="break">{s.venue}</span></Fact>}
                        {s.area && <Fact label="Area">{areaLabel(s.area)}</Fact>}
                        {s.audience.kind !== 'programme' && <Fact label="Who it is for">{audienceWords(s.audience)}</Fact>}
                        {courseTitle(s.courseId) && <Fact label="Course">{courseTitle(s.courseId)}</Fact>}
                        {s.status !== 'cancelled' && <SeatsOrClosed s={s} now={now} />}
                        {/* Once a session is over, whether it would fit is no longer news. */}
                        {s.fit && Date.parse(s.endsAt) > now && <Fact label="Your timetable"><FitNote s={s} listed /></Fact>}
                        {s.status !== 'cancelled' && <YourPlace b={places.data?.get(s.id)} now={now} />}
                      </dl>
                    </article>
                  </li>
                ))}
              </ul>
              <Pagination label="Pages of sessions" page={Math.floor(data.offset / PAGE_SIZE) + 1} pages={pages} href={pageUrl} resultsId="sessions-count" />
            </>
          )
        }
      </Loaded>
      )}
    </>
  );
}
