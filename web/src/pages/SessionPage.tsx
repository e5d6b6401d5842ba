import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { BookInput, Booking, MAX_BOOK_AT_ONCE, BookingList, BookResult, BulkBookResult, HoldList, Roster, type RosterEntry } from '../../../shared/bookings.js';
import { areaLabel, audienceWords, lastUsefulAt, outsideAudience, Session, type AlsoBooked, type SeatKind } from '../../../shared/sessions.js';
import { Clash } from '../../../shared/timetables.js';
import { AttendanceReport, MyCheckin } from '../../../shared/attendance.js';
import { api } from '../api.js';
import { JOIN_OPENS_MS, JoinNow } from '../calendarLinks.js';
import { DownloadLink, Fact, isInternalWording, messageOf, PageHeading, Status, TextField, useApp, useFocusLater, When } from '../components.js';
import { fmtIn, formatDateTime, formatTime, formatTimeRange, modeLabel, ordinal, plural, seatAdjective, seatLabel } from '../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad, useSubmissionKey, type LoadState } from '../load.js';
import { Link } from '../router.js';
import { OrgSearchPicker, OrgsNotLoaded, SchoolSelect, useOrgs } from '../orgs.js';
import { SessionMaterials } from '../materials/SessionMaterials.js';
import { useFormsWithErrors } from '../materials/AddMaterialForms.js';
import { BookingDetails, offerExpiry, offerLapsedAt, useClockPast, useOfferLapsed } from './BookingsPage.js';
import { useFocusNoticeOnLapse } from './offerLapse.js';
import { SessionFitNote } from '../timetable/FitNote.js';
import { arrivesTooLate, attendShare, FitNote, fitsOnlyOnline, heldForOthersOf, SeatsLeft, Waiting, whyBookingClosed } from './SessionsPage.js';
import { serverNow } from '../clock.js';
import { GiveToLead } from './GiveToLead.js';
import { ManageLinks } from './trainer/manageLinks.js';

/** The booking answer; timetable clashes (if any) do not stop a booking but are worth saying. */
const BookAnswer = BookResult.extend({ clashes: z.array(Clash).optional() });

const ACTIVE = new Set(['confirmed', 'waitlisted', 'offered']);

function seatKindsOf(s: Session): SeatKind[] {
  return s.mode === 'hybrid' ? ['in_person', 'online'] : [s.mode];
}
const countsIn = (seats: Session['seats'], seat: SeatKind) => (seat === 'online' ? seats.online : seats.inPerson);
const countsFor = (s: Session, seat: SeatKind) => countsIn(s.seats, seat);
const leftFor = (s: Session, seat: SeatKind) => countsFor(s, seat).available;

