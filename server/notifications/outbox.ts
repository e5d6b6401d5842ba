/**
 * The outbox: a notification is a row written in the same transaction as the change it
 * tells of, so a change is never saved without its message, nor a message sent for a
 * change that was rolled back. Delivery happens later (delivery.ts).
 *
 * The row holds facts, not the message: the kind, the booking, the booking's status,
 * revision and offer expiry at that moment, and a queue place or reason. Writing it is one
 * statement; the email and its calendar invite are rendered from the facts when it is
 * delivered (or filed in the local outbox). Rendering inside the booking transaction was
 * most of a booking's cost, and the session and person details are then current when the
 * message goes out.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { BookingRow, BookingStatus, Database, OutboxRow, UserRow } from '../../db/schema.js';
import { lowerContains } from '../../db/like.js';
import { findUsersByIds } from '../accounts/repository.js';
import { prepared, rowInserter, type WriteBatch } from '../../db/prepared.js';
import type { Deps } from '../platform/deps.js';
import type { z } from 'zod';
import type { OutboxPage } from '../../shared/bookings.js';
import { encodeCursor } from '../../shared/cursor.js';
import { actorPhrase, changedFrom, compose, isDetailsOnly, LATER_CHANGE_TOLD, titleBefore, type NoticeKind, type SessionBefore } from './messages.js';
import { calendarRowsOfBookings, inviteOfRow } from '../calendar/invites.js';
import { timeOrderedId } from '../platform/ids.js';
import { loadSeatStates, visibleTo, type Viewer } from '../bookings/repository.js';
import { freeFor } from '../bookings/availability.js';
import { clashesForBookings, clashNoticesFor, clashNoticeText, withholdingLabels, withoutPrivateClashes } from '../timetables/service.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Extra parts of a message. `ical` becomes a text/calendar alternative with its METHOD. */
export interface OutboxParts {
  ical?: { method: string; content: string };
}

