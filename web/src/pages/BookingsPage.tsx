import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { CompletionList } from '../../../shared/attendance.js';
import { Booking, BookingList } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { AddToCalendar, JoinNow, TranscriptLink } from '../calendarLinks.js';
import { Badge, ConfirmButton, DownloadAnchor, DownloadMessages, Fact, messageOf, PageHeading, Status, useApp, useDownloadLink, useFocusLater, When } from '../components.js';
import { formatDateTime, formatLongDay, listOf, ordinal, seatLabel, statusLabel } from '../format.js';
import { ActionButton, ActionError, isTooSoon, Loaded, useAction, useLoad } from '../load.js';
import { Link } from '../router.js';
import { AttendedTable, attendedSummary } from '../accounts/AttendedTable.js';
import { AfterSession } from '../feedback/FeedbackForm.js';
import { MyCertificates } from '../../../shared/feedback.js';
import { ClashList } from '../../../shared/timetables.js';
import { BookingClashNote, ClashCheckFailed } from '../timetable/BookingClashNote.js';
import { useFocusedBooking } from './offerLapse.js';
import { serverNow } from '../clock.js';

const ACTIVE = new Set(['confirmed', 'waitlisted', 'offered']);

const ACTION_WORDS = { accept: 'Accepting…', decline: 'Declining…', cancel: 'Cancelling…', leave: 'Leaving…', seat: 'Changing…' } as const;

/** The other seat kind of a hybrid session's place, what a change of seat moves it to. */
const otherSeat = (b: Booking): Booking['seat'] => (b.seat === 'online' ? 'in_person' : 'online');
/** "an online seat", "an in-person seat". */
const aSeat = (seat: Booking['seat']) => (seat === 'online' ? 'an online seat' : 'an in-person seat');

/**
 * What a change of seat did, read from the place as the server now has it (`next`): a seat of
 * the other kind, an offer kept while it moved, a turn kept in the other queue, or a queue place
 * that found a seat of the other kind free and got it at once: confirmed, or offered until its
 * expiry (the session's waitlist policy), which only its person may accept.
 */
function seatChangedMessage(before: Booking, next: Booking, mine: boolean): string {
  const t = next.session.title;
  const seat = aSeat(next.seat);
  if (next.status === 'waitlisted') {
    const place = next.position !== null ? `, ${ordinal(next.position)} in the queue` : '';
    return `${mine ? 'You are' : `${next.userName} is`} now waiting for ${seat} on “${t}”${place}. ${mine ? 'You keep your' : 'They keep their'} turn.`;
  }
  if (next.status === 'offered' && before.status === 'waitlisted') {
    const until = next.offerExpiresAt && formatDateTime(next.offerExpiresAt);
    return mine
      ? `You have been offered ${seat} on “${t}”: ${until ? `accept it by ${until}, or it goes to the next person` : 'accept it to keep it'}.`
      : `${next.userName} has been offered ${seat} on “${t}”${until ? `, held for them until ${until}` : ''}: only they can accept it.`;
  }
  if (next.status === 'offered') return `The seat offered to ${mine ? 'you' : next.userName} on “${t}” is now ${seat}${next.offerExpiresAt ? `, still held until ${formatDateTime(next.offerExpiresAt)}` : ''}.`;
  if (before.status === 'waitlisted') return `${mine ? 'You now have' : `${next.userName} now has`} ${seat} on “${t}”: ${mine ? 'your' : 'the'} booking is confirmed.`;
  return `${mine ? 'Your' : `${next.userName}’s`} place on “${t}” is now ${seat}.`;
}

/**
 * Seats of the other kind a place on a hybrid session could change to, at `now` (ms by the
 * server's clock), as its session summary counts them (`otherSeats`): `free` to its person, and
 * how many more are held for other schools (free to them only once the holds are released).
 * Null when the answer does not say (the change is then offered, and the server decides).
 */
function otherSeatsAt(b: Booking, now: number): { free: number; heldForOthers: number; heldUntil: string } | null {
  const o = b.session.otherSeats;
  if (!o || o.seat !== otherSeat(b)) return null;
  const held = now < Date.parse(o.holdsReleaseAt);
  return { free: held ? o.free : o.free + o.heldForOthers, heldForOthers: held ? o.heldForOthers : 0, heldUntil: o.holdsReleaseAt };
}

/**
 * Where a cancelled seat goes, for the question asked before cancelling: one taken from the
 * seats held for a school (`heldFor`) goes back to them while seats are held (a place waiting
 * from another school cannot have it), else `otherwise` (to someone else). When the holds are
 * released the page knows only on a hybrid session (`otherSeats.holdsReleaseAt`, said then).
 */
