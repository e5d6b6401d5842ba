/**
 * Whether a session fits the viewer's timetable, in words: for the session list, the
 * session page, My timetable and the booking answer. Renders nothing when the viewer has no
 * timetable.
 *
 * Whether a seat fits is the server's one rule (server/timetables/service.ts fitsForSessions,
 * the rule `GET /api/sessions?fits=me` keeps sessions by): an in-person seat is judged with
 * the organisation's travel allowance before and after, an online one without. The server
 * says it per seat kind of a hybrid session (`fitBySeat`); this module only picks the seat
 * that applies (the one held, else each one offered) and says it, and never judges a clash
 * itself.
 */
import './timetable.css';
import type { Clash, SessionFit } from '../../../shared/timetables.js';
import type { SeatCounts, SeatKind, Session } from '../../../shared/sessions.js';
import { ENGLAND, fmtIn, formatTimeRange } from '../format.js';
import { Link } from '../router.js';

const SHORT_DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };

/** "P3 Maths, Mon 19 Jan, 11:10 to 12:10 GMT" for each clash: its day and times in England (unless told another zone). */
export function clashText(c: Clash, timeZone: string = ENGLAND) {
  return `${c.label}, ${fmtIn(SHORT_DAY, timeZone).format(new Date(c.startsAt))}, ${formatTimeRange(c.startsAt, c.endsAt, timeZone)}`;
}

const travelWords = (fit: SessionFit) => (fit.travelBufferMinutes ? ` (allowing ${fit.travelBufferMinutes} minutes to travel)` : '');

/** "Fits your timetable" or "Clashes with your timetable", saying when travel time to and from an in-person seat was allowed for. */
export function fitHeadline(fit: SessionFit): string {
  return fit.fits ? `Fits your timetable${travelWords(fit)}` : `Clashes with your timetable${travelWords(fit)}`;
}

/** What a fit note reads of a session (a listed session, or one's own answer). */
export type FitSession = Pick<Session, 'mode' | 'fit' | 'fitBySeat'> & { seats: { inPerson: Pick<SeatCounts, 'capacity' | 'available'>; online: Pick<SeatCounts, 'capacity' | 'available'> } };

/** The viewer's own place on the session, while it stands (a seat, a live offer, or a place on the waiting list). */
export interface HeldPlace {
  seat: SeatKind;
  status: 'confirmed' | 'offered' | 'waitlisted';
}

/**
 * The server's fit for one seat kind of a session: a hybrid session's from `fitBySeat`, a
 * session of one kind its `fit`. Null without a timetable, or for a seat kind it does not have.
 */
export function fitForSeat(s: FitSession, seat: SeatKind): SessionFit | null {
  if (!s.fit) return null;
  if (s.mode === 'hybrid') return s.fitBySeat ? (seat === 'online' ? s.fitBySeat.online : s.fitBySeat.inPerson) : s.fit;
  return (s.mode === 'online') === (seat === 'online') ? s.fit : null;
}

/** The seat kinds a person could take: those the session has seats of. */
function seatKindsOf(s: FitSession): SeatKind[] {
  if (s.mode !== 'hybrid') return [s.mode];
  const kinds: SeatKind[] = [];
  if (s.seats.inPerson.capacity > 0) kinds.push('in_person');
  if (s.seats.online.capacity > 0) kinds.push('online');
  return kinds.length ? kinds : ['in_person', 'online'];
}

/**
 * How a session fits, by seat kind:
 * - `fits`: every seat kind it offers fits (`fit`: the one to say, with its travel allowance);
 * - `online_only`: it fits if joined online; in person (with travel time) it clashes;
 * - `clashes`: no seat kind fits (`fit`: the one with the fewest clashes, online where offered);
 * - `held_fits` / `held_clashes`: the viewer holds a place, judged by its seat kind; for a
 *   clash, `other` is the other seat kind when that one fits (`free`: its seats free to them now).
 */
export type FitVerdict =
  | { kind: 'fits'; fit: SessionFit; bothKinds: boolean }
  | { kind: 'online_only'; online: SessionFit; inPerson: SessionFit }
  | { kind: 'clashes'; fit: SessionFit; bothKinds: boolean }
  | { kind: 'held_fits'; place: HeldPlace; fit: SessionFit }
  | { kind: 'held_clashes'; place: HeldPlace; fit: SessionFit; other: { seat: SeatKind; fit: SessionFit; free: number } | null };

/** The verdict for a session (see FitVerdict), or null when the viewer has no timetable. */
export function fitVerdict(s: FitSession, place?: HeldPlace | null): FitVerdict | null {
  if (!s.fit) return null;
  if (place) {
    const fit = fitForSeat(s, place.seat) ?? s.fit;
    if (fit.fits) return { kind: 'held_fits', place, fit };
    const otherSeat: SeatKind = place.seat === 'online' ? 'in_person' : 'online';
    const otherFit = s.mode === 'hybrid' && seatKindsOf(s).includes(otherSeat) ? fitForSeat(s, otherSeat) : null;
    const other = otherFit?.fits ? { seat: otherSeat, fit: otherFit, free: (otherSeat === 'online' ? s.seats.online : s.seats.inPerson).available } : null;
    return { kind: 'held_clashes', place, fit, other };
  }
  const kinds = seatKindsOf(s);
  const fits = kinds.map((k) => [k, fitForSeat(s, k) ?? s.fit!] as const);
  const bothKinds = kinds.length > 1;
  if (fits.every(([, f]) => f.fits)) {
    // Said with the travel allowance when an in-person seat was judged with one.
    const inPerson = fits.find(([k]) => k === 'in_person');
    return { kind: 'fits', fit: (inPerson ?? fits[0]!)[1], bothKinds };
  }
  const online = fits.find(([k]) => k === 'online')?.[1];
  const inPerson = fits.find(([k]) => k === 'in_person')?.[1];
  if (online?.fits && inPerson) return { kind: 'online_only', online, inPerson };
  // No seat kind fits: the clashes of the online seat (each one clashes in person too), else the in-person one's.
  return { kind: 'clashes', fit: (online ?? inPerson ?? s.fit), bothKinds };
}

