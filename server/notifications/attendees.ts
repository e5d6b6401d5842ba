/**
 * A trainer's message to a session's people. Each person gets it once, as a notice in the
 * outbox (delivered and retried like every other), with the session's details and a link
 * to their booking; the text travels as the notice's `reason`.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { withinLimits } from '../accounts/throttle.js';
import { activeBookingsOfSession, lockSession, seatedBookingsOfSession, turnedOffOnSession } from '../bookings/repository.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { writeTransaction } from '../platform/transactions.js';
import { enqueue } from './outbox.js';

/** How many messages a session's people may be sent in an hour: each goes to everyone on it. */
export const MESSAGE_LIMIT = { perSession: 10, windowMs: 60 * 60_000 } as const;

/** A message from `actorId` (a trainer or in-house lead of the session, an administrator) to a session's people (see messageAttendees), counted per session (429 past MESSAGE_LIMIT; a message refused is not counted). */
export async function sendMessage(deps: Deps, actorId: string, sessionId: string, text: string, includeWaiting: boolean): Promise<number> {
  const counter = { key: `message:${sessionId}`, limit: MESSAGE_LIMIT.perSession, windowMs: MESSAGE_LIMIT.windowMs, what: 'messages to this session’s people' };
  return withinLimits(deps, [counter], () => writeTransaction(deps, (trx) => messageAttendees(trx, deps, actorId, sessionId, text, includeWaiting)));
}

/**
 * Writes one `trainer_message` notice per person booked or offered (and waiting, if asked),
 * accounts turned off aside; returns how many. Once the session has ended the message is a
 * follow-up to the people who had a place (booked, attended or absent, as the register has
 * it by then): no one waits or is offered a seat on a session that is over, so asking to
 * write to those waiting is refused (409 `session_ended`).
 */
export async function messageAttendees(trx: Transaction<Database>, deps: Deps, actorId: string, sessionId: string, text: string, includeWaiting: boolean): Promise<number> {
  const s = await lockSession(trx, deps.dbKind, sessionId);
  if (!s) throw new AppError('not_found', 'No such session.');
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled; its people have already been told.');
  const ended = deps.now().toISOString() >= s.ends_at;
  if (ended && includeWaiting) {
    throw new AppError('session_ended', 'This session has ended, so no one is waiting for a place on it: a message now goes to the people who had a place. Send it again without those waiting.');
  }
  const messageId = randomUUID();
  const active = ended ? await seatedBookingsOfSession(trx, sessionId) : (await activeBookingsOfSession(trx, sessionId)).filter((b) => b.status !== 'waitlisted' || includeWaiting);
  // A place on a session already over stands after its owner's account is turned off (only
  // places still to come are given up): someone who has left is not written to.
  // Read by a join, not a list of every id (SQLite takes at most 32,766 in one statement).
  const off = await turnedOffOnSession(trx, sessionId);
  const people = active.filter((b) => !off.has(b.user_id));
  // One place per person and session (invariant 2), and a key per message and person besides.
  // Who wrote it (`actedBy`) is named in it: a trainer, an in-house lead or an administrator.
  for (const b of people) await enqueue(trx, deps, 'trainer_message', b.id, { reason: text, actedBy: actorId, dedupeKey: `message:${messageId}:${b.user_id}` });
  return people.length;
}