function seatGoesTo(b: Booking, now: number, otherwise: string): string {
  if (!b.heldFor) return otherwise;
  const release = b.session.otherSeats?.holdsReleaseAt;
  if (release && Date.parse(release) <= now) return otherwise;
  return `The seat goes back to the seats held for ${b.heldForName ?? 'the school it was held for'}${release ? ` until ${formatDateTime(release)}` : ''}.`;
}

/** What the person can do with a booking, and what happened when they did (failures kept with a retry). */
function useBookingActions(onChanged: (b: Booking, message: string) => void, onRefused?: (b: Booking, refusal: unknown) => Promise<unknown> | unknown) {
  const action = useAction();
  const { me } = useApp();
  const [doing, setDoing] = useState<keyof typeof ACTION_WORDS | null>(null);
  async function run(b: Booking, what: keyof typeof ACTION_WORDS) {
    setDoing(what);
    const path = `/api/bookings/${encodeURIComponent(b.id)}`;
    await action.run(async () => {
    const next = await (
      what === 'accept' ? api(`${path}/accept`, Booking, { method: 'POST' })
      : what === 'decline' ? api(`${path}/decline`, Booking, { method: 'POST' })
      : what === 'seat' ? api(`${path}/seat`, Booking, { method: 'POST', body: { seat: otherSeat(b) } })
      : api(path, Booking, { method: 'DELETE' }));
    const t = b.session.title;
    // An office acting on a staff member's booking: the message names them, not "you".
    const mine = b.userId === me.id;
    const message =
      what === 'seat' ? seatChangedMessage(b, next, mine)
      : what === 'accept' ? `Seat accepted: your place on “${t}” is confirmed.`
      : what === 'decline' ? `Offer declined for “${t}”. The seat passes to the next person.`
      : what === 'leave' ? `${mine ? 'You' : b.userName} left the waitlist for “${t}”.`
      : mine ? `Booking cancelled for “${t}”.`
      : b.status === 'offered' ? `The seat offered to ${b.userName} on “${t}” has been given up. It passes to the next person waiting.`
      : `${b.userName}’s booking cancelled for “${t}”.`;
    onChanged(next, message);
    }, { onRefused: onRefused && ((refusal) => onRefused(b, refusal)) });
  }
  return { action, doing, run };
}

/**
 * Whether an offered seat's hold has run out, by the server's clock (serverNow), moving to true at the
 * expiry while the page is open: the server refuses to accept or decline it from then (409
 * `not_offered`), even before its sweep (every few seconds) passes the seat on, and it is no
 * longer the person's place: they may book or join the queue again at once.
 */
export function useOfferLapsed(b: Booking | null): boolean {
  useClockPast(b ? [offerExpiry(b)] : []); // renders again as the offer lapses
  // The clock read at each render, so a page and the booking details it shows (each with this
  // hook) agree on it whichever of their timers comes first.
  return b !== null && offerLapsedAt(b, serverNow());
}

/** When an offered seat's hold runs out (ms), or null for anything but an open-ended offer. */
export function offerExpiry(b: { status: string; offerExpiresAt: string | null }): number | null {
  return b.status === 'offered' && b.offerExpiresAt ? Date.parse(b.offerExpiresAt) : null;
}

/** Whether `b` is an offer whose hold had run out at `now` (ms); see useOfferLapsed. */
export function offerLapsedAt(b: { status: string; offerExpiresAt: string | null }, now: number): boolean {
  const expiresAt = offerExpiry(b);
  return expiresAt !== null && now >= expiresAt;
}

/**
 * The time by the server's clock (ms), read again at each of `moments` (ms; nulls ignored) as it passes
 * while the page is open, so what depends on them (offers lapsing) changes then.
 */
export function useClockPast(moments: readonly (number | null)[]): number {
  const [now, setNow] = useState(serverNow());
  const next = Math.min(...moments.filter((m): m is number => m !== null && m > now));
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    // At most a day at a time (a timer's longest delay is under 25 days).
    const id = setTimeout(() => setNow(serverNow()), Math.min(next - now, 86_400_000) + 50);
    return () => clearTimeout(id);
  }, [next, now]);
  return now;
}

/**
 * One booking: its session, status, queue place or offer expiry, and the actions it allows
 * (accept or decline an offer, cancel, leave the waitlist, add to a calendar, join online).
 * `hideSessionFacts` leaves out when and where (the session page already says it); `note`
 * goes under its status (My bookings: a clash with the person's timetable). `lapseNoticeId`
 * (a page showing this one booking): an offer's "This offer expired" notice has that id, takes
 * focus (see useFocusNoticeOnLapse) and sits in a polite live region there from the start.
 */
