/**
 * The queries of erasing a person's personal data (erasure.ts), each run in the erasure's one
 * transaction. Which table loses what, and why, is set out in the README ("Erasing personal
 * data"); each function here says its part.
 */
import { sql, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema.js';
import { kindOf } from '../../db/prepared.js';
import { folded, lowerContains } from '../../db/like.js';
import type { Q } from './repository.js';

/** The person's row, locked against a concurrent change of it on PostgreSQL (SQLite's write lock is the transaction's). */
export function lockUser(db: Q, userId: string) {
  let q = db.selectFrom('users').selectAll().where('id', '=', userId);
  if (kindOf(db) === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The account row: placeholders for the name and email, every other personal field emptied, `erased_at` set. Only while not erased already. */
export async function eraseUserRow(db: Q, userId: string, values: { name: string; email: string; erasedAt: string }): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ name: values.name, email: values.email, password_hash: null, job_role: null, time_zone: null, captioner: 0, erased_at: values.erasedAt })
    .where('id', '=', userId)
    .where('erased_at', 'is', null)
    .where('disabled_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ways in and what only served the person: sign-in sessions, reset and sign-in links, identity provider links, calendar feed addresses (their own, and organisation feeds they made), their timetable, their live room standing, in-house leadership, idempotency records and the names and emails they had before these were put right. */
export async function deleteOwnRows(db: Q, userId: string) {
  await db.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
  await db.deleteFrom('password_resets').where('user_id', '=', userId).execute();
  await db.deleteFrom('sign_in_links').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_identities').where('user_id', '=', userId).execute();
  await db
    .deleteFrom('calendar_feed_tokens')
    .where((eb) => eb.or([eb.and([eb('owner_kind', '=', 'user'), eb('owner_id', '=', userId)]), eb('created_by', '=', userId)]))
    .execute();
  await db.deleteFrom('timetable_periods').where('user_id', '=', userId).execute();
  await db.deleteFrom('timetables').where('user_id', '=', userId).execute();
  await db.deleteFrom('live_speakers').where('user_id', '=', userId).execute();
  await db.deleteFrom('live_captioners').where('user_id', '=', userId).execute();
  await db.deleteFrom('live_removals').where('user_id', '=', userId).execute();
  await db.deleteFrom('inhouse_leads').where('user_id', '=', userId).execute();
  await db.deleteFrom('idempotency_keys').where('user_id', '=', userId).execute();
  await db.deleteFrom('former_details').where('user_id', '=', userId).execute();
}

/**
 * The sign-in throttle counters of this address and no other (`account:E`, `reset:E`,
 * `signin-link:E`, `signin-link:E|browser`, `pair:client|E`, any case): a key merely holding
 * it (`ab@x.org` holds `b@x.org`) is someone else's, whose limits must stay.
 */
export async function deleteThrottlesOf(db: Q, email: string) {
  const e = email.normalize('NFC').toLowerCase();
  const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const key = folded(db, 'key');
  await db
    .deleteFrom('login_throttle')
    .where((eb) =>
      eb.or([
        eb(key, 'in', [`account:${e}`, `reset:${e}`, `signin-link:${e}`]),
        sql<SqlBool>`${key} like ${`signin-link:${literal(e)}|%`} escape '\\'`,
        sql<SqlBool>`${key} like ${`pair:%|${literal(e)}`} escape '\\'`,
      ]),
    )
    .execute();
}

/** Whether an account other than `userId` holds `email` now (any case). */
export async function addressHeldByAnother(db: Q, email: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where(folded(db, 'email'), '=', email.normalize('NFC').toLowerCase()).where('id', '<>', userId).executeTakeFirst();
  return row !== undefined;
}

/** Their feedback keeps its scores (a session's averages stay right) but loses its comment. */
export async function dropFeedbackComments(db: Q, userId: string) {
  await db.updateTable('feedback').set({ comment: null }).where('user_id', '=', userId).execute();
}

/** Their certificates print the placeholder and are withdrawn (no code checks out to a name any more). */
export async function withdrawCertificates(db: Q, userId: string, name: string, nowIso: string) {
  await db.updateTable('certificates').set({ person_name: name }).where('user_id', '=', userId).execute();
  await db.updateTable('certificates').set({ superseded_at: nowIso }).where('user_id', '=', userId).where('superseded_at', 'is', null).execute();
}

/**
 * Messages to the person: those not yet sent are dropped; every one loses its address and what
 * it said. Theirs: tied to them by id, or sent to `email` (`before`: only those made by
 * then, an address they had until then; mail to it since is someone else's).
 */
export async function scrubOwnMail(db: Q, userId: string, email: string, values: { email: string }, before?: string) {
  const mine = (eb: ExpressionBuilder<Database, 'outbox'>) => {
    const toThem = eb(folded(db, 'to_email'), '=', email.normalize('NFC').toLowerCase());
    return eb.or([eb('user_id', '=', userId), before === undefined ? toThem : eb.and([toThem, eb('created_at', '<=', before)])]);
  };
  await db
    .updateTable('outbox')
    .set({ status: 'dropped', locked_until: null, last_error: 'No longer applies: the person’s personal data was erased' })
    .where(mine)
    .where('status', '=', 'pending')
    .execute();
  await db
    .updateTable('outbox')
    .set({ to_email: values.email, subject: 'Personal data erased', text_body: '', html_body: '', attachments: '{}', reason: null })
    .where(mine)
    .execute();
}

/**
 * Others' messages that may name the person: every message tied to them (they made the change
 * it tells of, it is about a booking of theirs, or about a place they booked for someone else:
 * "Olivia Office booked this place for you"), and the messages of the sessions they took
 * part in that hold their name or address (a trainer's message to everyone booked, say). Not
 * every message ever sent is searched: that would read the whole outbox.
 */
export function mailNaming(db: Q, userId: string, identity: string, texts: readonly string[]) {
  return db
    .selectFrom('outbox')
    .select(['id', 'subject', 'text_body', 'html_body', 'attachments', 'reason', 'created_at'])
    .where((eb) =>
      eb.or([
        eb('acted_by', '=', userId),
        eb('booking_id', 'in', eb.selectFrom('bookings').select('id').where((w) => w.or([w('user_id', '=', userId), w('booked_by', '=', userId)]))),
        eb.and([
          eb('session_id', 'in', sessionsOf(db, userId, identity)),
          eb.or(texts.flatMap((t) => (['subject', 'text_body', 'html_body', 'attachments', 'reason'] as const).map((c) => lowerContains(db, c, t)))),
        ]),
      ]),
    )
    .execute();
}

export async function setMailText(db: Q, id: string, v: { subject: string | null; text_body: string | null; html_body: string | null; attachments: string | null; reason: string | null }) {
  await db.updateTable('outbox').set(v).where('id', '=', id).execute();
}

/** Sessions the person took part in: booked, ran, or captioned or spoke in. */
function sessionsOf(db: Q, userId: string, identity: string) {
  return db
    .selectFrom('bookings')
    .select('session_id')
    .where('user_id', '=', userId)
    .union(db.selectFrom('session_trainers').select('session_id').where('user_id', '=', userId))
    .union(db.selectFrom('caption_segments').select('session_id').where((eb) => eb.or([eb('author_id', '=', userId), eb('speaker_identity', '=', identity)])));
}

/** The reasons given for cancelling sessions they took part in that hold their name or address (a trainer's words, kept with the session). */
export function cancelReasonsNaming(db: Q, userId: string, identity: string, texts: readonly string[]) {
  return db
    .selectFrom('sessions')
    .select(['id', 'cancel_reason', 'cancelled_at'])
    .where('id', 'in', sessionsOf(db, userId, identity))
    .where('cancel_reason', 'is not', null)
    .where((eb) => eb.or(texts.map((t) => lowerContains(db, 'cancel_reason', t))))
    .execute();
}

export async function setCancelReason(db: Q, sessionId: string, reason: string | null) {
  await db.updateTable('sessions').set({ cancel_reason: reason }).where('id', '=', sessionId).execute();
}

/** Caption segments of their sessions that they spoke, or that hold their name or address. */
export function captionsNaming(db: Q, userId: string, identity: string, texts: readonly string[]) {
  return db
    .selectFrom('caption_segments')
    .select(['session_id', 'segment_id', 'text', 'speaker_name', 'speaker_identity', 'created_at'])
    .where('session_id', 'in', sessionsOf(db, userId, identity))
    .where((eb) => eb.or([eb('speaker_identity', '=', identity), ...texts.flatMap((t) => [lowerContains(db, 'text', t), lowerContains(db, 'speaker_name', t)])]))
    .execute();
}

export async function setCaption(db: Q, key: { session_id: string; segment_id: string }, v: { text: string; speaker_name: string | null }) {
  await db.updateTable('caption_segments').set(v).where('session_id', '=', key.session_id).where('segment_id', '=', key.segment_id).execute();
}

/** LiveKit webhooks about the person (their participant name is in the stored body). */
export function liveEventsOf(db: Q, identity: string) {
  return db.selectFrom('live_events').select(['id', 'payload']).where('participant_identity', '=', identity).execute();
}

export async function setLiveEventPayload(db: Q, id: string, payload: string) {
  await db.updateTable('live_events').set({ payload }).where('id', '=', id).execute();
}

/** Register notes on the person's bookings. */
export function overrideNotesOf(db: Q, userId: string) {
  const theirs = db.selectFrom('bookings').select('id').where('user_id', '=', userId);
  return Promise.all([
    db.selectFrom('attendance_overrides').select(['booking_id as id', 'note', 'changed_at']).where('booking_id', 'in', theirs).where('note', 'is not', null).execute(),
    db.selectFrom('attendance_override_log').select(['id', 'note', 'changed_at']).where('booking_id', 'in', theirs).where('note', 'is not', null).execute(),
  ]);
}

export async function setOverrideNote(db: Q, table: 'attendance_overrides' | 'attendance_override_log', id: string, note: string | null) {
  if (table === 'attendance_overrides') await db.updateTable('attendance_overrides').set({ note }).where('booking_id', '=', id).execute();
  else await db.updateTable('attendance_override_log').set({ note }).where('id', '=', id).execute();
}

/** Others' idempotency records (kept 24 hours) whose stored answer holds the name or address (an office's "add a person" answer, say). */
export function idempotencyNaming(db: Q, texts: readonly string[]) {
  return db
    .selectFrom('idempotency_keys')
    .select(['user_id', 'key', 'body', 'outcome', 'created_at'])
    .where((eb) => eb.or(texts.flatMap((t) => [lowerContains(db, 'body', t), lowerContains(db, 'outcome', t)])))
    .execute();
}

export async function setIdempotencyText(db: Q, key: { user_id: string; key: string }, v: { body: string | null; outcome: string | null }) {
  await db.updateTable('idempotency_keys').set(v).where('user_id', '=', key.user_id).where('key', '=', key.key).execute();
}