/** A message ready to send. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  parts: OutboxParts;
}

const CLASH_NOTICE_KINDS = new Set<NoticeKind>(['confirmed', 'promoted', 'offered', 'waitlisted', 'session_changed']);

/** Emails whose link is a key to the person's account: only their mailbox is to hold it. */
const SECRET_LINK_KINDS = new Set(['password_reset', 'sign_in_link']);
const SECRET_LINK_TOKEN = /(#token=)[A-Za-z0-9_-]+/g;

/**
 * `message` with the token of its link to the person's account (a password reset, a sign-in
 * link) taken out, for every other kind of email as it is. Only the token's SHA-256 is kept
 * where links are checked (accounts/repository.ts); once the email has gone over SMTP its
 * outbox row keeps this, and while mail goes over SMTP the Mail page shows only this, so
 * neither an administrator nor a copy of the database can use someone else's link. The local
 * outbox (no mail server) keeps and shows the whole link: a developer reads it there.
 */
export function withoutSecretLink<M extends { text: string; html?: string }>(kind: string, message: M): M {
  if (!SECRET_LINK_KINDS.has(kind)) return message;
  const strip = (text: string) => text.replace(SECRET_LINK_TOKEN, '$1(hidden: sent only to the person)');
  return { ...message, text: strip(message.text), ...(message.html === undefined ? {} : { html: strip(message.html) }) };
}

export function manageUrl(deps: Deps, bookingId: string) {
  return `${deps.config.publicUrl.replace(/\/$/, '')}/bookings/${encodeURIComponent(bookingId)}`;
}

// A notice's columns, as `enqueue` and `enqueueForNew` write them.
const NOTICE_COLUMNS = ['id', 'kind', 'to_email', 'user_id', 'booking_id', 'session_id', 'booking_status', 'booking_revision', 'offer_expires_at', 'queue_position', 'reason', 'acted_by', 'prior_status', 'dedupe_key', 'status', 'attempts', 'next_attempt_at', 'created_at'] as const;
type NoticeRow = Pick<OutboxRow, (typeof NOTICE_COLUMNS)[number]>;

// What a notice records of its booking and owner, read by the insert itself (one statement).
const BOOKING_FACTS = ['u.email', 'b.user_id', 'b.id as booking_id', 'b.session_id', 'b.status', 'b.revision', 'b.offer_expires_at'] as const;

// The booking's owner and its state are read by the insert itself: one statement.
const insertNotice = prepared<{ id: string; kind: string; bookingId: string; position: number | null; reason: string | null; actedBy: string | null; priorStatus: string | null; dedupeKey: string | null; now: string }>()((db, arg) =>
  db
    .insertInto('outbox')
    .columns(NOTICE_COLUMNS)
    .expression(
      db
        .selectFrom('bookings as b')
        .innerJoin('users as u', 'u.id', 'b.user_id')
        .select([
          sql<string>`${arg('id')}`.as('id'),
          sql<string>`${arg('kind')}`.as('kind'),
          ...BOOKING_FACTS,
          sql<number | null>`cast(${arg('position')} as integer)`.as('queue_position'),
          sql<string | null>`cast(${arg('reason')} as text)`.as('reason'),
          sql<string | null>`cast(${arg('actedBy')} as text)`.as('acted_by'),
          sql<BookingStatus | null>`cast(${arg('priorStatus')} as text)`.as('prior_status'),
          sql<string | null>`cast(${arg('dedupeKey')} as text)`.as('dedupe_key'),
          sql<string>`'pending'`.as('status'),
          sql<number>`0`.as('attempts'),
          sql<string>`${arg('now')}`.as('next_attempt_at'),
          sql<string>`${arg('now')}`.as('created_at'),
        ])
        .where('b.id', '=', arg('bookingId')),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing()),
);

/**
 * Writes one notice for a booking's owner. With a dedupe key, a second call is a no-op.
 * `actedBy`: who made the change (its email names them unless it was the person);
 * `priorStatus`: the booking's status before it (whether a cancelled place had been sent an invite).
 */
export async function enqueue(trx: Q, deps: Deps, kind: NoticeKind, bookingId: string, extra: { position?: number; reason?: string; dedupeKey?: string; actedBy?: string; priorStatus?: BookingStatus } = {}) {
  const now = deps.now().toISOString();
  await insertNotice.run(trx, { id: timeOrderedId(), kind, bookingId, position: extra.position ?? null, reason: extra.reason ?? null, actedBy: extra.actedBy ?? null, priorStatus: extra.priorStatus ?? null, dedupeKey: extra.dedupeKey ?? null, now });
}

/**
 * Files, under `dedupeKey`, a notice decided against when it fell due (`why` it does not
 * apply): written once as `dropped`, never sent, kept for an administrator to read like a
 * notice that stopped applying before delivery, and, holding the key, the record that the
 * decision was made, so later passes need not make it again. A no-op when the key is taken.
 */
export async function enqueueDropped(db: Q, deps: Deps, kind: NoticeKind, bookingId: string, dedupeKey: string, why: string) {
  const now = deps.now().toISOString();
  await db
    .insertInto('outbox')
    .columns([...NOTICE_COLUMNS, 'last_error'])
    .expression(
      db
        .selectFrom('bookings as b')
        .innerJoin('users as u', 'u.id', 'b.user_id')
        .select([
          sql<string>`cast(${timeOrderedId()} as text)`.as('id'),
          sql<string>`cast(${kind} as text)`.as('kind'),
          ...BOOKING_FACTS,
          sql<number | null>`cast(null as integer)`.as('queue_position'),
          sql<string | null>`cast(null as text)`.as('reason'),
          sql<string | null>`cast(null as text)`.as('acted_by'),
          sql<BookingStatus | null>`cast(null as text)`.as('prior_status'),
          sql<string>`cast(${dedupeKey} as text)`.as('dedupe_key'),
          sql<string>`'dropped'`.as('status'),
          sql<number>`0`.as('attempts'),
          sql<string>`cast(${now} as text)`.as('next_attempt_at'),
          sql<string>`cast(${now} as text)`.as('created_at'),
          sql<string>`cast(${`No longer applies: ${why}`} as text)`.as('last_error'),
        ])
        .where('b.id', '=', bookingId),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/** The facts of a booking this transaction has just written, as `enqueue` would read them back. */
export interface NewBookingNotice {
  kind: NoticeKind;
  booking: Pick<BookingRow, 'id' | 'user_id' | 'session_id' | 'status' | 'revision' | 'offer_expires_at'>;
  /** The booking's owner's address. */
  email: string;
  position?: number;
}

const insertNotices = rowInserter<NoticeRow>('outbox', NOTICE_COLUMNS);

/**
 * Notices for bookings written earlier in this transaction, from the facts the caller holds
 * (the same ones `enqueue` reads back from the booking and its owner), for a whole batch of
 * new bookings at once.
 */
export async function enqueueForNew(writes: WriteBatch, deps: Deps, notices: NewBookingNotice[]) {
  if (notices.length === 0) return;
  const now = deps.now().toISOString();
  const rows: NoticeRow[] = notices.map((n) => ({
    id: timeOrderedId(),
    kind: n.kind,
    to_email: n.email,
    user_id: n.booking.user_id,
    booking_id: n.booking.id,
    session_id: n.booking.session_id,
    booking_status: n.booking.status,
    booking_revision: n.booking.revision,
    offer_expires_at: n.booking.offer_expires_at,
    queue_position: n.position ?? null,
    reason: null,
    acted_by: null,
    prior_status: null,
    dedupe_key: null,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
  }));
  await insertNotices.into(writes, rows);
}

/** What rendering a notice reads of its booking, session, person and who booked it. */
function noticeFacts(db: Q, bookingIds: readonly string[]) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .leftJoin('users as by', 'by.id', 'b.booked_by')
    .select([
      'b.id', 'b.seat', 'b.status', 'b.revision', 'b.offer_expires_at', 'b.user_id', 'b.session_id', 'b.booked_by', 'by.name as booked_by_name',
      'u.name', 'u.email', 'u.time_zone as user_tz', 'u.org_id', 'u.disabled_at',
      's.title', 's.starts_at', 's.ends_at', 's.venue', 's.mode', 's.time_zone as session_tz', 's.attendance_threshold', 's.booking_ends_at',
      'o.time_zone as org_tz', 'o.kind as org_kind',
    ])
    .where('b.id', 'in', bookingIds)
    .execute();
}
type NoticeFacts = Awaited<ReturnType<typeof noticeFacts>>[number];

/** The people who made the changes some notices tell of (outbox `acted_by`), by id. */
async function actorsOf(db: Q, rows: readonly OutboxRow[]): Promise<Map<string, Actor>> {
  const ids = [...new Set(rows.map((r) => r.acted_by).filter((id): id is string => id !== null))];
  return new Map((await findUsersByIds(db, ids)).map((u) => [u.id, u]));
}
type Actor = Pick<UserRow, 'id' | 'name' | 'role' | 'org_id'>;

/** The zone a notice's times are written in: the person's, else their organisation's, else the session's. */
const zoneOf = (found: NoticeFacts) => found.user_tz ?? found.org_tz ?? found.session_tz;

/**
 * For "session changed" notices: the session as each one's person was last told of it. For a
 * new time or place that is what the notice kept (the session before its change), unless
 * earlier such notices of the same booking were not sent because this later one tells of the
 * session as it now is (delivery.ts, LATER_CHANGE_TOLD): then it is what the earliest of
 * those kept, so a venue moved twice before the first message went reads "it was Hall A"
 * (the place the person knew), not the place in between. A new title passed over in the same
 * way (one not yet sent, or dropped as told here) gives the title the person knew; for a
 * notice of a new title alone, that is all there is (`{ title }`). By row id; none for other
 * rows, nor for those written before these were kept.
 */
async function lastToldOf(db: Q, rows: readonly OutboxRow[]): Promise<Map<string, SessionBefore | { title: string }>> {
  const told = new Map<string, SessionBefore | { title: string }>();
  const changes = rows.filter((r) => r.kind === 'session_changed' && r.booking_id !== null && !storedMessage(r) && (changedFrom(r.reason) || titleBefore(r.reason) !== undefined));
  if (changes.length === 0) return told;
  const earlier = await db
    .selectFrom('outbox')
    .select(['id', 'booking_id', 'status', 'reason', 'last_error'])
    .where('booking_id', 'in', [...new Set(changes.map((r) => r.booking_id!))])
    .where('kind', '=', 'session_changed')
    .where('id', '<', changes.reduce((max, r) => (r.id > max ? r.id : max), ''))
    .orderBy('id', 'desc')
    .execute();
  const superseded = `No longer applies: ${LATER_CHANGE_TOLD}`;
  for (const r of changes) {
    const moved = changedFrom(r.reason);
    let was: SessionBefore | { title: string } = moved ?? { title: titleBefore(r.reason)! };
    for (const e of earlier) {
      if (e.booking_id !== r.booking_id || e.id >= r.id) continue;
      const passedOver = e.status === 'pending' || (e.status === 'dropped' && e.last_error === superseded);
      if (isDetailsOnly(e.reason)) {
        // A new title the person was told of: they know the session from there.
        if (!passedOver) break;
        const title = titleBefore(e.reason);
        if (title !== undefined) was = { ...was, title };
        continue;
      }
      // A new time or place: it says everything, so a new title alone stops at one.
      if (!moved) break;
      const before = changedFrom(e.reason);
      // One told (or to be told) in its own message, or one that kept nothing: the person knows from there.
      if (!before || e.status !== 'dropped' || e.last_error !== superseded) break;
      was = before;
    }
    told.set(r.id, was);
  }
  return told;
}

type NoticeSeats = NonNullable<Parameters<typeof compose>[0]['seats']>;

/**
 * For waiting-list notices (by row id): their seats as they are now (one read of the sessions'
 * counts and holds, however many rows), as the message says them: whether the seats of the
 * kind waited for that are not yet taken are held for other organisations, and how many of the
 * other kind the person could book (availability.ts freeFor, DESIGN invariant 11).
 */
async function seatsOf(db: Q, deps: Deps, rows: readonly OutboxRow[], facts: ReadonlyMap<string, NoticeFacts>): Promise<Map<string, NoticeSeats>> {
  const out = new Map<string, NoticeSeats>();
  const waiting = rows.filter((r) => r.kind === 'waitlisted' && r.booking_id !== null && facts.has(r.booking_id));
  if (waiting.length === 0) return out;
  const states = await loadSeatStates(db, [...new Set(waiting.map((r) => facts.get(r.booking_id!)!.session_id))], deps.now().toISOString());
  for (const r of waiting) {
    const f = facts.get(r.booking_id!)!;
    const state = states.get(f.session_id);
    if (!state) continue;
    const mine = state[f.seat];
    const other = state[f.seat === 'online' ? 'in_person' : 'online'];
    out.set(r.id, { heldForOthers: mine.capacity - mine.confirmed - mine.offered > 0 && freeFor(mine, f.org_id) === 0, otherFree: freeFor(other, f.org_id) });
  }
  return out;
}

/** A notice's words from its row and its booking's facts (`notes`: the clash warning, if any; `was`: see lastToldOf; `seats`: see seatsOf). */
function composeNotice(deps: Deps, row: OutboxRow, found: NoticeFacts, notes: string[], actor: Actor | undefined, told?: SessionBefore | { title: string }, seats?: NoticeSeats) {
  // A new title alone: its time and place are the session's.
  const was = told && !('startsAt' in told) ? { title: told.title, startsAt: found.starts_at, endsAt: found.ends_at, venue: found.venue, mode: found.mode } : told;
  const kind = row.kind as NoticeKind;
  // The booking as it was when the notice was written.
  const booking = { ...found, status: row.booking_status ?? found.status, revision: row.booking_revision ?? found.revision, offer_expires_at: row.booking_status ? row.offer_expires_at : found.offer_expires_at };
  const message = compose({
    kind,
    notes,
    user: found,
    session: found,
    booking,
    timeZone: zoneOf(found),
    manageUrl: kind === 'feedback_request' ? `${manageUrl(deps, found.id)}#feedback` : manageUrl(deps, found.id),
    position: row.queue_position ?? undefined,
    reason: row.reason ?? undefined,
    // The notice of a place someone else (their school office, an administrator) booked says who.
    bookedBy: (kind === 'confirmed' || kind === 'waitlisted') && booking.revision === 0 && found.booked_by !== null && found.booked_by !== found.user_id ? (found.booked_by_name ?? undefined) : undefined,
    // A cancellation someone else made (a trainer, their school office, an administrator) says who.
    actedBy: actor && actor.id !== found.user_id ? actorPhrase(actor, found.org_id) : undefined,
    actedBySelf: !!actor && actor.id === found.user_id,
    // A message to the session's people names who wrote it (a trainer, an in-house lead, an administrator).
    sender: kind === 'trainer_message' ? actor : undefined,
    // A reminder names the day from when it is sent (or was filed), not when it was written.
    sentAt: row.sent_at ?? deps.now().toISOString(),
    writtenAt: row.created_at,
    changedFrom: was,
    seats,
    // Turned off (as it is sent): no link they can no longer use, and whom to ask instead.
    accountOff: found.disabled_at !== null,
    // Whose office a turned-off account is told to ask (null: they belong to no organisation).
    orgKind: found.org_id === null ? null : found.org_kind,
  });
  return { message, booking };
}

/** What was sent, when it has been: kept on the row. */
function storedMessage(row: OutboxRow): RenderedMessage | undefined {
  if (row.subject === null || row.text_body === null || row.html_body === null) return undefined;
  return { subject: row.subject, text: row.text_body, html: row.html_body, parts: JSON.parse(row.attachments ?? '{}') as OutboxParts };
}

/**
 * The message for an outbox row: what was sent, when it has been, else rendered from its
 * facts with the session and person as they are now. Undefined when the booking is gone.
 */
export async function renderNotice(db: Q, deps: Deps, row: OutboxRow): Promise<RenderedMessage | undefined> {
  return (await renderNoticesToSend(db, deps, [row]))[0];
}

/**
 * The messages of many outbox rows at once, each as `renderNotice` gives it (its calendar
 * invite too), read in a few queries whatever the number of rows: a delivery pass files or
 * sends up to 50 at a time, and read one by one each cost seven queries (about 2.6 ms of the
 * server's CPU per message on PostgreSQL, nine times a booking's own cost, while a rush of
 * bookings was being answered).
 */
export async function renderNoticesToSend(db: Q, deps: Deps, rows: readonly OutboxRow[]): Promise<(RenderedMessage | undefined)[]> {
  const unsent = rows.filter((r) => !storedMessage(r) && r.booking_id);
  const facts = new Map((unsent.length ? await noticeFacts(db, [...new Set(unsent.map((r) => r.booking_id!))]) : []).map((f) => [f.id, f]));
  const live = unsent.filter((r) => facts.has(r.booking_id!));
  // People booking a session that overlaps their timetable are told, so they can arrange cover:
  // each in their own words (their own calendar's titles).
  const warned = live.filter((r) => CLASH_NOTICE_KINDS.has(r.kind as NoticeKind));
  const notes = await clashNoticesFor(db, warned.map((r) => { const f = facts.get(r.booking_id!)!; return { userId: f.user_id, sessionId: f.session_id, seat: f.seat, timeZone: zoneOf(f) }; }));
  const notesOf = new Map(warned.map((r, i) => [r.id, notes[i]!]));
  const actors = await actorsOf(db, live);
  const told = await lastToldOf(db, live);
  const seats = await seatsOf(db, deps, live, facts);
  const calendarRows = await calendarRowsOfBookings(db, [...facts.keys()]);
  return rows.map((row) => {
    const stored = storedMessage(row);
    if (stored) return stored;
    const found = row.booking_id ? facts.get(row.booking_id) : undefined;
    if (!found) return undefined;
    const { message, booking } = composeNotice(deps, row, found, notesOf.get(row.id) ?? [], actors.get(row.acted_by ?? ''), told.get(row.id), seats.get(row.id));
    const ical = inviteOfRow(deps, row.kind as NoticeKind, calendarRows.get(found.id), { status: booking.status, revision: booking.revision, priorStatus: row.prior_status }, found.disabled_at !== null, found.org_id === null ? null : found.org_kind);
    return { ...message, parts: ical ? { ical } : {} };
  });
}

/**
 * The subject and text of many outbox rows at once, as `renderNotice` gives them (without
 * the calendar invite, which a list does not show): every booking's facts in one query and
 * every clash warning in one look, whatever the number of rows. Undefined for a row whose
 * booking is gone.
 */
async function renderNotices(deps: Deps, rows: readonly OutboxRow[]): Promise<({ subject: string; text: string } | undefined)[]> {
  const unsent = rows.filter((r) => !storedMessage(r) && r.booking_id);
  const facts = new Map((unsent.length ? await noticeFacts(deps.db, [...new Set(unsent.map((r) => r.booking_id!))]) : []).map((f) => [f.id, f]));
  const warned = unsent.filter((r) => CLASH_NOTICE_KINDS.has(r.kind as NoticeKind) && facts.has(r.booking_id!));
  // As someone other than its person reads it (an administrator): the titles of a calendar they gave themselves are theirs.
  const clashes = await clashesForBookings(deps, warned.map((r) => { const f = facts.get(r.booking_id!)!; return { userId: f.user_id, sessionId: f.session_id, seat: f.seat }; }));
  const actors = await actorsOf(deps.db, unsent);
  const told = await lastToldOf(deps.db, unsent);
  const seats = await seatsOf(deps.db, deps, unsent, facts);
  const notesOf = new Map(warned.map((r, i) => { const f = facts.get(r.booking_id!)!; return [r.id, clashNoticeText(clashes[i] ?? [], zoneOf(f), f.seat)]; }));
  return rows.map((r) => {
    const stored = storedMessage(r);
    if (stored) return stored;
    const found = r.booking_id ? facts.get(r.booking_id) : undefined;
    return found ? composeNotice(deps, r, found, notesOf.get(r.id) ?? [], actors.get(r.acted_by ?? ''), told.get(r.id), seats.get(r.id)).message : undefined;
  });
}

/** A message about a person's account (not a booking), written already rendered. */
export interface AccountMessage {
  kind: string;
  to: string;
  userId: string;
  subject: string;
  text: string;
  html: string;
  /** The session it is about, if any (it names the session: not shown to whoever may not see it). */
  sessionId?: string;
  /** Who made the change it tells of, when it names them: erasing them scrubs it (accounts/erasure-repository.ts, mailNaming). */
  actedBy?: string;
}

/**
 * Writes an account message (a password reset link, later a sign-in link) to the outbox in
 * the caller's transaction; it is delivered like every notice, with retries.
 */
export async function enqueueMessage(trx: Q, deps: Deps, m: AccountMessage) {
  const now = deps.now().toISOString();
  await trx
    .insertInto('outbox')
    .values({
      id: timeOrderedId(),
      kind: m.kind,
      to_email: m.to,
      user_id: m.userId,
      booking_id: null,
      session_id: m.sessionId ?? null,
      subject: m.subject,
      text_body: m.text,
      html_body: m.html,
      attachments: '{}',
      booking_status: null,
      booking_revision: null,
      offer_expires_at: null,
      queue_position: null,
      reason: null,
      acted_by: m.actedBy ?? null,
      prior_status: null,
      dedupe_key: null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
}

/** Which rows of the outbox a page holds: see OutboxQuery. */
export interface OutboxPageOpts {
  /** Only those whose address holds it, any part, any case. */
  to?: string;
  limit: number;
  /** Skip this many first (API clients written before cursors; the Mail page pages by `before`). */
  offset: number;
  /** Only rows older than (id below) this one: where the page before ended. */
  before?: string;
}

/**
 * A page of outbox rows, newest first, one more than `limit` when there are more (the caller
 * cuts it), with how many there are in all; only those whose address holds `to` (any part,
 * any case) when given. Newest first is by id, descending: ids are unique and grow with time
 * (timeOrderedId), a total order, so "older than the last row seen" (`before`) starts the next
 * page exactly after it however much mail is written meanwhile, and the primary key's index
 * serves it. The comparison is on the column itself, as the ORDER BY is, so it is made in the
 * same collation on either database.
 */
export async function outboxRows(db: Q, opts: OutboxPageOpts): Promise<{ rows: OutboxRow[]; total: number }> {
  const matching = () => {
    const q = db.selectFrom('outbox');
    return opts.to ? q.where(lowerContains(db, 'to_email', opts.to)) : q;
  };
  const from = opts.before === undefined ? matching() : matching().where('id', '<', opts.before);
  const [rows, count] = await Promise.all([
    from.selectAll().orderBy('id', 'desc').limit(opts.limit + 1).offset(opts.offset).execute(),
    matching().select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * A page of messages as an administrator reads them (newest first), how many match in all,
 * whether there are more, and the cursor of the next page (`before` for it: the last row's id).
 */
export async function messagesPage(deps: Deps, opts: OutboxPageOpts): Promise<OutboxPageBody> {
  const { rows: read, total } = await outboxRows(deps.db, opts);
  const hasMore = read.length > opts.limit;
  const rows = read.slice(0, opts.limit);
  const rendered = await renderNotices(deps, rows);
  // A message already sent keeps what it said to its person, their own calendar's titles in a
  // clash warning too: not for an administrator's eyes (messages not yet sent are rendered so).
  const privateTitles = await withholdingLabels(deps, rows.filter((r) => r.user_id && storedMessage(r)).map((r) => r.user_id!));
  const items = rows.map((r, i) => {
    let m = rendered[i] && deps.config.smtpUrl ? withoutSecretLink(r.kind, rendered[i]) : rendered[i];
    if (m && r.user_id && privateTitles.has(r.user_id)) m = { ...m, text: withoutPrivateClashes(m.text) };
    return { id: r.id, kind: r.kind, to: r.to_email, subject: m?.subject ?? '', text: m?.text ?? '', status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at };
  });
  const last = rows.at(-1);
  return { items, total, limit: opts.limit, offset: opts.offset, hasMore, next: hasMore && last ? encodeCursor([last.id]) : null };
}
type OutboxPageBody = z.infer<typeof OutboxPage>;

/**
 * Sends a pending message again now (an administrator's "retry now"); false when there is no
 * such pending message. Its lease is left as it is: a process sending it at this moment keeps
 * it (cleared, another process's pass would send it again), and one that ran out lets the
 * next pass take it anyway.
 */
export async function retryNow(db: Q, deps: Deps, outboxId: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ next_attempt_at: deps.now().toISOString() })
    .where('id', '=', outboxId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * The messages written to `userId`, newest first: what each was about (its subject), when it
 * was written and sent, and whether it went (their copy of their data). No bodies: a reset or
 * sign-in message holds a live link. With `viewer` (someone else reading them: their office,
 * an administrator), the notices of bookings on sessions `viewer` may not see are left out
 * (their subjects name the session; DESIGN.md invariant 12).
 */
export async function messagesToUser(deps: Deps, userId: string, viewer?: Viewer) {
  // Read through the index by booking (outbox_booking_order): the notices of their bookings,
  // and the messages about no booking (sign-in links, resets). "Every row with their user id"
  // had no index to use and read the whole outbox, which only grows.
  const seen = viewer && viewer.kind !== 'all' ? deps.db.selectFrom('sessions').select('sessions.id').where(visibleTo(viewer)) : null;
  let theirBookings = deps.db.selectFrom('bookings as b').select('b.id').where('b.user_id', '=', userId);
  if (seen) theirBookings = theirBookings.where('b.session_id', 'in', seen);
  let aboutNoBooking = deps.db.selectFrom('outbox').selectAll().where('booking_id', 'is', null).where('user_id', '=', userId);
  // A message about a session but no booking (a session given to an in-house lead) names it too.
  // One written before sessions were recorded on these (no session) is left out for anyone else.
  if (seen) aboutNoBooking = aboutNoBooking.where((eb) => eb.or([eb.and([eb('session_id', 'is', null), eb('kind', '<>', 'session_given')]), eb('session_id', 'in', seen)]));
  const [aboutBookings, aboutNone] = await Promise.all([
    deps.db.selectFrom('outbox').selectAll().where('booking_id', 'in', theirBookings).where('user_id', '=', userId).execute(),
    aboutNoBooking.execute(),
  ]);
  const rows = [...aboutBookings, ...aboutNone].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const rendered = await renderNotices(deps, rows);
  return rows.map((r, i) => ({ kind: r.kind, subject: rendered[i]?.subject ?? '', to: r.to_email, status: r.status, createdAt: r.created_at, sentAt: r.sent_at }));
}