/**
 * A booking with what its person (or their office) can do with it. `onRefused`: an action
 * refused because things changed meanwhile (the session cancelled or over, the offer gone, the
 * place already cancelled) reloads what the page shows (see useAction).
 */
/**
 * How a cancelled place ended, in words (its `ending`), as the email its person was sent put
 * it: who cancelled it (they themselves, their school office, a trainer with the reason they
 * gave), an offer that ran out (when) or was turned down, the queue left, the session
 * cancelled, their account turned off. Nothing when nothing was recorded of it (the status
 * says "Cancelled").
 */
export function EndingNote({ b, mine }: { b: Booking; mine: boolean }) {
  const e = b.ending;
  const name = b.userName;
  const said = (reason: string | null) => (reason ? <>: <span class="break">{reason}</span></> : '.');
  if (!e) {
    // Written before endings were read: a place cancelled with its session still says so.
    return b.cancelledWithSession ? <p class="notice notice-warning">{mine ? 'Your' : `${name}’s`} place was cancelled because the session was cancelled{said(b.session.cancelReason ?? null)}</p> : null;
  }
  const by = e.by && <span class="break">{e.by}</span>;
  switch (e.how) {
    case 'session_cancelled':
      return <p class="notice notice-warning">{mine ? 'Your' : `${name}’s`} place was cancelled because the session was cancelled{said(e.reason)}</p>;
    case 'removed':
      return <p class="notice notice-warning">{by ? <>Taken off by {by}</> : 'Taken off this session by its trainer'}{said(e.reason)}</p>;
    case 'offer_expired':
      return (
        <p class="notice notice-info">
          The seat offered to {mine ? 'you' : name} was not accepted in time{e.at ? <>: the offer ran out at <strong>{formatDateTime(e.at)}</strong></> : ''}, so it went to the next person waiting.
        </p>
      );
    case 'offer_declined':
      return <p class="notice notice-info">{mine ? 'You turned down the seat offered to you.' : `${name} turned down the seat offered to them.`}</p>;
    case 'account_off':
      return <p class="notice notice-warning">{mine ? 'Your place was given up because your account was turned off.' : `${name}’s place was given up because their account was turned off.`}</p>;
    case 'given_up':
      return <p class="notice notice-warning">{mine ? <>Your place was given up{said(e.reason)}</> : <>{name}’s place was given up{e.reason ? <>. They were told: <span class="break">{e.reason}</span></> : '.'}</>}</p>;
    case 'left_waitlist':
      if (e.byThemselves) return <p class="notice notice-info">{mine ? 'You left the waiting list.' : `${name} left the waiting list themselves.`}</p>;
      return <p class="notice notice-warning">{by ? <>Taken off the waiting list by {by}.</> : 'Taken off the waiting list.'}</p>;
    case 'cancelled':
      if (e.byThemselves) return <p class="notice notice-info">{mine ? 'You cancelled this place.' : `${name} cancelled this place themselves.`}</p>;
      return by ? <p class="notice notice-warning">Cancelled by {by}.</p> : null;
  }
}

/** The status a booking's badge says: a cancelled offer says how it went (ran out, turned down), as an offer that lapses while the page is open does. */
function badgeWords(b: Booking, lapsed: boolean): string {
  if (lapsed || b.ending?.how === 'offer_expired') return 'Offer expired';
  if (b.ending?.how === 'offer_declined') return 'Offer declined';
  return statusLabel[b.status];
}