const seatWords = { in_person: 'in-person', online: 'online' } as const;

/** "Your in-person seat", "The online seat offered to you", "Your place on the waiting list for an online seat". */
function placeWords(p: HeldPlace): string {
  const kind = seatWords[p.seat];
  if (p.status === 'offered') return `The ${kind} seat offered to you`;
  if (p.status === 'waitlisted') return `Your place on the waiting list for an ${kind} seat`;
  return `Your ${kind} seat`;
}

/** The sentence of a verdict, without its clashes: what a list or a screen reader says first. */
export function verdictHeadline(v: FitVerdict): string {
  switch (v.kind) {
    case 'fits':
      return v.bothKinds ? `Fits your timetable, in person${travelWords(v.fit)} or online` : fitHeadline(v.fit);
    case 'online_only':
      return `Fits if you join online. In person it clashes with your timetable${travelWords(v.inPerson)}`;
    case 'clashes':
      return v.bothKinds ? 'Clashes with your timetable, online and in person' : fitHeadline(v.fit);
    case 'held_fits':
      return `${placeWords(v.place)} fits your timetable${travelWords(v.fit)}`;
    case 'held_clashes':
      return `${placeWords(v.place)} clashes with your timetable${travelWords(v.fit)}`;
  }
}

/** What to do about a place that clashes: change seat kind when the other fits and is free, else arrange cover. */
function WhatToDo({ v }: { v: Extract<FitVerdict, { kind: 'held_clashes' }> }) {
  const bookings = <Link href="/bookings">My bookings</Link>;
  const other = v.other;
  if (other && v.place.status === 'waitlisted') {
    return (
      <p>
        {other.seat === 'online' ? 'Joining online' : 'Going in person'} would fit: on {bookings} you can wait for {other.seat === 'online' ? 'an online' : 'an in-person'} seat instead, keeping your turn. Otherwise, should a seat come to you, ask your school office to arrange cover.
      </p>
    );
  }
  if (other && other.free > 0) {
    return (
      <p>
        {other.seat === 'online' ? 'An online' : 'An in-person'} seat is free and would fit: change to it on {bookings}. Otherwise ask your school office to arrange cover.
      </p>
    );
  }
  if (other) {
    return (
      <p>
        {other.seat === 'online' ? 'Joining online' : 'Going in person'} would fit, but no {seatWords[other.seat]} seat is free now. Ask your school office to arrange cover, or give up your place on {bookings}.
      </p>
    );
  }
  return <p>You may need cover, so ask your school office to arrange it.</p>;
}

function ClashItems({ fit, timeZone }: { fit: SessionFit; timeZone?: string }) {
  return (
    <ul>
      {fit.clashes.map((c) => (
        <li key={c.startsAt + c.label}>{clashText(c, timeZone)}</li>
      ))}
    </ul>
  );
}

/**
 * A session's fit note: by seat kind when it has both (fits in person and online, fits only if
 * joined online, clashes), and for the viewer's own place by the seat kind they hold, with what
 * to do when it clashes. Nothing when the viewer has no timetable.
 */
export function SessionFitNote({ s, place, timeZone }: { s: FitSession; place?: HeldPlace | null; timeZone?: string }) {
  const v = fitVerdict(s, place);
  if (!v) return null;
  const headline = verdictHeadline(v);
  if (v.kind === 'fits' || v.kind === 'held_fits') {
    return (
      <p class="fit fit-yes">
        <span class="fit-mark" aria-hidden="true">✓</span> {headline}.
      </p>
    );
  }
  if (v.kind === 'online_only') {
    return (
      <div class="fit fit-partly">
        <p>
          <span class="fit-mark" aria-hidden="true">✓</span> {headline}:
        </p>
        <ClashItems fit={v.inPerson} timeZone={timeZone} />
      </div>
    );
  }
  return (
    <div class="fit fit-no">
      <p>
        <span class="fit-mark" aria-hidden="true">!</span> {headline}:
      </p>
      <ClashItems fit={v.fit} timeZone={timeZone} />
      {v.kind === 'held_clashes' && <WhatToDo v={v} />}
    </div>
  );
}

/** The warning after booking a session that clashes: booking stands, cover may be needed. */
export function BookedClashWarning({ clashes }: { clashes: Clash[] | undefined }) {
  if (!clashes || clashes.length === 0) return null;
  return (
    <div class="notice notice-warning" role="status">
      <p>
        <strong>This session clashes with your timetable.</strong> Your booking stands, but you may need cover for:
      </p>
      <ul>
        {clashes.map((c) => (
          <li key={c.startsAt + c.label}>{clashText(c)}</li>
        ))}
      </ul>
      <p>Please let your school office know.</p>
    </div>
  );
}