/** Radio buttons for the seat kind of a hybrid session, each saying how many are free to the viewer (or to the school `seats` are counted for). */
function SeatChoice({ s, seats = s.seats, name, value, onChange }: { s: Session; seats?: Session['seats']; name: string; value: SeatKind; onChange: (v: SeatKind) => void }) {
  return (
    <fieldset class="field">
      <legend>Seat</legend>
      <div class="radios">
        {seatKindsOf(s).map((k) => {
          const c = countsIn(seats, k);
          const left = c.available;
          // None free, but not full: the rest are held for other schools.
          const heldForOthers = heldForOthersOf(c) > 0;
          return (
            <div class="radio" key={k}>
              <input type="radio" id={`${name}-${k}`} name={name} value={k} checked={value === k} onChange={() => onChange(k)} />
              <label for={`${name}-${k}`}>
                {seatLabel[k]} ({left > 0 ? `${left} free` : heldForOthers ? 'none free: the rest are held for other schools; join the waitlist' : 'full: join the waitlist'})
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/**
 * The pages for running a session, for those who run it (its trainers, in-house leads,
 * administrators): the same pages, on the same terms and in the same words, as its card on
 * My sessions. `ended`: the session is over. A cancelled session has no live room (joining
 * it is refused) and no one who attended it to give feedback (one someone attended cannot be
 * cancelled); its register is offered only while it holds records (see CancelledRegister).
 */
function RunningLinks({ s, ended }: { s: Session; ended: boolean }) {
  const cancelled = s.status === 'cancelled';
  return (
    <ul class="plain link-list">
      {s.mode !== 'in_person' && !cancelled && (
        <li>
          <Link href={`/sessions/${s.id}/room`}>Open the live room</Link>
        </li>
      )}
      {cancelled ? (
        <CancelledRegister s={s} />
      ) : (
        <li>
          <Link href={`/sessions/${s.id}/register`}>Attendance register</Link>
        </li>
      )}
      <ManageLinks s={s} ended={ended} />
      {ended && !cancelled && (
        <li>
          <Link href={`/sessions/${s.id}/feedback`}>Feedback from attendees</Link>
        </li>
      )}
    </ul>
  );
}

/**
 * A cancelled session's register, offered only when it holds records: cancelling takes every
 * place still open with it, so the register of one cancelled before it ended is empty; one
 * that ended, had its outcomes written (everyone absent: one anyone attended cannot be
 * cancelled) and was then cancelled as not having taken place keeps those rows. Said as what
 * it is now. Not offered while the register is read, and offered if it could not be read
 * (the register page then says what it can).
 */
function CancelledRegister({ s }: { s: Session }) {
  const report = useLoad(() => api(`/api/sessions/${encodeURIComponent(s.id)}/attendance`, AttendanceReport), [s.id]);
  if (report.loading && !report.data) return null;
  if (report.data && report.data.items.length === 0) return null;
  return (
    <li>
      <Link href={`/sessions/${s.id}/register`}>Attendance register</Link> (its record from before it was cancelled)
    </li>
  );
}

/** "Online: 2 of 5 taken, 1 waiting": a session's seats as those who run it see them (as on My sessions), not as free to them. */
function SeatsTaken({ s }: { s: Session }) {
  const line = (label: string, c: Session['seats']['online']) => `${label}: ${c.confirmed} of ${c.capacity} taken${c.offered ? `, ${c.offered} offered` : ''}, ${c.waitlisted} waiting`;
  return (
    <ul class="plain seat-list">
      {s.mode !== 'online' && <li>{line('In person', s.seats.inPerson)}</li>}
      {s.mode !== 'in_person' && <li>{line('Online', s.seats.online)}</li>}
    </ul>
  );
}

const SHORT_DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
/** How each kind of place on another session is said, before its title. */
const ALSO_BOOKED_WORDS: Record<AlsoBooked['status'], string> = {
  confirmed: 'You already have a place on',
  waitlisted: 'You are on the waiting list for',
  offered: 'You have been offered a seat on',
};

/**
 * The viewer's own places on other sessions at the same time as this one (the server's
 * `alsoBooked`), said before the booking form: booking both is allowed, but they can be at
 * only one. Each names its session (a link to it) and its day and times in England.
 */
function AlsoBookedNotice({ places }: { places: AlsoBooked[] }) {
  return (
    <div class="notice notice-info" id="also-booked">
      {places.map((p) => (
        <p key={p.sessionId}>
          {ALSO_BOOKED_WORDS[p.status]} “<Link href={`/sessions/${encodeURIComponent(p.sessionId)}`}>{p.title}</Link>” ({fmtIn(SHORT_DAY).format(new Date(p.startsAt))}, {formatTimeRange(p.startsAt, p.endsAt)}), at the same time as this session.
        </p>
      ))}
    </div>
  );
}

/** One person's outcome in an office's booking, with any timetable clash it found (booking is allowed; they may need cover). */
function outcomeText(r: z.infer<typeof BookAnswer>) {
  // Queued though seats are empty: they are held for other schools (heldForOthers), said so, not left to look like a full session.
  const held = r.status !== 'confirmed' && (r.heldForOthers ?? 0) > 0 ? ` (the ${r.heldForOthers === 1 ? 'empty seat is' : `${r.heldForOthers} empty seats are`} held for other schools)` : '';
  const place = r.status === 'confirmed' ? `Confirmed, ${seatAdjective[r.seat]} seat` : `On the waitlist, ${ordinal(r.position ?? 0)} in the queue for ${seatAdjective[r.seat]} seats${held}`;
  return r.clashes?.length ? `${place}. Clashes with their timetable: ${r.clashes.map((c) => `${c.label || 'busy'} (${formatTimeRange(c.startsAt, c.endsAt)})`).join('; ')}: they may need cover.` : place;
}

/** What an office sees about one person before booking them, given the place they hold now (see BookStaff). */
function placeText(b: RosterEntry['booking']): string {
  if (!b) return 'Not booked';
  if (b.status === 'confirmed') return `Already booked (${seatAdjective[b.seat]} seat)`;
  if (b.status === 'offered') return `Seat offered${b.offerExpiresAt ? `, to accept by ${formatDateTime(b.offerExpiresAt)}` : ''}`;
  return `Waiting: ${b.position ? `${ordinal(b.position)} in the queue` : 'on the waitlist'}`;
}

/** The holds on a session the viewer may see, loaded again whenever `version` (the page's reload signal) changes. */
function useHolds(s: Session, version: number) {
  return useLoad(() => api(`/api/sessions/${encodeURIComponent(s.id)}/holds`, HoldList), [s.id, version]);
}

/**
 * Office staff: the holds and claims on this session of the organisations they book for, and
 * the way to hold seats for the one they are booking for (`orgId`, called `whose`: "your
 * school" to a school's own office, its name to a trust's office, which acts for several).
 * Each hold names the school it is for by name, the chosen one's first: a trust's office
 * booking for one school sees the others' holds as theirs. The link takes `orgId` to the holds
 * page (`?org=`), which opens on it.
 */
function SchoolHolds({ s, holds, orgId, whose }: { s: Session; holds: LoadState<z.infer<typeof HoldList>>; orgId: string; whose: string }) {
  const { me } = useApp();
  const held = !!holds.data?.items.some((h) => h.orgId === orgId);
  // With no hold yet, seats can be held only from those nobody has (nor holds): none, no link to a form that would refuse.
  const noneToHold = !held && s.seats.inPerson.publicAvailable + s.seats.online.publicAvailable === 0;
  const link =
    me.role === 'office' &&
    s.status === 'scheduled' &&
    (noneToHold ? (
      <p>Every seat is booked or held, so none can be held for {whose} on this session.</p>
    ) : (
      <p>
        {/* The school goes with the link, so the holds page opens on it and does not ask again (a trust's office acts for several). */}
        <Link href={`/sessions/${encodeURIComponent(s.id)}/holds?${new URLSearchParams({ org: orgId })}`}>{held ? `Change the seats held for ${whose}` : `Hold seats for ${whose}`}</Link>
      </p>
    ));
  if (!holds.data?.items.length && !holds.error) return link || null;
  return (
    <>
      <Loaded state={holds} what="the held seats">
        {(h) => (
          <ul class="plain">
            {[...h.items.filter((x) => x.orgId === orgId), ...h.items.filter((x) => x.orgId !== orgId)].map((x) => (
              <li key={x.orgId + x.seat}>
                {plural(x.seats, `${seatAdjective[x.seat]} seat`)} held for {x.orgName}: {x.claimed} taken, {Math.max(0, x.seats - x.claimed)} still held
                {s.holdsReleaseAt && <> until {formatDateTime(s.holdsReleaseAt)}</>}.
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {link}
    </>
  );
}

/**
 * Office staff: the attendance of their own staff on a session that has begun (minutes
 * present, attended or not, as the register stands; `GET /api/sessions/:id/attendance`
 * answers them their organisations' rows only), and the same as a spreadsheet.
 */
function StaffAttendance({ s }: { s: Session }) {
  const ended = Date.parse(s.endsAt) <= serverNow();
  const report = useLoad(() => api(`/api/sessions/${encodeURIComponent(s.id)}/attendance`, AttendanceReport), [s.id]);
  return (
    <section aria-labelledby="staff-attendance-title" class="panel">
      <h2 id="staff-attendance-title">Attendance of your staff</h2>
      {!ended && <p class="hint">The session is still running: this is attendance so far. It is recorded when the session ends.</p>}
      <Loaded state={report} what="your staff’s attendance">
        {(r) =>
          r.items.length === 0 ? (
            <p>None of your staff had a seat on this session.</p>
          ) : (
            <>
              <table class="stack" aria-labelledby="staff-attendance-title">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Seat</th>
                    <th scope="col">Minutes present</th>
                    <th scope="col">{ended ? 'Attended' : 'Attending so far'}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((row) => (
                    <tr key={row.bookingId}>
                      <th scope="row" data-label="Name">
                        {row.name}
                      </th>
                      <td data-label="Seat">{seatLabel[row.seat]}</td>
                      <td data-label="Minutes present">{row.minutes ?? 'not recorded'}</td>
                      <td data-label={ended ? 'Attended' : 'Attending so far'}>{row.attended ? 'Yes' : 'No'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <DownloadLink href={`/api/sessions/${encodeURIComponent(s.id)}/attendance.csv`} fallbackName="attendance.csv" what="spreadsheet">
                Download your staff’s attendance (CSV)
              </DownloadLink>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

/**
 * Office staff book for their own organisation; a trust's office first chooses which of its
 * schools (or the trust itself, its own staff) to book from: the seats free to a school count
 * its own held seats, so its staff are booked a school at a time. Administrators choose any
 * organisation (their own, if they have one, to start with), by name or URN.
 */
function OfficeBookStaff({ s, version, onBooked }: { s: Session; version: number; onBooked: () => Promise<void> }) {
  const { me, loc } = useApp();
  const admin = me.role === 'admin';
  // Office staff choose among the organisations they book for; an administrator finds any.
  const orgs = useOrgs(!admin);
  const [picked, setPicked] = useState<string | null>(admin ? (me.orgId ?? '') : null);
  const [foundName, setFoundName] = useState(me.orgName ?? '');
  const list = orgs.data ?? [];
  const several = !admin && list.length > 1;
  // Come back from the holds page (`?org=`): the school it was opened for, if it is one of theirs.
  const linked = loc.query.get('org');
  const fromLink = !admin && picked === null && linked && list.some((o) => o.id === linked) ? linked : null;
  // Nothing chosen yet: a trust's office chooses (nothing is shown while its organisations
  // load); an office of one organisation, or whose organisations did not load, books its own.
  const orgId = picked ?? fromLink ?? (several || (!orgs.data && !orgs.error) ? '' : (me.orgId ?? ''));
  const name = admin ? foundName || null : (list.find((o) => o.id === orgId)?.name ?? me.orgName);
  // The trust itself among its schools: its own staff, said so in the choice.
  const options = list.map((o) => (o.id === me.orgId && list.some((x) => x.parentId === o.id) ? { ...o, name: `${o.name} (its own staff)` } : o));
  return (
    <>
      {admin ? (
        <section class="panel" aria-labelledby="book-org-title">
          <h2 id="book-org-title">Book people onto this session</h2>
          <OrgSearchPicker
            id="book-org"
            label="Organisation"
            value={orgId}
            chosenName={me.orgName ?? undefined}
            onChange={(id, found) => {
              setPicked(id);
              setFoundName(found);
            }}
            hint="Whose staff to book: you see each person’s place and timetable clashes first."
          />
        </section>
      ) : orgs.error ? (
        <OrgsNotLoaded orgs={orgs} />
      ) : (
        several && (
          <div class="panel">
            <SchoolSelect id="book-org" label="Book staff of" orgs={options} value={orgId} onChange={setPicked} placeholder="Choose a school" />
            {!orgId && <p class="hint">Choose whose staff to book: one of your schools, or your own organisation’s staff. Each school’s held seats are for its own staff, so you book one school at a time.</p>}
          </div>
        )
      )}
      {orgId && <BookStaff key={orgId} s={s} orgId={orgId} orgName={name} several={several} version={version} onBooked={onBooked} />}
    </>
  );
}

/** From how many people Book staff offers a search (a small school's list is read at a glance). */
const FIND_FROM = 10;

/** Folded for matching: any case, accents ignored ("Siân" is found by "sian"). */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en-GB');

/** Whether every word typed is in the person's name or email. */
function matchesPerson(p: RosterEntry, typed: string): boolean {
  const hay = fold(`${p.name} ${p.email}`);
  return fold(typed).split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/** Office staff: book several people of one organisation they book for at once, seeing each person's place and clashes first. */
function BookStaff({ s, orgId, orgName, several, version, onBooked }: { s: Session; orgId: string; orgName: string | null; several: boolean; version: number; onBooked: () => Promise<void> }) {
  const { me } = useApp();
  // Both load again on the page's reload signal, after any booking change on the page.
  // The first kind with a seat free to those booked (an administrator outside an in-house session has none free to them: its open seats then).
  // A first guess from the viewer's own counts, until the roster brings the seats as this organisation sees them (below).
  const [seat, setSeatNow] = useState<SeatKind>(seatKindsOf(s).find((k) => (outsideAudience(s.audience, me.orgId) ? countsFor(s, k).publicAvailable : leftFor(s, k)) > 0) ?? seatKindsOf(s)[0]!);
  // Whether the seat kind is settled: chosen by the user, or started from the roster's seats once. Never changed for them after that.
  const seatSettled = useRef(false);
  const setSeat = (k: SeatKind) => {
    seatSettled.current = true;
    setSeatNow(k);
  };
  // Clashes are worked out for the seat kind chosen (an in-person seat allows travel time), so choosing another loads them again.
  const roster = useLoad(() => api(`/api/sessions/${encodeURIComponent(s.id)}/roster?${new URLSearchParams({ orgId, ...(s.mode === 'hybrid' ? { seat } : {}) })}`, Roster), [s.id, orgId, version, s.mode === 'hybrid' ? seat : '']);
  // The roster's seats count this organisation's own hold as free to it (the viewer's own counts
  // do not): once they have come, the form starts on the first kind with a seat free to its staff,
  // unless the user has chosen one. Before the form is painted, so it does not jump.
  useLayoutEffect(() => {
    const r = roster.data;
    if (seatSettled.current || !r || !r.forThem) return;
    seatSettled.current = true;
    const first = seatKindsOf(s).find((k) => countsIn(r.seats, k).available > 0);
    if (first) setSeatNow(first);
  }, [roster.data]);
  const holds = useHolds(s, version);
  const ownOrg = orgId === (me.orgId ?? '');
  // "Your school" is a school office's own; an office acting for several (a trust's) is told which.
  const whose = (ownOrg && !several) || !orgName ? 'your school' : orgName;
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<{ name: string; text: string; ok: boolean }[]>([]);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  const [find, setFind] = useState('');
  const action = useAction();
  const submission = useSubmissionKey();
  // The seats as this organisation sees them (its own hold counts as free to it) come with its
  // people, counted by the server; the session's own counts serve the viewer's school meanwhile.
  // An in-house session for another organisation (an administrator may choose any): none of
  // this one's people can be booked onto it, so it says so instead of offering seats and a form.
  const outside = roster.data?.forThem === false;
  const seats = outside ? undefined : (roster.data?.seats ?? (ownOrg ? s.seats : undefined));
  const counts = seats && countsIn(seats, seat);
  // The place each person holds now: an offer whose time runs out while the page is open is
  // none from that moment (as the server's roster says once loaded again, before its sweep),
  // so they may be ticked and booked again (booking passes the lapsed seat on first).
  useClockPast(roster.data?.items.map((p) => (p.booking ? offerExpiry(p.booking) : null)) ?? []); // renders again as each offer lapses
  const now = serverNow();
  const placeOf = (p: RosterEntry) => (p.booking && !offerLapsedAt(p.booking, now) ? p.booking : null);

  async function submit(e: Event) {
    e.preventDefault();
    setProblem('');
    // In the list's order (by name), not the order ticked: the same people ticked again in
    // another order are the same request (its Idempotency-Key, below), booked in the same order.
    const listed = new Map((roster.data?.items ?? []).map((p, i) => [p.userId, i]));
    const userIds = [...chosen].sort((a, b) => (listed.get(a) ?? Infinity) - (listed.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
    const input = BookInput.safeParse({ userIds, seat: s.mode === 'hybrid' ? seat : undefined });
    if (!input.success || chosen.size === 0) {
      setProblem(
        chosen.size > MAX_BOOK_AT_ONCE
          ? `You have chosen ${chosen.size} people: book up to ${MAX_BOOK_AT_ONCE} at a time. Untick ${chosen.size - MAX_BOOK_AT_ONCE}, book the others, then book them.`
          : 'Choose at least one person to book.',
      );
      document.getElementById('staff-legend')?.focus();
      return;
    }
    // A failure is shown with a retry (which runs all of this again); the ticks stay as they were.
    await action.run(async () => {
    // One Idempotency-Key per submission (useSubmissionKey): "Try booking again" after an
    // answer lost on the way (a proxy's 502, the resends run out) gets what the first one
    // booked, not "already has a seat" for everyone it booked.
    const r = await submission.keyed(input.data, (idempotencyKey) => api(`/api/sessions/${encodeURIComponent(s.id)}/bookings`, BulkBookResult, { method: 'POST', body: input.data, idempotencyKey }));
    const nameOf = (id: string) => roster.data?.items.find((p) => p.userId === id)?.name ?? 'Someone';
    const list = r.results.map((x) => ('error' in x ? { name: nameOf(x.userId), text: `Not booked: ${isInternalWording(x.error.message) ? 'this person could not be booked.' : x.error.message}`, ok: false } : { name: nameOf(x.userId), text: outcomeText(x), ok: true }));
    setOutcomes(list);
    const ok = list.filter((o) => o.ok).length;
    const late = ok > 0 && arrivesTooLate(s, serverNow()) ? ` Booked now, it will not count as attended for them: less than ${attendShare(s)} of the session was left.` : '';
    setStatus(`${ok} of ${list.length} ${list.length === 1 ? 'person' : 'people'} booked or added to the waitlist.${late}`);
    setChosen(new Set());
    await onBooked();
    }, { onRefused: onBooked });
  }

  return (
    <section aria-labelledby="book-staff-title" class="panel">
      <h2 id="book-staff-title">Book staff{orgName ? ` from ${orgName}` : ''}</h2>
      {counts && (
        <p>
          {counts.available > 0 ? (
            <>
              <strong>{plural(counts.available, `${seatKindsOf(s).length > 1 ? `${seatAdjective[seat]} ` : ''}seat`)}</strong> free to {whose} now
              {counts.heldForViewer > 0 && <> ({counts.heldForViewer} of them held for {whose})</>}. Anyone past that joins the waitlist.
            </>
          ) : (
            <>No {seatKindsOf(s).length > 1 ? `${seatAdjective[seat]} ` : ''}seats are free to {whose} now: anyone you book joins the waitlist.</>
          )}
        </p>
      )}
      <SchoolHolds s={s} holds={holds} orgId={orgId} whose={whose} />
      {arrivesTooLate(s, now) && (
        <p class="notice notice-warning" id="late-staff-booking-note">
          Less than {attendShare(s)} of this session is left. Staff booked now can join for what remains, but it will not count as attended for them: at least {attendShare(s)} of it must be attended.
        </p>
      )}
      <Loaded state={roster} what={ownOrg ? 'your staff' : `the staff of ${whose}`}>
        {(r) => {
          const shown = find.trim() ? r.items.filter((p) => matchesPerson(p, find)) : r.items;
          const hidden = [...chosen].filter((id) => !shown.some((p) => p.userId === id)).length;
          return !r.forThem ? (
            <p>
              This session is for the staff of {s.audience.orgName ?? 'another organisation'}
              {s.audience.kind === 'trust' ? ' and its schools' : ''} only: no one from {whose} can be booked onto it.
            </p>
          ) : r.items.length === 0 ? (
            <p>There is no one in {ownOrg ? 'your organisation' : whose} to book yet.</p>
          ) : (
            <form onSubmit={submit} noValidate>
              {s.mode === 'hybrid' && <SeatChoice s={s} seats={seats} name="staff-seat" value={seat} onChange={setSeat} />}
              {r.items.length > FIND_FROM && (
                // A college's hundreds of staff: narrowed by name or email, ticks kept while hidden.
                <>
                  <TextField
                    id="roster-find"
                    type="search"
                    label="Find people"
                    hint="By name or email. Anyone you have ticked stays ticked while the list is narrowed."
                    value={find}
                    autocomplete="off"
                    onInput={(e) => setFind((e.currentTarget as HTMLInputElement).value)}
                    onKeyDown={(e) => {
                      // Enter in the search narrows the list; it does not book.
                      if (e.key === 'Enter') e.preventDefault();
                    }}
                  />
                  <p role="status" class="hint" id="roster-count">
                    {find.trim() ? (shown.length === 0 ? `No one matches “${find.trim()}”.` : `Showing ${shown.length} of ${plural(r.items.length, 'person', 'people')}.`) : ''}
                    {hidden > 0 ? ` ${plural(hidden, 'person', 'people')} ticked ${hidden === 1 ? 'is' : 'are'} not shown.` : ''}
                  </p>
                </>
              )}
              {/* What is wrong with the choice is said in the group it is about, straight after its
                  name (which takes focus), and read with it: not below a long roster. */}
              <fieldset class={problem ? 'field field-error' : 'field'} aria-describedby={problem ? 'staff-problem' : undefined}>
                <legend id="staff-legend" tabIndex={-1}>
                  People to book
                </legend>
                <div role="alert" class={problem ? '' : 'status-empty'}>
                  {problem && (
                    <p class="error-message" id="staff-problem">
                      <span class="visually-hidden">Error: </span>
                      {problem}
                    </p>
                  )}
                </div>
                <ul class="plain roster">
                  {shown.map((p) => {
                    const place = placeOf(p);
                    const booked = place !== null;
                    const factsId = `person-${p.userId}-facts`;
                    return (
                      <li class="checkbox roster-person" key={p.userId}>
                        <input
                          type="checkbox"
                          id={`person-${p.userId}`}
                          checked={chosen.has(p.userId)}
                          disabled={booked}
                          aria-describedby={factsId}
                          onChange={(e) => {
                            const next = new Set(chosen);
                            if ((e.currentTarget as HTMLInputElement).checked) next.add(p.userId);
                            else next.delete(p.userId);
                            setChosen(next);
                          }}
                        />
                        <label for={`person-${p.userId}`}>
                          {p.name} <span class="muted break">({p.email})</span>
                        </label>
                        <p class="roster-facts hint" id={factsId}>
                          {placeText(place)}.{' '}
                          {p.clashes.length > 0
                            ? `Clashes with their timetable: ${p.clashes.map((c) => `${c.label || 'busy'} (${formatTimeRange(c.startsAt, c.endsAt)})`).join('; ')}.`
                            : 'No timetable clash.'}
                        </p>
                      </li>
                    );
                  })}
                </ul>
              </fieldset>
              <ActionButton id="book-staff-submit" busy={action.busy} busyLabel="Booking…">
                Book {chosen.size > 0 ? `${chosen.size} ${chosen.size === 1 ? 'person' : 'people'}` : 'selected people'}
              </ActionButton>
            </form>
          );
        }}
      </Loaded>
      {/* "Try again" ends where a first booking does: on the Book button, which stays (the outcome list is announced, not focused). */}
      <ActionError action={action} retryLabel="Try booking again" focusTo={() => document.getElementById('book-staff-submit')} />
      {/* The outcome list itself is the live region, so it is announced once and shown once. */}
      <div role="status" aria-live="polite" class={outcomes.length ? 'outcome-panel' : 'status-empty'}>
        {outcomes.length > 0 && (
          <>
            <h3>Outcome for each person</h3>
            <p>{status}</p>
            <ul class="outcomes">
              {outcomes.map((o, i) => (
                <li key={o.name + i} class={o.ok ? 'outcome-ok' : 'outcome-failed'}>
                  <strong>{o.name}</strong>: {o.text}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

/**
 * The session's seats once the viewer's own offer `offer` has lapsed, before the server's
 * sweep (its stored counts take the offer as a seat taken until then): the seat passes to
 * the next person waiting, or, with nobody waiting, is free again, to the viewer too.
 */
function afterOwnOfferLapsed(s: Session, offer: Booking): Session {
  const key = offer.seat === 'online' ? 'online' : 'inPerson';
  const c = s.seats[key];
  const passed = c.waitlisted > 0 ? { ...c, waitlisted: c.waitlisted - 1 } : { ...c, offered: Math.max(0, c.offered - 1), available: c.available + 1, publicAvailable: c.publicAvailable + 1 };
  return { ...s, seats: { ...s.seats, [key]: passed } };
}

/**
 * An in-person seat's check-in: when they checked in; else the link while check-in is open (as
 * the server allows it: from 15 minutes before the start, the live room's window, until the
 * end; web/src/pages/CheckinPage.tsx says the same); before then, when it opens; after the
 * end, that it has closed and the trainer's register records attendance. By the server's clock,
 * changing as each moment passes while the page is open.
 */
function CheckinLine({ sessionId, startsAt, endsAt, checkedInAt }: { sessionId: string; startsAt: string; endsAt: string; checkedInAt: string | null | undefined }) {
  const opensAt = Date.parse(startsAt) - JOIN_OPENS_MS;
  useClockPast([opensAt, Date.parse(endsAt)]);
  const now = serverNow();
  if (checkedInAt) return <>You checked in at {formatTime(checkedInAt)}.</>;
  if (now >= Date.parse(endsAt)) return <>The session has ended, so check-in has closed. Attendance is being recorded by the trainer’s register: if you were there and did not check in, tell the trainer so they can mark you present.</>;
  if (now < opensAt) return <>Check-in at the venue opens at {formatTime(new Date(opensAt))}, 15 minutes before the start, with the code the trainer shows.</>;
  return <><Link href={`/sessions/${sessionId}/checkin`}>Check in at the venue</Link> (with the code the trainer shows)</>;
}

export function SessionPage({ id }: { id: string }) {
  const { me, loc } = useApp();
  const page = useLoad(async () => {
    const [session, bookings] = await Promise.all([api(`/api/sessions/${encodeURIComponent(id)}`, Session), api('/api/me/bookings', BookingList)]);
    // A past session shows the place the person had (attended: with the certificate and feedback form).
    const mine = bookings.items.find((b) => b.sessionId === id && (ACTIVE.has(b.status) || b.status === 'attended' || b.status === 'absent')) ?? null;
    // A cancelled session: the place the person had, cancelled with it (not one they gave up before).
    const cancelledWith = session.status === 'cancelled' ? (bookings.items.find((b) => b.sessionId === id && b.cancelledWithSession) ?? null) : null;
    // An in-person seat: whether they have checked in already (the page then says when, not asks for the code). Unknown if it cannot be read.
    const checkedInAt = mine?.status === 'confirmed' && mine.seat === 'in_person' ? await api(`/api/sessions/${encodeURIComponent(id)}/checkin`, MyCheckin).then((c) => c.checkedInAt, () => undefined) : undefined;
    return { session, mine, cancelledWith, checkedInAt };
  }, [id]);
  const [seat, setSeat] = useState<SeatKind | null>(null);
  const [status, setStatus] = useState('');
  const booking = useAction();
  const ownBooking = useSubmissionKey();
  // Just published: the page opens on the message saying so (focused, as a live region
  // arriving with its text is often not read out), not on its heading.
  const published = loc.query.get('published') === '1';
  const announcePublished = published && loc.navigated;
  const focusPublished = useFocusLater();
  useEffect(() => {
    if (announcePublished) focusPublished(() => (page.data ? document.getElementById('published-status') : null), { force: true });
  }, [announcePublished, page.data === undefined]);
  // The one reload signal for the page: after any booking change here, the page, and the
  // office panel's holds and roster (which load with `version` among their deps), load again.
  const [version, setVersion] = useState(0);
  const refresh = async () => {
    setVersion((v) => v + 1);
    await page.reload();
  };

  // An offer whose time has run out is no longer the person's place, even before the server's
  // sweep marks it so: they may book or join the queue again at once (booking passes the
  // lapsed seat on first). The page says it expired above the booking form, and counts the
  // seats as they are once it has passed on.
  const lapsed = useOfferLapsed(page.data?.mine ?? null);
  const lapsedOffer = lapsed ? (page.data?.mine ?? null) : null;
  const s = page.data && lapsedOffer ? afterOwnOfferLapsed(page.data.session, lapsedOffer) : page.data?.session;
  const mine = lapsed ? null : (page.data?.mine ?? null);
  const cancelledWith = page.data?.cancelledWith ?? null;
  const checkedInAt = page.data?.checkedInAt;
  // Its trainers and in-house leads run it and book no place on it (youRun is true for every administrator too, who may).
  const runsNotBooks = !!s?.youRun && me.role !== 'admin';
  // An in-house session outside the viewer's organisation (an administrator's view): no place to be had on it.
  const notForMe = !!s && outsideAudience(s.audience, me.orgId);
  // An offer that lapses while the page is open takes "Accept seat" and "Decline" with it:
  // the notice that it expired takes focus if focus went with them (see offerLapse.ts).
  useFocusNoticeOnLapse(page.data?.mine ?? null, lapsed, 'offer-expired-notice');
  // While a materials form (upload, link) shows errors, the page's title says "Error:".
  const materialForms = useFormsWithErrors();
  // Not chosen yet: online first when only an online seat fits their timetable (the list said "Fits if you join online"), else the first kind with a seat left.
  const firstKinds = s && fitsOnlyOnline(s) ? (['online', 'in_person'] as const).filter((k) => seatKindsOf(s).includes(k)) : s ? seatKindsOf(s) : [];
  const chosenSeat: SeatKind | null = s ? (seat ?? firstKinds.find((k) => leftFor(s, k) > 0) ?? seatKindsOf(s)[0]!) : null;

  async function book(e: Event) {
    e.preventDefault();
    if (!s || !chosenSeat) return;
    // What the page offered when pressed: a free seat ("Book a seat"), or the waitlist.
    const offeredSeat = !full;
    setStatus('');
    const input = BookInput.safeParse({ seat: chosenSeat });
    if (!input.success) return;
    // A failure is said with "Try again" (which runs all of this again); the page and the chosen seat stay as they were.
    await booking.run(async () => {
      // One Idempotency-Key per submission, as for Book staff: "Try booking again" after an answer
      // lost on the way gets what the first press booked (a seat or a queue place, with its clash
      // warning), not "You already have a seat".
      const r = await ownBooking.keyed({ session: s.id, ...input.data }, (idempotencyKey) => api(`/api/sessions/${encodeURIComponent(s.id)}/bookings`, BookAnswer, { method: 'POST', body: input.data, idempotencyKey }));
      const clash = r.clashes?.length ? ` This clashes with your timetable (${r.clashes.map((c) => c.label || 'busy').join(', ')}): you may need cover.` : '';
      // A seat was shown free, but someone took the last one first: they never chose the waitlist, so it is said, and how to leave it.
      // Or the seats left were held for other schools meanwhile (heldForOthers): said as it is.
      const place = r.position === 1 ? 'first' : `${ordinal(r.position ?? 0)}`;
      const queued =
        offeredSeat && r.status === 'waitlisted' && (r.heldForOthers ?? 0) > 0
          ? `No ${seatAdjective[r.seat]} seats are free to you now: the ${r.heldForOthers === 1 ? 'empty one is' : `${r.heldForOthers} empty ones are`} held for other schools, so you have been put ${place} on the waitlist. Leave the waitlist if you would rather not wait.`
          : offeredSeat && r.status === 'waitlisted'
          ? `The last ${seatAdjective[r.seat]} seat was taken just before you, so you have been put ${r.position === 1 ? 'first' : `${ordinal(r.position ?? 0)}`} on the waitlist. Leave the waitlist if you would rather not wait.`
          : `You joined the waitlist. You are number ${r.position} in the queue for ${seatAdjective[r.seat]} seats. You can add it to your calendar once you have a seat.`;
      // Booked after too little was left to attend enough of it: said again with the booking, as before it.
      const late = arrivesTooLate(s, serverNow()) ? ` It will not count as attended: less than ${attendShare(s)} of the session was left when you booked.` : '';
      setStatus((r.status === 'confirmed' ? `Booked: your ${seatAdjective[r.seat]} seat is confirmed.` : queued) + late + clash);
      await refresh();
      // The form has gone; put focus where the new state is described.
      document.getElementById('your-place-title')?.focus();
    }, { onRefused: () => refresh() });
  }

  function changed(b: Booking, message: string) {
    setStatus(message);
    // The server's answer is shown at once (the card as it now is, or the booking form once the
    // place is given up), not the old card with its buttons live again until the reload lands.
    if (page.data) page.set({ ...page.data, mine: ACTIVE.has(b.status) || b.status === 'attended' || b.status === 'absent' ? b : null });
    const heading = () => document.getElementById('your-place-title');
    heading()?.focus();
    void refresh().then(() => {
      const now = document.activeElement;
      if (!now || now === document.body || !now.isConnected) heading()?.focus();
    });
  }

  // Refused because things changed (the session cancelled or over, the offer gone): the page
  // shows how things now are, and says the refusal where the booking's card (gone, maybe) did not.
  async function refused(_b: Booking, refusal: unknown) {
    setStatus(messageOf(refusal));
    await refresh();
    document.getElementById('your-place-title')?.focus();
    return true;
  }

  const title = s ? s.title : page.error ? 'Session not available' : 'Session';
  const counts = s && chosenSeat ? countsFor(s, chosenSeat) : null;
  const full = counts ? counts.available <= 0 : false;
  // Booking closes at its bookingEndsAt (its cut-off, else its end): the page changes then, as
  // the server does; and once too little is left to attend enough of it, it says so (lastUsefulAt).
  const now = useClockPast(s ? [Date.parse(s.bookingEndsAt), Date.parse(s.endsAt), Date.parse(lastUsefulAt(s))] : []);
  const open = s && s.status === 'scheduled' && Date.parse(s.bookingEndsAt) > now;
  // Booking closing while the page is open takes the booking form (and an office's Book staff)
  // away: it is said in the live region below, and focus, were it in what went, goes there.
  // Said as it was at that moment (the reason is not read again as time goes on), and focus
  // moves to it only when it was in what closing took away (the booking form, Book staff).
  const wasOpen = useRef<boolean | null>(null);
  const [closedWhileOpen, setClosedWhileOpen] = useState<string | null>(null);
  const focusClosed = useFocusLater();
  const focusWasInBooking = useRef(false);
  useEffect(() => {
    const note = (e: FocusEvent) => void (focusWasInBooking.current = e.target instanceof Element && e.target.closest('[data-goes-when-booking-closes]') !== null);
    document.addEventListener('focusin', note);
    return () => document.removeEventListener('focusin', note);
  }, []);
  useLayoutEffect(() => {
    if (!s) return;
    const why = s.status === 'scheduled' ? whyBookingClosed(s, now) : null;
    if (wasOpen.current === true && !open && why) {
      setClosedWhileOpen(why);
      if (focusWasInBooking.current) focusClosed(() => document.getElementById('booking-closed-notice'));
    }
    if (open) setClosedWhileOpen(null);
    wasOpen.current = Boolean(open);
  });
  const kindWord = chosenSeat === 'online' ? 'online' : 'in-person';
  const held = mine && (mine.status === 'confirmed' || mine.status === 'offered' || mine.status === 'waitlisted') ? { seat: mine.seat, status: mine.status } : null;

  return (
    <>
      <p class="back">
        <Link href="/sessions">Back to all sessions</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated && !announcePublished} error={materialForms.any}>
        {title}
      </PageHeading>
      {/* Arriving from publishing it (NewSessionPage), as My sessions says a published series. */}
      {/* Published at times already past (a session recorded after it took place): published, but not open for booking. */}
      <Status message={announcePublished && s && s.status === 'scheduled' ? `Published: “${s.title}” ${open ? 'is open for booking' : 'is not open for booking: its booking has closed'}.` : ''} id="published-status" focusable />
      <Loaded state={page} what="the session">
        {/* The session as counted here (`s`: after the viewer's own offer lapsed, its seat passed on), not as loaded. */}
        {() => s && (
          <>
            {s.status === 'cancelled' && (
              <p class="notice notice-warning">
                {/* Past its time, what matters is that it did not take place (as its notice by email says): it counts towards no one's training. */}
                <strong>This session has been cancelled.</strong>
                {Date.parse(s.endsAt) <= now && ' It did not take place, so it counts towards no one’s training.'}
                {/* The reason its trainer gave (as its people were emailed it); someone whose place went with it reads it under Your place. */}
                {s.cancelReason && !cancelledWith && <> Reason given: <span class="break">{s.cancelReason}</span></>}
              </p>
            )}
            <dl class="facts facts-wide">
              <Fact label="When"><When startsAt={s.startsAt} endsAt={s.endsAt} /></Fact>
              <Fact label="Mode">{modeLabel[s.mode]}</Fact>
              {s.venue && <Fact label="Venue"><span class="break">{s.venue}</span></Fact>}
              {s.area && <Fact label="Area">{areaLabel(s.area)}</Fact>}
              <Fact label="Who it is for">{audienceWords(s.audience)}</Fact>
              {/* Seats free and those waiting mean something only while it can be booked: a cancelled one has every seat "free" (its bookings cancelled with it). */}
              {/* Those who run it (an administrator may book, so is shown seats free to them) see its seats as taken, as on My sessions. */}
              {s.status === 'scheduled' && (runsNotBooks || notForMe) ? (
                <Fact label="Seats"><SeatsTaken s={s} /></Fact>
              ) : (
                s.status === 'scheduled' && !whyBookingClosed(s, now) && (
                  <>
                    <Fact label="Seats free to you"><SeatsLeft s={s} /></Fact>
                    <Fact label="Waitlist"><Waiting s={s} /></Fact>
                  </>
                )
              )}
              {/* A hybrid session's fit is for the seat held, or else the one chosen below (in person allows travel time). */}
              {/* Over, it no longer matters whether it fits. */}
              {/* A place held is judged by its own seat kind, with what to do when it clashes, as My
                  timetable says it (timetable/FitNote.tsx); before booking, by the seat kind chosen. */}
              {s.fit && Date.parse(s.endsAt) > now && (
                <Fact label="Your timetable">
                  {held ? <SessionFitNote s={s} place={held} /> : <FitNote s={s.fitBySeat && chosenSeat ? { ...s, fit: chosenSeat === 'online' ? s.fitBySeat.online : s.fitBySeat.inPerson } : s} />}
                </Fact>
              )}
              {s.status === 'scheduled' && s.bookingEndsAt < s.endsAt && (
                <Fact label={Date.parse(s.bookingEndsAt) <= now ? 'Booking closed' : 'Booking closes'}>
                  {formatDateTime(s.bookingEndsAt)}
                </Fact>
              )}
            </dl>
            {s.description && (
              <section aria-labelledby="about-title">
                <h2 id="about-title">About this session</h2>
                <p class="prose">{s.description}</p>
              </section>
            )}

            {/* Those who run a cancelled session had no place on it, and there is none to have. */}
            {!(s.status === 'cancelled' && runsNotBooks) && (
            <section aria-labelledby="your-place-title" class="panel">
              <h2 id="your-place-title" tabIndex={-1}>Your place</h2>
              {/* In the page from the start, so an offer lapsing while it is open is announced. */}
              <div role="status" aria-live="polite">
                {closedWhileOpen && s.status === 'scheduled' && (
                  <p class="notice notice-warning" id="booking-closed-notice" tabIndex={-1}>
                    Booking has closed: {closedWhileOpen}.
                  </p>
                )}
                {lapsedOffer?.offerExpiresAt && (
                  <p class="notice notice-warning" id="offer-expired-notice" tabIndex={-1}>
                    This offer expired at <strong>{formatDateTime(lapsedOffer.offerExpiresAt)}</strong>, so the seat is no longer held for you and goes to the next person.
                    {open && ' You can book or join the waitlist again.'}
                  </p>
                )}
              </div>
              {mine ? (
                <div class="my-booking" data-booking={mine.id}>
                  <BookingDetails b={mine} headingLevel={null} onChanged={changed} onRefused={refused} hideSessionFacts />
                  {mine.status === 'confirmed' && mine.seat === 'online' && s.status === 'scheduled' && <JoinNow sessionId={s.id} startsAt={s.startsAt} endsAt={s.endsAt} />}
                  <ul class="plain link-list">
                    {/* Checked in already: said, with no second ask for the code. */}
                    {mine.status === 'confirmed' && mine.seat === 'in_person' && s.status === 'scheduled' && (
                      <li>
                        <CheckinLine sessionId={s.id} startsAt={s.startsAt} endsAt={s.endsAt} checkedInAt={checkedInAt} />
                      </li>
                    )}
                    <li>
                      <Link href={`/bookings/${mine.id}`}>Manage this booking</Link>
                    </li>
                  </ul>
                </div>
              ) : cancelledWith ? (
                // Their place went with the session: said so, with the reason its trainer gave (nothing to book, nothing to download).
                <p>
                  Your place was cancelled because the session was cancelled{cancelledWith.session.cancelReason ?? s.cancelReason ? <>: <span class="break">{cancelledWith.session.cancelReason ?? s.cancelReason}</span></> : '.'}
                </p>
              ) : runsNotBooks ? (
                // Its trainers and in-house leads run it: a seat of theirs would be one fewer for the people it is for.
                // (youRun is true for every administrator too, who may book themselves like anyone.)
                <p>You run this session, so you need no place on it.</p>
              ) : notForMe && s.status === 'scheduled' ? (
                <p>This session is only for the staff of {s.audience.orgName ?? 'one organisation'}{s.audience.kind === 'trust' ? ' and its schools' : ''}, so you cannot book a place on it.</p>
              ) : s.status === 'cancelled' ? (
                <p>There are no places on this session: it has been cancelled.</p>
              ) : !open ? (
                // Said in the live region above when it closed while the page was open.
                closedWhileOpen && s.status === 'scheduled' ? null : <p>Booking for this session is closed{s.status === 'scheduled' && whyBookingClosed(s, now) ? `: ${whyBookingClosed(s, now)}` : ''}.</p>
              ) : (
                <>
                  {/* Their places elsewhere at the same time: no bar to booking this one too, but worth knowing first. */}
                  {s.alsoBooked && s.alsoBooked.length > 0 && <AlsoBookedNotice places={s.alsoBooked} />}
                  {/* Open to its end, but someone arriving now cannot attend enough of it to count: said before they book. */}
                  {arrivesTooLate(s, now) && (
                    <p class="notice notice-warning" id="late-booking-note">
                      Less than {attendShare(s)} of this session is left. You can still book and join for what remains, but it will not count as attended: at least {attendShare(s)} of it must be attended.
                    </p>
                  )}
                  <form onSubmit={book} noValidate data-goes-when-booking-closes>
                    {s.mode === 'hybrid' && chosenSeat && <SeatChoice s={s} name="seat" value={chosenSeat} onChange={setSeat} />}
                    <p class="hint" id="book-hint">
                      {full
                        ? `All ${kindWord} seats are taken. Join the waitlist and you will be told if a seat frees up.`
                        : `${plural(counts?.available ?? 0, `${kindWord} seat`)} free to you${counts && counts.heldForViewer > 0 ? `, ${counts.heldForViewer} of them held for your school` : ''}.`}
                    </p>
                    <ActionButton busy={booking.busy} busyLabel={full ? 'Joining the waitlist…' : 'Booking…'} aria-describedby="book-hint">
                      {full ? 'Join the waitlist' : 'Book a seat'}
                    </ActionButton>
                  </form>
                </>
              )}
              <ActionError action={booking} retryLabel={full ? 'Try joining again' : 'Try booking again'} />
              <Status message={status} />
            </section>
            )}

            <SessionMaterials s={s} reportErrors={materialForms.report} />

            {/* Its trainers, in-house leads among them (who may be staff) while they lead, and administrators: the server says (youRun). */}
            {(me.role === 'admin' || s.youRun) && (
              <section aria-labelledby="running-title" class="panel">
                <h2 id="running-title">Running this session</h2>
                {/* Only ever for an administrator: anyone else who sees this panel runs the session. */}
                {s.noOneRuns && (
                  <div class="notice notice-warning">
                    <p>
                      No one named on this session can run it now: its trainers’ accounts are turned off, or they no longer run sessions.{' '}
                      <Link href={`/trainer/sessions/${encodeURIComponent(s.id)}/edit`}>Give it another trainer</Link>.
                    </p>
                  </div>
                )}
                <RunningLinks s={s} ended={Date.parse(s.endsAt) <= now} />
              </section>
            )}

            {s.mayGiveToLead && <GiveToLead s={s} onGiven={refresh} />}

            {me.role === 'office' && me.orgId && !s.youRun && Date.parse(s.startsAt) <= serverNow() && <StaffAttendance s={s} />}

            {(me.role === 'admin' || (me.role === 'office' && me.orgId)) && open && (
              <div data-goes-when-booking-closes>
                <OfficeBookStaff s={s} version={version} onBooked={refresh} />
              </div>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