export function BookingDetails({ b, headingLevel, onChanged, onRefused, hideSessionFacts, note, lapseNoticeId }: { b: Booking; headingLevel: 3 | null; onChanged: (b: Booking, message: string) => void; onRefused: (b: Booking, refusal: unknown) => Promise<unknown> | unknown; hideSessionFacts?: boolean; note?: ComponentChildren; lapseNoticeId?: string }) {
  const focusRefusal = useFocusLater();
  // A refusal the page does not say in its own status (the booking page leaves it to the card)
  // is said at the top of the card, just under that status, and takes focus, as a refusal said
  // in the page's status does on My bookings and the session page.
  const { action, doing, run } = useBookingActions(onChanged, async (refusedBooking, refusal) => {
    const said = await onRefused(refusedBooking, refusal);
    if (said !== true) focusRefusal(() => action.refusalRef.current, { force: true });
    return said;
  });
  const refusalShown = action.refused || isTooSoon(action.error);
  const busy = action.busy;
  const { me } = useApp();
  const s = b.session;
  const headingId = `booking-${b.id}-title`;
  const mineToAnswer = b.userId === me.id;
  // Which place a card's buttons act on, in their names (many cards each have a "Cancel booking"): the session, and whose when not mine.
  const whichFor = `${s.title}${mineToAnswer ? '' : `, ${b.userName}`}`;
  // An offer whose time has run out can no longer be accepted: it is said, and not offered.
  const lapsed = useOfferLapsed(b);
  // A cut-off before the end (bookingEndsAt): from then its person and their office may no longer change the seat.
  const cutOff = Date.parse(s.bookingEndsAt) < Date.parse(s.endsAt) ? Date.parse(s.bookingEndsAt) : null;
  // Renders again as the session ends (its queue moves until then: queueEndsAt), and at its cut-off, while the page is open.
  // And as held seats of the other kind are released (otherSeats), when they become free to anyone.
  const now = Math.max(useClockPast([Date.parse(s.endsAt), cutOff, s.otherSeats ? Date.parse(s.otherSeats.holdsReleaseAt) : null]), serverNow());
  // A seat on a session that is over is not cancelled: its attendance is recorded instead.
  const ended = Date.parse(s.endsAt) <= now;
  // Booking has closed at the cut-off, which froze how many come in person and online: the
  // session's trainers (and administrators) may still move the place, until it ends.
  const seatsFrozen = cutOff !== null && cutOff <= now && me.role !== 'admin';
  const seatChangeable = s.mode === 'hybrid' && ACTIVE.has(b.status) && !lapsed && s.status !== 'cancelled' && !ended;
  // A seat (or an offered one) moves only to a free seat of the other kind: with none free to
  // its person, a line says so (and that the seat is kept) instead of offering the change. A
  // place in the queue can always move: it keeps its turn in the other queue.
  const others = seatChangeable ? otherSeatsAt(b, now) : null;
  const noneFree = others !== null && others.free <= 0 && b.status !== 'waitlisted';
  useFocusOnFreeze(seatChangeable && seatsFrozen, s.bookingEndsAt, `booking-${b.id}-seats-frozen`);
  const lapsedNotice = b.status === 'offered' && b.offerExpiresAt && lapsed && (
    <p class="notice notice-warning" id={lapseNoticeId} tabIndex={lapseNoticeId ? -1 : undefined}>
      This offer expired at <strong>{formatDateTime(b.offerExpiresAt)}</strong>, so the seat is no longer held for {mineToAnswer ? 'you' : b.userName} and goes to the next person.
    </p>
  );
  return (
    <>
      {headingLevel && (
        <h3 id={headingId} class="card-title" tabIndex={-1}>
          <Link href={`/bookings/${b.id}`}>{s.title}</Link>
        </h3>
      )}
      {refusalShown && <ActionError action={action} />}
      <p class="booking-status">
        <Badge tone={lapsed ? 'cancelled' : b.status}>{badgeWords(b, lapsed)}</Badge>
        {b.status === 'waitlisted' && b.position !== null && !ended && <span class="queue">{mineToAnswer ? 'You are' : `${b.userName} is`} {ordinal(b.position)} in the queue</span>}
        {s.status === 'cancelled' && <Badge tone="cancelled">Session cancelled</Badge>}
      </p>
      {b.status === 'cancelled' && <EndingNote b={b} mine={mineToAnswer} />}
      {note}
      {lapseNoticeId && b.status === 'offered' && b.offerExpiresAt ? <div role="status" aria-live="polite">{lapsedNotice}</div> : lapsedNotice}
      {b.status === 'offered' && b.offerExpiresAt && !lapsed && (
        <p class="notice notice-info">
          A seat has come free and is held for {mineToAnswer ? 'you' : b.userName} until <strong>{formatDateTime(b.offerExpiresAt)}</strong>. Accept it before then, or it goes to the next person.
        </p>
      )}
      {/* A queue place on a session that is over waits for nothing: it is said, not numbered. */}
      {b.status === 'waitlisted' && ended && <p>The session ended before a seat came free.</p>}
      {/* In the page while the place waits, so the queue stopping while the page is open is said. */}
      {b.status === 'waitlisted' && !ended && <p class="hint">{mineToAnswer ? 'You can add it to your calendar once you have a seat.' : `${b.userName} can add it to their calendar once they have a seat.`}</p>}
      <dl class="facts">
        {b.userId !== me.id && <Fact label="Person">{b.userName}</Fact>}
        {!hideSessionFacts && <Fact label="When"><When startsAt={s.startsAt} endsAt={s.endsAt} /></Fact>}
        <Fact label="Seat">{seatLabel[b.seat]}{s.mode === 'hybrid' && ' (hybrid session)'}</Fact>
        {!hideSessionFacts && s.venue && b.seat === 'in_person' && <Fact label="Venue"><span class="break">{s.venue}</span></Fact>}
      </dl>
      {b.status === 'confirmed' && b.seat === 'online' && s.status !== 'cancelled' && !hideSessionFacts && mineToAnswer && <JoinNow sessionId={s.id} startsAt={s.startsAt} endsAt={s.endsAt} title={s.title} />}
      {/* Only the person booked may read it (an office is refused), and only once it holds a caption. */}
      {mineToAnswer && <TranscriptLink b={b} />}
      <div class="actions">
        {b.status === 'offered' && !lapsed && s.status !== 'cancelled' && mineToAnswer && (
          <>
            <ActionButton type="button" busy={busy && doing === 'accept'} busyLabel="Accepting…" onClick={() => !busy && void run(b, 'accept')}>
              Accept seat<span class="visually-hidden">: {s.title}</span>
            </ActionButton>
            <ConfirmButton label={`Decline offer: ${s.title}`} text="Decline offer" question="Decline this seat? It will go to the next person on the waitlist." confirmLabel={busy && doing === 'decline' ? 'Declining…' : 'Yes, decline the seat'} keepLabel="Keep the offer" busy={busy} onConfirm={() => void run(b, 'decline')} variant="secondary" />
          </>
        )}
        {/* Only its person may take or turn down an offer; their office (or an administrator) may give the seat up for them, say while they are off sick. */}
        {b.status === 'offered' && !lapsed && s.status !== 'cancelled' && !ended && !mineToAnswer && (
          <ConfirmButton
            label={`Give up the offered seat: ${b.userName}, ${s.title}`}
            text={`Give up the offered seat: ${b.userName}`}
            busyText={busy && doing === 'cancel' ? 'Giving it up…' : undefined}
            question={`Give up the seat offered to ${b.userName} on “${s.title}”? It goes to the next person on the waitlist, and ${b.userName} is told by email.`}
            confirmLabel="Yes, give it up"
            keepLabel="Keep the offer"
            busy={busy}
            onConfirm={() => void run(b, 'cancel')}
          />
        )}
        {b.status === 'confirmed' && s.status !== 'cancelled' && !ended && (
          <ConfirmButton label={`Cancel booking: ${whichFor}`} text="Cancel booking" busyText={busy && doing === 'cancel' ? 'Cancelling…' : undefined} question={`Cancel ${mineToAnswer ? 'your' : `${b.userName}’s`} booking for “${s.title}”? ${seatGoesTo(b, now, 'The seat will go to someone else.')}`} confirmLabel={mineToAnswer ? 'Yes, cancel my booking' : 'Yes, cancel the booking'} keepLabel={mineToAnswer ? 'Keep my booking' : 'Keep the booking'} busy={busy} onConfirm={() => void run(b, 'cancel')} />
        )}
        {/* A hybrid session's place changes room without being given up: its person or their office (as the session's trainers may). */}
        {seatChangeable && !seatsFrozen && !noneFree && <ChangeSeatButton b={b} mine={mineToAnswer} busy={busy} changing={doing === 'seat'} free={others?.free ?? null} now={now} onConfirm={() => void run(b, 'seat')} />}
        {b.status === 'waitlisted' && s.status !== 'cancelled' && !ended && (
          <ConfirmButton label={`Leave waitlist: ${whichFor}`} text="Leave waitlist" busyText={busy && doing === 'leave' ? 'Leaving…' : undefined} question={`Leave the waitlist for “${s.title}”? ${mineToAnswer ? 'You will lose your place' : `${b.userName} will lose their place`} in the queue.`} confirmLabel="Yes, leave the waitlist" keepLabel="Stay on the waitlist" busy={busy} onConfirm={() => void run(b, 'leave')} variant="secondary" />
        )}
      </div>
      {seatChangeable && seatsFrozen && (
        <p id={`booking-${b.id}-seats-frozen`} tabIndex={-1}>
          The seat can no longer be changed here, because booking closed on {formatDateTime(s.bookingEndsAt)}. The session’s trainer can still move {mineToAnswer ? 'you' : b.userName} to {aSeat(otherSeat(b))}.
        </p>
      )}
      {seatChangeable && !seatsFrozen && noneFree && (
        <p id={`booking-${b.id}-none-free`} class="break">
          {noneFreeLine(b, mineToAnswer, others)}
        </p>
      )}
      <AddToCalendar b={b} />
      {!refusalShown && <ActionError action={action} />}
      {b.status === 'attended' && mineToAnswer && <AfterSession b={b} level={headingLevel === 3 ? 4 : hideSessionFacts ? 3 : 2} />}
    </>
  );
}

/**
 * When the cut-off (`closesAt`) passes while the page is open (`frozen` turns true), taking
 * "Change to … seat" (or the question it asked) away: focus that went with it goes to the line
 * saying why (the element `lineId`, focusable) instead of being left on <body>. Focus anywhere
 * else stays. A cut-off brought forward meanwhile is learnt from a refused change, whose
 * refusal the page says and focuses as it does any other: the line does not take it then.
 */
function useFocusOnFreeze(frozen: boolean, closesAt: string, lineId: string) {
  const focusLater = useFocusLater();
  const was = useRef({ frozen, closesAt });
  useLayoutEffect(() => {
    if (frozen && !was.current.frozen && closesAt === was.current.closesAt) focusLater(() => document.getElementById(lineId));
    was.current = { frozen, closesAt };
  });
}

/**
 * Why a seat (or an offered one) on a hybrid session is not offered a change of kind: no seat of
 * the other kind is free to its person now (those held for other schools said, with until when),
 * so they keep theirs, and what to do: check again later.
 */
function noneFreeLine(b: Booking, mine: boolean, others: { heldForOthers: number; heldUntil: string }): string {
  const to = otherSeat(b) === 'online' ? 'online' : 'in-person';
  const from = b.seat === 'online' ? 'online' : 'in-person';
  const held = others.heldForOthers;
  const heldNote = held > 0 ? ` (${held === 1 ? 'the 1 empty seat is held for another school' : `the ${held} empty seats are held for other schools`} until ${formatDateTime(others.heldUntil)})` : '';
  const kept =
    b.status === 'offered' ? `${mine ? 'you keep' : `${b.userName} keeps`} the ${from} seat offered to ${mine ? 'you' : 'them'}`
    : `${mine ? 'you keep your' : `${b.userName} keeps their`} ${from} seat`;
  return `No ${to} seats are free to ${mine ? 'you' : b.userName} now${heldNote}, so ${kept}. Check again later: one may come free.`;
}

/**
 * "Change to an online seat" (or in-person) for a place on a hybrid session, asked first: a
 * seat left goes at once to whoever waits for one, so changing back may find none free. A queue
 * place changed to a kind with a seat free to its person (`free`, as its session summary counts
 * it; null: not known) gets that seat at once, confirmed or offered for a time as the session's
 * waitlist policy says, and the question says which; else it keeps its turn in the other queue.
 * Refused when no seat of the other kind is free after all (taken meanwhile: said in words).
 */
function ChangeSeatButton({ b, mine, busy, changing, free, now, onConfirm }: { b: Booking; mine: boolean; busy: boolean; changing: boolean; free: number | null; now: number; onConfirm: () => void }) {
  const to = otherSeat(b);
  const [toWord, fromWord] = [to === 'online' ? 'online' : 'in-person', to === 'online' ? 'in-person' : 'online'];
  const text = `Change to ${aSeat(to)}`;
  const whose = mine ? 'your' : `${b.userName}’s`;
  const s = b.session;
  const policy = s.otherSeats;
  const seatFree = free !== null && free > 0;
  let question: string;
  if (b.status === 'waitlisted' && seatFree && policy) {
    // As the server's queue gives it (promoteWaitlist): offered until the hold runs out, never past the start; confirmed once begun.
    const offer = policy.waitlistPolicy === 'offer' && now < Date.parse(s.startsAt);
    const until = offer ? formatDateTime(new Date(Math.min(now + policy.offerHoldMinutes * 60_000, Date.parse(s.startsAt))).toISOString()) : '';
    const gets = offer
      ? mine ? `It will be offered to you and held until ${until}: accept it by then, or it goes to the next person.` : `It will be offered to ${b.userName} and held for them until ${until}: only they can accept it.`
      : mine ? 'You will have it at once, and your booking will be confirmed.' : `${b.userName} will have it at once, and the booking will be confirmed.`;
    question = `${aSeat(to)[0]!.toUpperCase()}${aSeat(to).slice(1)} is free to ${mine ? 'you' : b.userName} on “${s.title}” now. Change to it, and leave the queue for ${aSeat(b.seat)}? ${gets}`;
  } else if (b.status === 'waitlisted') {
    question = `Wait for ${aSeat(to)} on “${s.title}” instead of ${aSeat(b.seat)}? ${mine ? 'You keep your' : `${b.userName} keeps their`} turn in the queue.`;
  } else {
    question = `Change ${whose} ${b.status === 'offered' ? 'offered ' : ''}seat on “${s.title}” to ${aSeat(to)}?${seatFree ? ` ${free === 1 ? 'One is' : `${free} are`} free to ${mine ? 'you' : b.userName} now.` : ''} The ${fromWord} seat goes at once to anyone waiting for one, so changing back may find no seat free.`;
  }
  return (
    <ConfirmButton
      label={`${text}: ${s.title}${mine ? '' : `, ${b.userName}`}`}
      text={text}
      busyText={changing ? 'Changing…' : undefined}
      question={question}
      confirmLabel={`Yes, change to ${toWord}`}
      keepLabel={b.status === 'waitlisted' ? `Keep waiting for ${fromWord}` : `Keep the ${fromWord} seat`}
      busy={busy}
      onConfirm={onConfirm}
      variant="secondary"
    />
  );
}

/** What My bookings says when offers it showed as current lapse while it is open. */
function offersLapsedMessage(titles: readonly string[]): string {
  const list = listOf(titles.map((t) => `“${t}”`));
  return titles.length === 1
    ? `The seat offered to you on ${list} was not accepted in time, so it passes to the next person. The offer is now under “Cancelled and past”.`
    : `The seats offered to you on ${list} were not accepted in time, so each passes to the next person. The offers are now under “Cancelled and past”.`;
}

export function BookingsPage() {
  const { loc } = useApp();
  const bookings = useLoad(() => api('/api/me/bookings', BookingList).then((r) => r.items), []);
  // Which of them clash with the person's timetable (added or changed after booking, say):
  // sessions not yet over. Loaded apart, so a failure here never hides the bookings.
  const clashes = useLoad(() => api(`/api/me/clashes?${new URLSearchParams({ from: new Date(serverNow()).toISOString() })}`, ClashList).then((r) => new Map(r.items.map((c) => [c.bookingId, c]))), []);
  const [status, setStatus] = useState('');
  const items = bookings.data;

  // Current: a place on a session neither cancelled nor over. A place on a session that has
  // ended (a queue place no seat came to, a seat whose attendance is not yet recorded) is past,
  // and so is an offer whose time has run out (from that moment, on a page left open, though
  // the server says `offered` until its sweep): it is no longer the person's place.
  useClockPast(items?.map(offerExpiry) ?? []); // renders again as each offer lapses
  const now = serverNow();
  const upcoming = items?.filter((b) => ACTIVE.has(b.status) && !offerLapsedAt(b, now) && b.session.status !== 'cancelled' && Date.parse(b.session.endsAt) > now) ?? [];
  const past = items?.filter((b) => !upcoming.includes(b)) ?? [];

  // An offer shown as current that lapses while the page is open moves to "Cancelled and
  // past" (its card is made afresh there): that is said (politely), and when focus was in
  // its card (on "Accept seat", say) and went with it, the message takes focus instead of
  // leaving it on <body>. Focus anywhere else stays where it is.
  const focusLater = useFocusLater();
  const focusedCard = useFocusedBooking();
  const shownOffers = useRef<ReadonlySet<string>>(new Set());
  useLayoutEffect(() => {
    const lapsed = items?.filter((b) => shownOffers.current.has(b.id) && offerLapsedAt(b, now)) ?? [];
    shownOffers.current = new Set(upcoming.filter((b) => b.status === 'offered').map((b) => b.id));
    if (!lapsed.length) return;
    setStatus(offersLapsedMessage(lapsed.map((b) => b.session.title)));
    if (lapsed.some((b) => b.id === focusedCard.current)) focusLater(() => document.getElementById('bookings-status'));
  });

  // The list as last rendered, for an action's answer to go into (the one in the closure the
  // action started from may have been replaced meanwhile).
  const shown = useRef(items);
  shown.current = items;

  // An action's answer (`next`: the booking as the server now has it, parsed by the Booking
  // schema in useBookingActions) takes the card's place at once, so the card shows its new
  // status and only the actions it now allows: no "Cancel booking" again while the list reloads
  // (pressed, it could only be refused), and nothing stale for good if that reload fails. The
  // reload then brings the rest (queue places, offers passed on) up to date.
  function changed(next: Booking, message: string) {
    setStatus(message);
    const now = shown.current;
    if (now) bookings.set(now.map((x) => (x.id === next.id ? next : x)));
    // What was pressed has gone (the card moved to "Cancelled and past", or its buttons changed):
    // focus goes to the card's heading, where its new state begins, rather than to <body>; to
    // the message saying what was done if the card is no longer listed.
    const place = () => document.getElementById(`booking-${next.id}-title`) ?? document.getElementById('bookings-status');
    focusLater(place);
    void clashes.reload();
    // Should the reloaded list move the card again, focus lost with it goes the same way.
    void bookings.reload().then(() => focusLater(place));
  }

  // Refused because things changed (its session cancelled, the offer gone): the list shows how
  // things now are, and the refusal is said in the page's status, since the card may have moved
  // to "Cancelled and past" (made afresh there) or gone.
  async function refused(_b: Booking, refusal: unknown) {
    setStatus(messageOf(refusal));
    void clashes.reload();
    await bookings.reload();
    focusLater(() => document.getElementById('bookings-status'), { force: true });
    return true;
  }

  const list = (bs: Booking[], withClashes = false) => (
    <ul class="cards plain">
      {bs.map((b) => (
        <li key={b.id} data-booking={b.id}>
          <article class="card" aria-labelledby={`booking-${b.id}-title`}>
            <BookingDetails b={b} headingLevel={3} onChanged={changed} onRefused={refused} note={withClashes && <BookingClashNote clash={clashes.data?.get(b.id)} />} />
          </article>
        </li>
      ))}
    </ul>
  );

  return (
    <>
      <PageHeading title="My bookings" navigated={loc.navigated}>
        My bookings
      </PageHeading>
      <p>
        <Link href="/completions">My training record (sessions attended)</Link>
      </p>
      <Status message={status} id="bookings-status" focusable />
      <Loaded state={bookings} what="your bookings">
        {(items) =>
          items.length === 0 ? (
            <p>
              You have no bookings yet. <Link href="/sessions">Find a session to book</Link>.
            </p>
          ) : (
            <>
              <section aria-labelledby="current-title">
                <h2 id="current-title" class="section-title">Current bookings and waitlist places</h2>
                {upcoming.length > 0 && clashes.error ? <ClashCheckFailed error={clashes.error} busy={clashes.loading} onRetry={() => void clashes.reload()} /> : null}
                {upcoming.length ? list(upcoming, true) : <p>None at the moment.</p>}
              </section>
              {past.length > 0 && (
                <section aria-labelledby="past-title">
                  <h2 id="past-title" class="section-title">Cancelled and past</h2>
                  {list(past)}
                </section>
              )}
            </>
          )
        }
      </Loaded>
    </>
  );
}

const RECORD_CSV = '/api/me/completions.csv';

/** My CPD record: every session attended, with minutes present, and the same as a spreadsheet. */
export function CompletionsPage() {
  const { loc } = useApp();
  const record = useLoad(() => api('/api/me/completions', CompletionList).then((r) => r.items), []);
  const certificates = useLoad(() => api('/api/me/certificates', MyCertificates), []);
  const recordCsv = useDownloadLink(RECORD_CSV, 'training-record.csv', 'training record');
  return (
    <>
      <PageHeading title="My training record" navigated={loc.navigated}>
        My training record
      </PageHeading>
      <p>Live sessions you attended, as evidence of your continuing professional development (CPD).</p>
      <section aria-labelledby="courses-done-title">
        <h2 id="courses-done-title">Courses completed</h2>
        <Loaded state={certificates} what="your completed courses">
          {({ courses }) =>
            courses.length === 0 ? (
              <p>No course completed yet. A course is complete once you have attended a session of each of its required parts.</p>
            ) : (
              <ul class="link-list">
                {courses.map((c) => (
                  <li key={c.courseId}>
                    {c.title}
                    {c.completedOn ? `, completed ${formatLongDay(c.completedOn)}` : ''}:{' '}
                    {/* Refused (403) once a correction to the register leaves the course incomplete. */}
                    <DownloadAnchor href={c.url} fallbackName="course-certificate.pdf" what="certificate">
                      Course certificate (PDF)<span class="visually-hidden"> for {c.title}</span>
                    </DownloadAnchor>
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
      <h2>Sessions attended</h2>
      <Loaded state={record} what="your training record">
        {(items) =>
          items.length === 0 ? (
            <p>
              No attended sessions yet. Sessions appear here after they end, once your attendance is recorded. <Link href="/sessions">Find a session</Link>.
            </p>
          ) : (
            <>
              <p>
                {attendedSummary(items)}{' '}
                <a href={RECORD_CSV} download onClick={recordCsv.onClick}>
                  Download as a spreadsheet (CSV)
                </a>
              </p>
              <DownloadMessages download={recordCsv.download} />
              <AttendedTable items={items} caption="Sessions attended, newest first" />
            </>
          )
        }
      </Loaded>
    </>
  );
}
