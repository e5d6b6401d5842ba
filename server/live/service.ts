/**
 * The live room: who may join and with which LiveKit grants, the trainer's room controls,
 * LiveKit webhooks turned into presence intervals, the polling repair, the browser's own
 * presence reports, and captions.
 */
import { READS_TRANSCRIPT } from '../../shared/bookings.js';
import type { ParticipantInfo, RoomServiceClient } from 'livekit-server-sdk';
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, SessionRow } from '../../db/schema.js';
import { HEARTBEAT_GAP_MS, identityOf, mergeSegment, ROOM_ATTRIBUTES, roomNameOf, sessionIdOfRoom, userIdOfIdentity, type CaptionInput, type JoinResult, type LiveStatus, type RoomRole } from '../../shared/live.js';
import { findUserById, refundThrottle } from '../accounts/repository.js';
import { hit, takeBack, withinLimits } from '../accounts/throttle.js';
import { finaliseSessionIfOver, outcomeDue } from '../attendance/service.js';
import { findActiveBooking, pairKey, pairOfKey } from '../bookings/repository.js';
import { AppError } from '../errors.js';
import { perDatabase, type Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { findSession, isTrainerOf, joinWindow } from '../sessions/repository.js';
import { agentConnected, agentDispatch, callAgentDispatch, callLiveKit, EMPTY_TIMEOUT_SECONDS, MIN_TOKEN_TTL_SECONDS, mintToken, publicUrlOf, receiveWebhook, requireLiveKit, TOKEN_TTL_SECONDS, type WebhookEvent } from './livekit.js';
import { GroupCommit } from '../platform/transactions.js';
import { batchedLookup } from '../platform/batching.js';
import * as repo from './repository.js';
import * as presence from '../attendance/repository.js';
import { toWebVtt } from './vtt.js';
import { beforeStart, wallClock } from '../platform/words.js';

const MINUTE = 60_000;
/** The browser's presence reports and the gap rule that splits them (shared/live.ts, where the browser reads them too). */
export { HEARTBEAT_GAP_MS };
/** Rooms are polled, and late webhooks still finalise attendance, until this long after the end. */
export const AFTER_END_GRACE_MS = 15 * MINUTE;
/** Each live room is polled at most this often, however many processes run the jobs. */
export const REPAIR_EVERY_MS = 30_000;

async function requireSession(deps: Deps, id: string): Promise<SessionRow> {
  const s = await findSession(deps.db, id);
  if (!s) throw new AppError('not_found', 'No such session.');
  return s;
}



function requireJoinWindow(deps: Deps, s: SessionRow) {
  const { opensAt, closesAt } = joinWindow(s);
  const now = deps.now().getTime();
  if (now < opensAt.getTime()) {
    throw new AppError('join_window_closed', `The live room opens at ${wallClock(opensAt, s.time_zone)}, ${beforeStart(s.join_opens_minutes)}.`, { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() });
  }
  if (now >= closesAt.getTime()) {
    throw new AppError('join_window_closed', 'This session has ended, so its live room is closed.', { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() });
  }
}

/**
 * The bookings that are a place in the live room: an online seat, confirmed, or confirmed and
 * since recorded attended or absent. The outcome is written 15 minutes after the end
 * (OUTCOME_GRACE_MS), but nothing closes the room then and LiveKit keeps refreshing its
 * connected clients' tokens: a session that runs over still has its people in the room,
 * and they stay its people (not put out on a reconnect, may raise a hand, be invited to
 * speak, caption) while it runs. Who may come in anew is the join window's to say (join).
 * The one rule: keptOutAmong (repository.ts) says the same in SQL.
 */
const ROOM_PLACE_STATUSES: readonly string[] = repo.ROOM_PLACE_STATUSES;
const holdsRoomPlace = (b: { status: string; seat: string } | undefined): boolean => !!b && b.seat === 'online' && ROOM_PLACE_STATUSES.includes(b.status);

/** How the caller takes part in a session's live room, or null. */
async function liveRole(deps: Deps, s: SessionRow, user: Pick<AuthUser, 'id'>) {
  if (await isTrainerOf(deps.db, s.id, user.id)) return { role: 'trainer' as const, booking: null };
  const booking = await findActiveBooking(deps.db, s.id, user.id);
  if (booking && holdsRoomPlace(booking)) return { role: 'attendee' as const, booking };
  return null;
}

/** The role the room shows for a person: trainers, captioners a trainer assigned to this session, everyone else. */
async function roomRoleOf(deps: Deps, sessionId: string, userId: string, liveRoleOf: 'trainer' | 'attendee'): Promise<RoomRole> {
  if (liveRoleOf === 'trainer') return 'trainer';
  return (await repo.isAssignedCaptioner(deps.db, sessionId, userId)) ? 'captioner' : 'attendee';
}

/** What joining gives a person now: the role the room shows and whether they may publish (a workshop, or a webinar speaker). */
async function standingOf(deps: Deps, s: SessionRow, userId: string, liveRoleOf: 'trainer' | 'attendee') {
  return {
    role: await roomRoleOf(deps, s.id, userId, liveRoleOf),
    canPublish: liveRoleOf === 'trainer' || s.room_kind === 'workshop' || (await repo.isSpeaker(deps.db, s.id, userId)),
  };
}

/**
 * Creates the room with its timeouts, and with the configured speech-to-text agent dispatched
 * to it (LIVEKIT_AGENT_NAME: an agent deployed for explicit dispatch joins only rooms that
 * ask for it). LiveKit answers with the existing room if it is already there.
 *
 * No participant limit is set on it: a room running on a LiveKit node keeps the limit it was
 * created with (CreateRoom answers with the running room, and nothing else changes it), while
 * the session's online seats and trainers may grow under way; a limit taken from them would
 * shut out people booked since. Who may be in the room is this server's to say: only
 * confirmed online attendees and its trainers get join tokens, one identity each, and anyone
 * else LiveKit reports joining is removed (keepOut). LiveKit's own `room.max_participants`,
 * if its operator sets one, still applies.
 */
async function ensureRoom(deps: Deps, s: SessionRow, { withAgent = true }: { withAgent?: boolean } = {}) {
  const lk = requireLiveKit(deps);
  const agents = lk.agentName && withAgent ? [await agentDispatch(lk.agentName, agentMetadata(s.id))] : null;
  await callLiveKit(deps, 'open the room', (c) =>
    c.createRoom({
      name: roomNameOf(s.id),
      emptyTimeout: EMPTY_TIMEOUT_SECONDS,
      departureTimeout: 60,
      // Visible to everyone in the room: the session and its title, never people's ids.
      metadata: JSON.stringify({ sessionId: s.id, title: s.title }),
      ...(agents ? { agents } : {}),
    }),
  );
}

/** Someone a trainer removed, or everyone once the room was ended for all, stays out (trainers excepted). */
async function requireNotKeptOut(deps: Deps, sessionId: string, userId: string) {
  if (await repo.isRemoved(deps.db, sessionId, userId)) {
    throw new AppError('removed_from_room', 'A trainer removed you from this session’s live room, so you cannot join it again unless a trainer lets you back in.');
  }
  if (await repo.roomEnded(deps.db, sessionId)) {
    throw new AppError('room_ended', 'The trainer has ended this session’s live room for everyone.');
  }
}

/**
 * A LiveKit token for a confirmed online attendee or a trainer of the session, during the
 * join window. In a webinar attendees listen and may send data (chat, captions as text
 * streams) unless the trainer made them a speaker; in a workshop everyone may publish.
 * Nobody gets `roomAdmin` or the right to change their own name, metadata or attributes:
 * the trainer's controls and the raised hand go through this server. Someone a trainer
 * removed cannot join again until let back in; after "End for everyone" only trainers can.
 */
export async function join(deps: Deps, actor: AuthUser, sessionId: string): Promise<JoinResult> {
  const s = await requireSession(deps, sessionId);
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled.');
  const who = await liveRole(deps, s, actor);
  if (!who) throw new AppError('not_attendee', 'Only confirmed online attendees and the session’s trainers can join its live room.');
  const lk = requireLiveKit(deps);
  requireJoinWindow(deps, s);
  const trainer = who.role === 'trainer';
  if (!trainer) await requireNotKeptOut(deps, s.id, actor.id);
  await ensureRoom(deps, s);

  const { role: roomRole, canPublish } = await standingOf(deps, s, actor.id, who.role);
  const room = roomNameOf(s.id);
  const identity = identityOf(actor.id);
  // Not usable to connect long after the room closes at the session's end (the usual ten
  // minutes would open it to a new connection up to ten minutes past the end).
  const now = deps.now().getTime();
  const ttlSeconds = Math.max(MIN_TOKEN_TTL_SECONDS, Math.min(TOKEN_TTL_SECONDS, Math.ceil((Date.parse(s.ends_at) - now) / 1000)));
  const token = await mintToken(lk, {
    identity,
    name: actor.name,
    room,
    attributes: { [ROOM_ATTRIBUTES.role]: roomRole },
    grant: { canPublish, canPublishData: true, canSubscribe: true },
    ttlSeconds,
  });
  return {
    serverUrl: publicUrlOf(lk),
    token,
    room,
    identity,
    role: who.role,
    canPublish,
    roomKind: s.room_kind,
    expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
    sessionEndsAt: s.ends_at,
    captionsAgent: !!lk.agentName,
  };
}

/** The caller's view of the live room before joining (no LiveKit call). */
export async function liveStatus(deps: Deps, actor: AuthUser, sessionId: string): Promise<LiveStatus> {
  const s = await requireSession(deps, sessionId);
  const who = await liveRole(deps, s, actor);
  const { opensAt, closesAt } = joinWindow(s);
  const now = deps.now().getTime();
  const attendee = who?.role === 'attendee';
  // What joining would give them, worked out as join does.
  const standing = who ? await standingOf(deps, s, actor.id, who.role) : null;
  const canPublish = standing?.canPublish ?? false;
  return {
    configured: deps.config.livekit !== null,
    role: who?.role ?? null,
    roomKind: s.room_kind,
    opensAt: opensAt.toISOString(),
    closesAt: closesAt.toISOString(),
    open: s.status === 'scheduled' && now >= opensAt.getTime() && now < closesAt.getTime(),
    canPublish,
    canCaption: standing !== null && (standing.role !== 'attendee' || canPublish),
    ended: await repo.roomEnded(deps.db, s.id),
    removed: attendee && (await repo.isRemoved(deps.db, s.id, actor.id)),
    room: roomNameOf(s.id),
    identity: identityOf(actor.id),
  };
}

/** Trainers of the session (and admins) run the room; most controls need LiveKit, the saved decisions do not. */
async function requireRoomHost(deps: Deps, actor: AuthUser, sessionId: string, needsLiveKit = true): Promise<SessionRow> {
  const s = await requireSession(deps, sessionId);
  if (actor.role !== 'admin' && !(await isTrainerOf(deps.db, sessionId, actor.id))) {
    throw new AppError('forbidden', 'Only the session’s trainers can control its live room.');
  }
  if (needsLiveKit) requireLiveKit(deps);
  return s;
}

/** How long LiveKit's answer to whether a room runs is taken as still true (see roomRunning). */
const ROOM_RUNNING_KEPT_MS = 10_000;
/** Per database, per session: LiveKit's last answer (or the question on its way) and when it was asked. */
const roomRunningAnswers = perDatabase(() => new Map<string, { askedMs: number; answer: Promise<boolean> }>());

/**
 * Whether LiveKit runs the session's room now (none without LiveKit). LiveKit not answering is
 * thrown, as callLiveKit's. Asked once for every caption saved while a session runs over, so
 * one answer serves the captions of the next ten seconds (and those asked while it is on its
 * way): a room that closes meanwhile takes captions for ten seconds more at most, and a slow
 * LiveKit does not slow every caption. A failed question is not kept.
 */
async function roomRunning(deps: Deps, sessionId: string): Promise<boolean> {
  if (!deps.config.livekit) return false;
  const answers = roomRunningAnswers(deps);
  const nowMs = deps.now().getTime();
  const kept = answers.get(sessionId);
  if (kept && nowMs - kept.askedMs < ROOM_RUNNING_KEPT_MS && nowMs >= kept.askedMs) return kept.answer;
  const name = roomNameOf(sessionId);
  const answer = callLiveKit(deps, 'find the room', (c) => c.listRooms([name])).then((rooms) => rooms.some((r) => r.name === name));
  if (answers.size > 1000) answers.clear();
  answers.set(sessionId, { askedMs: nowMs, answer });
  answer.catch(() => {
    if (answers.get(sessionId)?.answer === answer) answers.delete(sessionId);
  });
  return answer;
}

/** Runs a LiveKit call on someone's live connection; false when they are not connected just now. */
async function onConnection(deps: Deps, what: string, fn: Parameters<typeof callLiveKit>[2]): Promise<boolean> {
  try {
    await callLiveKit(deps, what, fn);
    return true;
  } catch (e) {
    if (e instanceof AppError && e.code === 'not_found') return false;
    throw e;
  }
}

/**
 * The identity LiveKit knows a participant by. A person's identity is made by identityOf and
 * LiveKit compares identities exactly, so one typed in another letter case (`USER-<ID>`) is
 * put back in that form; any other participant's (an agent's) is used as given.
 */
function roomIdentity(identity: string): string {
  const userId = userIdOfIdentity(identity);
  return userId ? identityOf(userId) : identity;
}

/** LiveKit's ParticipantInfo_State.DISCONNECTED (livekit_models.proto). */
const DISCONNECTED = 3;

/**
 * Whether a participant is in a room now, asked of LiveKit (GetParticipant answers
 * `not_found` for someone not there). LiveKit not answering is thrown, as callLiveKit's.
 */
async function inRoomNow(deps: Deps, room: string, identity: string): Promise<boolean> {
  try {
    const p = await callLiveKit(deps, 'find them in the room', (c) => c.getParticipant(room, identity));
    return Number(p.state) !== DISCONNECTED;
  } catch (e) {
    if (e instanceof AppError && e.code === 'not_found') return false;
    throw e;
  }
}

/**
 * Mutes a participant's published track. Unmuting is asked of LiveKit too, which refuses
 * unless its `room.enable_remote_unmute` is on: then the answer is `unmute_not_allowed`
 * ("they must unmute themselves"), not an outage.
 *
 * LiveKit's MutePublishedTrack, unlike RemoveParticipant and UpdateParticipant, does not
 * look for the participant first: for someone who has just left, the request goes to their
 * connection's RPC topic, which nobody listens on any more, and fails as if LiveKit were
 * down (psrpc's "no response from servers", Twirp `unavailable`), or times out. So a mute
 * that fails so is followed by asking whether they are still in the room: someone gone is
 * told as such; someone still there (or LiveKit not answering that either) is an outage.
 */
export async function muteTrack(deps: Deps, actor: AuthUser, sessionId: string, identity: string, trackSid: string, muted: boolean) {
  await requireRoomHost(deps, actor, sessionId);
  const room = roomNameOf(sessionId);
  const who = roomIdentity(identity);
  let track: Awaited<ReturnType<RoomServiceClient['mutePublishedTrack']>>;
  try {
    track = await callLiveKit(deps, muted ? 'mute that microphone' : 'unmute that microphone', (c) => c.mutePublishedTrack(room, who, trackSid, muted));
  } catch (e) {
    if (e instanceof AppError && e.code === 'livekit_unavailable' && !(await inRoomNow(deps, room, who).catch(() => true))) {
      throw new AppError('not_found', `They have left the room, so there is nothing to ${muted ? 'mute' : 'unmute'}.`);
    }
    throw e;
  }
  if (!track) throw new AppError('not_found', 'That person is no longer sharing that microphone or camera.');
}

/** A person of this session's room named by their identity, who is not one of its trainers. */
async function requireRemovable(deps: Deps, sessionId: string, identity: string): Promise<string | null> {
  const userId = userIdOfIdentity(identity);
  // Not a person (a LiveKit agent, `agent-…`: the speech-to-text agent): removed, it would not
  // come back for the rest of the session (an agent is sent only when the room is made) and
  // captions would stop.
  if (!userId && /^agent-/i.test(identity)) throw new AppError('conflict', 'Only people can be removed from the room: the automatic captions stay (turn captions off on your own screen instead).');
  if (userId && (await isTrainerOf(deps.db, sessionId, userId))) throw new AppError('conflict', 'A trainer of the session cannot be removed from its room.');
  return userId && (await findUserById(deps.db, userId)) ? userId : null;
}

/**
 * Removes a participant. The removal is saved first, so it sticks: they cannot join again
 * until a trainer lets them back (`readmit`). Then they are disconnected if connected.
 */
export async function removeParticipant(deps: Deps, actor: AuthUser, sessionId: string, identity: string): Promise<{ applied: boolean }> {
  await requireRoomHost(deps, actor, sessionId);
  const userId = await requireRemovable(deps, sessionId, identity);
  if (userId) await repo.addRemoval(deps.db, { session_id: sessionId, user_id: userId, removed_by: actor.id, removed_at: deps.now().toISOString() });
  const applied = await onConnection(deps, 'remove that participant', (c) => c.removeParticipant(roomNameOf(sessionId), roomIdentity(identity)));
  if (!userId && !applied) throw new AppError('not_found', 'That participant is not in the room.');
  return { applied };
}

/** Lets a removed person join the room again. */
export async function readmit(deps: Deps, actor: AuthUser, sessionId: string, identity: string) {
  await requireRoomHost(deps, actor, sessionId, false);
  const userId = userIdOfIdentity(identity);
  if (!userId || !(await repo.deleteRemoval(deps.db, sessionId, userId))) throw new AppError('not_found', 'That person was not removed from this room.');
}

export async function removedPeople(deps: Deps, actor: AuthUser, sessionId: string) {
  await requireRoomHost(deps, actor, sessionId, false);
  const rows = await repo.removals(deps.db, sessionId);
  return { items: rows.map((r) => ({ identity: identityOf(r.user_id), name: r.name, removedAt: r.removed_at })) };
}

/** LiveKit permissions of an attendee; never the right to change their own name, metadata or attributes. */
const attendeePermission = (canPublish: boolean) => ({ canSubscribe: true, canPublish, canPublishData: true, canUpdateMetadata: false });

/**
 * Invites a webinar listener to speak (or stops them). Saved first, so a reconnect's new
 * token has the same rights; then applied to the live connection. Permissions replace as
 * a whole. In a workshop everyone may speak, so it is not offered there.
 */
export async function setSpeaker(deps: Deps, actor: AuthUser, sessionId: string, identity: string, speaker: boolean) {
  const s = await requireRoomHost(deps, actor, sessionId);
  if (s.room_kind === 'workshop') throw new AppError('conflict', 'In a workshop everyone may speak, so there is no one to invite or stop. Mute or remove someone instead.');
  const userId = userIdOfIdentity(identity);
  const target = userId ? await findActiveBooking(deps.db, sessionId, userId) : undefined;
  if (!userId || !holdsRoomPlace(target)) throw new AppError('not_found', 'That person does not have an online place at this session, so they cannot be invited to speak.');
  await repo.setSpeaker(deps.db, sessionId, userId, speaker, actor.id, deps.now().toISOString());
  const applied = await onConnection(deps, speaker ? 'let that person speak' : 'stop that person speaking', (c) => c.updateParticipant(roomNameOf(sessionId), identityOf(userId), { permission: attendeePermission(speaker) }));
  return { applied };
}

const notCaptioner = () => new AppError('conflict', 'Only people an administrator made captioners can be assigned to caption a session.');

/**
 * Assigns a booked captioner to caption this session (or takes it back): their captions
 * may then name who is speaking, and the room shows them as the captioner. Saved first;
 * the room's role attribute is updated now when they are connected.
 */
export async function setCaptioner(deps: Deps, actor: AuthUser, sessionId: string, identity: string, assigned: boolean) {
  await requireRoomHost(deps, actor, sessionId, false);
  const userId = userIdOfIdentity(identity);
  const user = userId ? await findUserById(deps.db, userId) : undefined;
  const booking = userId ? await findActiveBooking(deps.db, sessionId, userId) : undefined;
  if (!userId || !user || !booking || !SEATED.includes(booking.status)) throw new AppError('not_found', 'That person does not have a place at this session.');
  // Taking an assignment back is always allowed (their flag may have gone since: the assignment then has no power anyway).
  if (assigned && !user.captioner) throw notCaptioner();
  // Captions come from the live room, which only an online seat is in (saveCaption refuses the rest).
  if (assigned && booking.seat !== 'online') throw new AppError('conflict', `${user.name} has an in-person seat, so they are not in the live room and cannot caption it: only someone with an online seat can.`);
  // Written only while the flag is held, checked again as it is written: an administrator may be removing it now.
  if ((await repo.setCaptioner(deps.db, sessionId, userId, assigned, actor.id, deps.now().toISOString())) !== assigned) throw notCaptioner();
  const role: RoomRole = assigned ? 'captioner' : 'attendee';
  if (!deps.config.livekit) return { applied: false };
  const applied = await onConnection(deps, 'change their role', (c) => c.updateParticipant(roomNameOf(sessionId), identityOf(userId), { attributes: { [ROOM_ATTRIBUTES.role]: role } }));
  return { applied };
}

export async function captioners(deps: Deps, actor: AuthUser, sessionId: string) {
  await requireRoomHost(deps, actor, sessionId, false);
  const rows = await repo.captionerCandidates(deps.db, sessionId);
  return { items: rows.map((r) => ({ identity: identityOf(r.user_id), name: r.name, assigned: r.assigned_at !== null })) };
}

/**
 * Raises or lowers the caller's hand: the server sets the participant attribute with
 * LiveKit's UpdateParticipant (participants cannot set their own attributes).
 */
export async function setHand(deps: Deps, actor: AuthUser, sessionId: string, raised: boolean): Promise<{ raisedAt: string | null }> {
  const s = await requireSession(deps, sessionId);
  if (!(await liveRole(deps, s, actor))) throw new AppError('not_attendee', 'Only the session’s attendees and trainers can raise a hand in its live room.');
  const raisedAt = raised ? deps.now().toISOString() : null;
  const applied = await onConnection(deps, raised ? 'raise your hand' : 'lower your hand', (c) =>
    c.updateParticipant(roomNameOf(sessionId), identityOf(actor.id), { attributes: { [ROOM_ATTRIBUTES.hand]: raisedAt ?? '' } }),
  );
  if (!applied) throw new AppError('not_in_room', 'You are not connected to the live room just now, so your hand could not be raised or lowered.');
  return { raisedAt };
}

/**
 * Ends the live room for everyone. Saved first, so that from now on only trainers can join
 * (until a trainer reopens it); then LiveKit disconnects everyone (room_finished follows).
 */
export async function endRoom(deps: Deps, actor: AuthUser, sessionId: string) {
  await requireRoomHost(deps, actor, sessionId);
  await repo.markRoomEnded(deps.db, { session_id: sessionId, ended_by: actor.id, ended_at: deps.now().toISOString() });
  // No room running (nobody joined, or it closed when empty): ended all the same.
  await onConnection(deps, 'end the room', (c) => c.deleteRoom(roomNameOf(sessionId)));
}

/** What the speech-to-text agent is told about the room it is sent to. */
const agentMetadata = (sessionId: string) => JSON.stringify({ sessionId, transcribe: 'every_speaker' });

/**
 * A trainer's "Start automatic captions": sends the speech-to-text agent (LIVEKIT_AGENT_NAME)
 * to the session's room when none is in it. LiveKit sends an agent only as a room is created,
 * so one that left (its job ended when the person it followed left, say) or failed is not
 * sent back by itself, and captions stop for the rest of the session. `started` is false when
 * an agent was in the room already (nothing sent: two would caption every line twice).
 */
export async function startCaptionsAgent(deps: Deps, actor: AuthUser, sessionId: string): Promise<{ ok: true; started: boolean }> {
  const s = await requireRoomHost(deps, actor, sessionId);
  const lk = requireLiveKit(deps);
  if (!lk.agentName) throw new AppError('conflict', 'Automatic captions have not been set up on this server, so there is nothing to start. Captions can still be typed, or made by each speaker’s browser.');
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled.');
  requireJoinWindow(deps, s);
  if (await agentConnected(deps, roomNameOf(s.id))) return { ok: true, started: false };
  // One agent asked for at a time: a second press, or a co-trainer's, while the first is on
  // its way (an agent takes a few seconds to join) sends no second one, which would caption
  // every line twice. Asked again after AGENT_ASK_MS, should the first never come.
  const asked = { key: `captions-agent:${s.id}`, limit: 1, windowMs: AGENT_ASK_MS };
  if ((await hit(deps, asked)) !== null) {
    await refundThrottle(deps.db, [asked.key]);
    return { ok: true, started: true };
  }
  try {
    // The room is made if it is not there (CreateRoom answers with a running one), without a dispatch of its own: the one below is the only one.
    await ensureRoom(deps, s, { withAgent: false });
    await callAgentDispatch(deps, 'start automatic captions', (c) => c.createDispatch(roomNameOf(s.id), lk.agentName!, { metadata: agentMetadata(s.id) }));
  } catch (e) {
    await takeBack(deps, [asked.key]);
    throw e;
  }
  return { ok: true, started: true };
}

/** How long one "Start automatic captions" stands before another may be sent (an agent joins in seconds). */
const AGENT_ASK_MS = 60_000;

/** Lets attendees join again after "End for everyone". */
export async function reopenRoom(deps: Deps, actor: AuthUser, sessionId: string) {
  await requireRoomHost(deps, actor, sessionId, false);
  await repo.reopenRoom(deps.db, sessionId);
}

// ---------------------------------------------------------------- webhooks

const iso = (ms: number) => new Date(ms).toISOString();

/** When a connection started, from the participant info (joinedAtMs, else joinedAt seconds). */
function joinedAtMs(p: NonNullable<WebhookEvent['participant']>): number | null {
  const ms = Number(p.joinedAtMs ?? 0n);
  if (ms > 0) return ms;
  const s = Number(p.joinedAt ?? 0n);
  return s > 0 ? s * 1000 : null;
}

export interface WebhookOutcome {
  id: string;
  event: string;
  duplicate: boolean;
}

/**
 * Verifies and stores one LiveKit webhook, once per event id, and folds it into presence
 * intervals. Intervals are keyed on participant.sid (one connection) and merged by
 * order-independent rules, so retries, drops and reordering give the same minutes.
 */
export async function receive(deps: Deps, rawBody: string, authorization: string | undefined): Promise<WebhookOutcome> {
  const lk = requireLiveKit(deps);
  const ev = await receiveWebhook(lk, rawBody, authorization, deps.logger);
  const id = ev.id || `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  const nowIso = deps.now().toISOString();
  const createdMs = Number(ev.createdAt ?? 0n) * 1000;
  const occurredMs = createdMs > 0 ? createdMs : deps.now().getTime();
  const applied = await webhookWriter(deps).run({ id, ev, rawBody, nowIso, occurredMs });
  // Only a session past its outcome time is re-finalised (finaliseSessionIfOver reads it
  // again and decides); the status read with the event skips that read for all the others.
  if (applied && (applied.status === null || (applied.status === 'scheduled' && outcomeDue({ ends_at: applied.endsAt! }, deps.now())))) {
    await finaliseSessionIfOver(deps, applied.id);
  }
  // What a reported join calls for is done for a retry too: LiveKit sends an event again only
  // when it was not answered 2xx, which is what happens when this could not be done (the
  // event was stored first). Both steps are the same however often they run.
  const joinedSession = ev.event !== 'participant_joined' || !ev.participant ? null : applied === undefined ? await sessionOfRetriedEvent(deps, ev) : applied?.id;
  // Neither is best effort here: should LiveKit not answer, the webhook is answered 503 and
  // LiveKit sends it again, rather than leaving someone removed in the room.
  if (joinedSession && ev.participant && !(await keepOut(deps, joinedSession, ev.participant.identity, true))) await rightsAsNow(deps, joinedSession, ev.participant);
  return { id, event: ev.event, duplicate: applied === undefined };
}

/** The session of a retried event's room, as its first delivery mapped it (none if it concerned no session). */
async function sessionOfRetriedEvent(deps: Deps, ev: WebhookEvent): Promise<string | null> {
  const sid = ev.room?.sid;
  return sid ? ((await repo.liveRoomSessions(deps.db, [sid])).get(sid) ?? null) : null;
}

/**
 * A reported join whose connection has rights other than the person's now (a trainer's "Stop
 * speaking", or a captioner assignment, made while they were away) is shown as they now are.
 * LiveKit's client reconnects with the token LiveKit last refreshed, not through this server,
 * so a change made while it was away would otherwise be undone by the reconnect. Compared
 * only when LiveKit says what the connection has (it always does; a report without it is
 * left as it is).
 */
async function rightsAsNow(deps: Deps, sessionId: string, p: ParticipantInfo) {
  const userId = userIdOfIdentity(p.identity);
  if (!userId || !p.permission) return;
  const s = await findSession(deps.db, sessionId);
  if (!s) return;
  const standing = await liveRole(deps, s, { id: userId });
  if (!standing || standing.role === 'trainer') return;
  const now = await standingOf(deps, s, userId, standing.role);
  if (p.permission.canPublish === now.canPublish && (p.attributes?.[ROOM_ATTRIBUTES.role] ?? '') === now.role) return;
  // Not best effort: should LiveKit not answer, the webhook is answered 503 and LiveKit sends
  // it again (see receive), rather than leaving them speaking after "Stop speaking".
  await showAsNow(deps, s, userId, 'someone who reconnected', true);
}

/** Whether a person is kept out of a session's room, asked for every reported join: the joins answered in one turn are looked up together. */
const keptOut = perDatabase((deps: Deps) =>
  batchedLookup(async (keys: string[]) => {
    const found = await repo.keptOutAmong(deps.db, keys.map(pairOfKey));
    return new Map(keys.map((k) => [k, found.has(k)]));
  }),
);

/**
 * LiveKit cannot revoke a join token, so someone kept out (removed, every attendee after
 * "End for everyone" or once the session is cancelled, anyone who no longer holds a
 * confirmed online place) could reconnect with a token they still hold until it expires:
 * when LiveKit reports them joining, they are removed again (never one of its trainers).
 * Best effort: a LiveKit failure is logged. Returns whether they are kept out.
 */
async function keepOut(deps: Deps, sessionId: string, identity: string, rethrow = false): Promise<boolean> {
  const userId = userIdOfIdentity(identity);
  if (!userId || !(await keptOut(deps)(pairKey(sessionId, userId)))) return false;
  if (!(await isTrainerOf(deps.db, sessionId, userId))) await disconnect(deps, sessionId, identity, rethrow);
  return true;
}

/**
 * Removes a connection from a session's room, best effort: not connected is fine, a LiveKit
 * failure is logged (and, with `rethrow`, thrown on: a reported join's, for LiveKit to send again).
 */
async function disconnect(deps: Deps, sessionId: string, identity: string, rethrow = false) {
  try {
    await onConnection(deps, 'remove that participant', (c) => c.removeParticipant(roomNameOf(sessionId), identity));
  } catch (e) {
    deps.logger.warn('could not remove a participant who may not join', { sessionId, error: String((e as Error)?.message ?? e) });
    if (rethrow) throw e;
  }
}

/** Whether a session's live room can be open now: scheduled, online seats, from the join window opening until the last poll after the end. */
function roomMayBeOpen(deps: Deps, s: SessionRow) {
  const { opensAt, closesAt } = joinWindow(s);
  const now = deps.now().getTime();
  return deps.config.livekit !== null && s.mode !== 'in_person' && now >= opensAt.getTime() && now < closesAt.getTime() + AFTER_END_GRACE_MS;
}

/**
 * After a change to someone's place or standing has committed (cancelled, taken off the
 * session, moved to another seat, no longer one of its trainers): when the room can be open
 * and they may no longer be in it, they are disconnected now, not only when they next
 * reconnect; when they may, their connection is shown as what they now are. Best effort, as keepOut.
 */
export async function disconnectIfPlaceGone(deps: Deps, change: { sessionId: string; userId: string }) {
  const s = await findSession(deps.db, change.sessionId);
  if (!s || !roomMayBeOpen(deps, s)) return;
  if (await keepOut(deps, s.id, identityOf(change.userId))) return;
  // Still entitled to be in the room: shown as a fresh join would show them now. A trainer
  // taken off the session who holds an online place stays, as the attendee they now are:
  // their join token made them a trainer who may publish, and LiveKit keeps that until told.
  await showAsNow(deps, s, change.userId, 'someone whose place or standing changed');
}

/**
 * Shows someone's live connection as what a fresh join would make them now (the role
 * attribute and the permissions), not only when they next reconnect; nothing for a trainer
 * or someone not entitled to join. Best effort: not connected is fine, a LiveKit failure is
 * logged (and, with `rethrow`, thrown on: a reported join's, for LiveKit to send again).
 */
async function showAsNow(deps: Deps, s: SessionRow, userId: string, who: string, rethrow = false) {
  const standing = await liveRole(deps, s, { id: userId });
  if (!standing || standing.role === 'trainer') return;
  const { role, canPublish } = await standingOf(deps, s, userId, standing.role);
  try {
    await onConnection(deps, 'change their role', (c) => c.updateParticipant(roomNameOf(s.id), identityOf(userId), { attributes: { [ROOM_ATTRIBUTES.role]: role }, permission: attendeePermission(canPublish) }));
  } catch (e) {
    deps.logger.warn(`could not show ${who} as they now are in the live room`, { sessionId: s.id, error: String((e as Error)?.message ?? e) });
    if (rethrow) throw e;
  }
}

/**
 * After an administrator removed someone's captioner flag, which ended their assignments to
 * caption `sessionIds` (accounts/lifecycle.ts): in each of those rooms that can be open now,
 * their connection is shown at once as what a fresh join would make them (the role
 * attribute and the permissions), not only when they next reconnect. Someone without a
 * place in the room now is keepOut's to remove; a trainer was shown as one all along. Best
 * effort: a LiveKit failure is logged, and the other rooms are still done.
 */
export async function showFormerCaptionerAsNow(deps: Deps, change: { userId: string; sessionIds: readonly string[] }) {
  for (const sessionId of change.sessionIds) {
    const s = await findSession(deps.db, sessionId);
    if (s && roomMayBeOpen(deps, s)) await showAsNow(deps, s, change.userId, 'a former captioner');
  }
}

/**
 * After a session's cancellation has committed: its room, if live, is closed, which
 * disconnects everyone (a token still held is refused again by keepOut). Best effort.
 */
export async function sessionCancelled(deps: Deps, sessionId: string) {
  const s = await findSession(deps.db, sessionId);
  if (!s || !roomMayBeOpen(deps, s)) return;
  try {
    await onConnection(deps, 'close the room', (c) => c.deleteRoom(roomNameOf(sessionId)));
  } catch (e) {
    deps.logger.warn('could not close the room of a cancelled session', { sessionId, error: String((e as Error)?.message ?? e) });
  }
}

interface VerifiedWebhook {
  id: string;
  ev: WebhookEvent;
  rawBody: string;
  nowIso: string;
  occurredMs: number;
}

type Applied = AppliedTo | null | undefined;

/** Webhooks are written with group commit (server/platform/transactions.ts), one writer per database. */
const webhookWriter = perDatabase((deps: Deps) => new GroupCommit(deps.db, applyWebhooks));

/**
 * Stores verified webhooks once each and applies them, with a few statements for the whole
 * batch, leaving what applying them one after another in this order would. Each result is
 * undefined when the event id was already stored (a retry), null when the event concerns no
 * known session, else the session it was applied to.
 *
 * One after another, an event stores itself unless its id is stored; maps its room sid, if
 * not yet mapped, to the session its room name names, if that exists (else it concerns no
 * session); and merges into the room's finish time or a presence interval, both merged by
 * order-independent rules. Only the mapping depends on order, so it is worked out in order
 * here; the merges of one interval are combined and written once.
 */
async function applyWebhooks(trx: Transaction<Database>, jobs: VerifiedWebhook[]): Promise<Applied[]> {
  // The first job with an id stores it; later ones with the same id are retries.
  const firstOfId = new Map<string, VerifiedWebhook>();
  for (const j of jobs) if (!firstOfId.has(j.id)) firstOfId.set(j.id, j);
  const stored = await repo.insertEvents(trx, [...firstOfId.values()].map(eventRow));
  const fresh = new Set(stored.map((r) => firstOfId.get(r.id)!));
  // What the database held before this batch, as read with the events.
  const mapped = new Map<string, string>(); // room sid -> session
  const sessions = new Map<string, { status: string; endsAt: string; opensMs: number }>(); // of the events' rooms, that exist
  const people = new Set<string>(); // of the events' identities, that exist
  for (const r of stored) {
    if (r.room_sid && r.room_session) mapped.set(r.room_sid, r.room_session);
    if (r.session_id) {
      const opensMs = Date.parse(r.session_starts_at!) - Number(r.session_join_opens_minutes) * MINUTE;
      sessions.set(r.session_id, { status: r.session_status!, endsAt: r.session_ends_at!, opensMs });
    }
    if (r.user_id) people.add(r.user_id);
  }
  // An event that happened before the session's join window opened is of an earlier sitting
  // (a session moved to other times, whose presence so far was cleared with the move, and
  // LiveKit delivering or retrying that sitting's webhook late): it is stored, and counts
  // for nothing now, neither as a connection nor as LiveKit seeing the room. Nobody can join
  // before the window opens. (A session mapped by another process was not read: applied.)
  const ofEarlierSitting = (j: VerifiedWebhook, sessionId: string) => {
    const state = sessions.get(sessionId);
    return state !== undefined && j.occurredMs < state.opensMs;
  };

  const facts = new Map(jobs.filter((j) => fresh.has(j) && j.ev.room?.sid).map((j) => [j, factsOf(j)] as const));

  // First sightings: an unmapped sid is mapped by the first event of the current sitting whose room name names a session.
  const firstSight = new Map<string, number>(); // room sid -> index of the job
  jobs.forEach((j, i) => {
    const f = facts.get(j);
    if (f && !mapped.has(f.roomSid) && !firstSight.has(f.roomSid) && f.named && sessions.has(f.named) && !ofEarlierSitting(j, f.named)) firstSight.set(f.roomSid, i);
  });
  const namedBy = (i: number) => facts.get(jobs[i]!)!.named!;
  const inserted = await repo.insertLiveRooms(
    trx,
    [...firstSight].map(([sid, i]) => ({ room_sid: sid, room_name: jobs[i]!.ev.room!.name, session_id: namedBy(i), first_seen_at: jobs[i]!.nowIso })),
  );
  // Mapped by someone else meanwhile (another process): that mapping stands.
  const raced = await repo.liveRoomSessions(trx, [...firstSight.keys()].filter((sid) => !inserted.has(sid)));
  for (const [sid, i] of firstSight) mapped.set(sid, raced.get(sid) ?? namedBy(i));

  const finished = new Map<string, string>(); // room sid -> earliest room_finished
  const intervals = new Map<string, { patch: presence.IntervalPatch; createdAt: string; updatedAt: string }>();
  const results = jobs.map((j, i): Applied => {
    if (!fresh.has(j)) return undefined; // a retry of an event already stored
    const f = facts.get(j);
    if (!f) return null; // no room
    // Before the sid's first sighting in this batch, it was not mapped yet.
    const sessionId = (firstSight.get(f.roomSid) ?? -1) > i ? undefined : mapped.get(f.roomSid);
    if (!sessionId || ofEarlierSitting(j, sessionId)) return null;
    // A session mapped by another process was not read: finalising reads it itself.
    const state = sessions.get(sessionId);
    const session: AppliedTo = { id: sessionId, status: state?.status ?? null, endsAt: state?.endsAt ?? null };
    if (j.ev.event === 'room_finished') {
      const at = iso(j.occurredMs);
      const before = finished.get(f.roomSid);
      if (before === undefined || at < before) finished.set(f.roomSid, at);
      return session;
    }
    if (!f.userId || !f.participantSid || !people.has(f.userId)) return session;
    const patch = intervalPatch(j, sessionId, f.userId, f.participantSid, f.roomSid);
    const seen = intervals.get(patch.key);
    intervals.set(patch.key, seen ? { patch: presence.combinePatches(seen.patch, patch), createdAt: seen.createdAt, updatedAt: j.nowIso } : { patch, createdAt: j.nowIso, updatedAt: j.nowIso });
    return session;
  });
  // Sorted, as the other writes are, so that concurrent writers lock rows in the same order.
  for (const [sid, at] of [...finished].sort(([x], [y]) => (x < y ? -1 : 1))) await repo.finishLiveRoom(trx, sid, at);
  await presence.mergeIntervals(trx, [...intervals.values()]);
  return results;
}

function eventRow({ id, ev, rawBody, nowIso, occurredMs }: VerifiedWebhook): Database['live_events'] {
  return {
    id,
    event: ev.event,
    room_sid: ev.room?.sid || null,
    room_name: ev.room?.name || null,
    participant_sid: ev.participant?.sid || null,
    participant_identity: ev.participant?.identity || null,
    occurred_at: iso(occurredMs),
    received_at: nowIso,
    payload: rawBody,
  };
}

/** What an event with a room says: its sid, the session its name names, and for a participant event the connection and person. */
function factsOf({ ev }: VerifiedWebhook) {
  const p = ev.participant;
  const participantSid = p?.sid && PARTICIPANT_EVENTS.has(ev.event) ? p.sid : null;
  return { roomSid: ev.room!.sid, named: sessionIdOfRoom(ev.room!.name), participantSid, userId: participantSid ? userIdOfIdentity(p!.identity) : null };
}

/** The facts a participant event adds to its connection's interval. */
function intervalPatch({ ev, occurredMs }: VerifiedWebhook, sessionId: string, userId: string, key: string, roomSid: string): presence.IntervalPatch {
  const start = joinedAtMs(ev.participant!);
  const base = { sessionId, userId, source: 'livekit' as const, key, roomSid };
  if (ev.event === 'participant_joined') return { ...base, startedAt: start === null ? iso(occurredMs) : iso(start) };
  if (ev.event === 'participant_left') return { ...base, startedAt: start === null ? null : iso(start), leftAt: iso(occurredMs) };
  // A connection that never became active: stored so that it never counts, whichever event came first.
  return { ...base, aborted: true };
}

const PARTICIPANT_EVENTS = new Set(['participant_joined', 'participant_left', 'participant_connection_aborted']);

/** The session a webhook was applied to, with its status and end as read with the event (null: not read). */
interface AppliedTo {
  id: string;
  status: string | null;
  endsAt: string | null;
}

/**
 * Repairs presence from LiveKit's own view while rooms are live: every participant the
 * room lists is present now; a connection we think is open but the room no longer lists
 * has gone (a participant_left may have been dropped). Run from the job loop, which waits
 * for it: so the pass ends at the first sign LiveKit is not answering (each call may take
 * its whole timeout: with hundreds of rooms live, the outbox and everything after would wait
 * minutes), the rooms left for the next pass, and between rooms once `shouldStop` (shutdown).
 */
export async function repairLiveRooms(deps: Deps, shouldStop: () => boolean = () => false): Promise<{ rooms: number; participants: number }> {
  if (!deps.config.livekit) return { rooms: 0, participants: 0 };
  const now = deps.now();
  const sessions = (await repo.sessionsPossiblyLive(deps.db, now.toISOString(), new Date(now.getTime() + 24 * 60 * MINUTE).toISOString(), new Date(now.getTime() - AFTER_END_GRACE_MS).toISOString())).filter(
    (s) => joinWindow(s).opensAt.getTime() <= now.getTime(),
  );
  let rooms = 0;
  let participants = 0;
  for (const s of sessions) {
    if (shouldStop()) break;
    try {
      const n = await repairRoom(deps, s);
      if (n !== null) {
        rooms++;
        participants += n;
      }
    } catch (e) {
      // One room's trouble (a busy database) must not stop the job loop; LiveKit not
      // answering ends this pass (every other room would wait on it too).
      deps.logger.warn('live room repair skipped', { sessionId: s.id, error: String((e as Error)?.message ?? e) });
      if (e instanceof AppError && e.code === 'livekit_unavailable') break;
    }
  }
  return { rooms, participants };
}

/** Polls one session's room; the number of people it lists, or null when there is no room (or another process polled it just now). */
async function repairRoom(deps: Deps, s: SessionRow): Promise<number | null> {
  const name = roomNameOf(s.id);
  const pollIso = deps.now().toISOString();
  if (!(await repo.claimPoll(deps.db, s.id, pollIso, new Date(deps.now().getTime() - REPAIR_EVERY_MS).toISOString()))) return null;
  const listed = await listRoom(deps, name);
  let participants = 0;
  const seen = new Set<string>();
  if (listed) {
    const { room, people } = listed;
    // Someone kept out (keepOut) whose join LiveKit never reported, back with a token they
    // still held, is put out now, as a reported join would be, and their time is not counted.
    const connected = [...new Set(people.filter((p) => Number(p.state) !== 3).map((p) => userIdOfIdentity(p.identity)).filter((id): id is string => !!id))];
    const found = await repo.keptOutAmong(deps.db, connected.map((userId) => ({ sessionId: s.id, userId })));
    const keptOutIds = new Set<string>();
    for (const userId of connected) {
      if (found.has(pairKey(s.id, userId)) && !(await isTrainerOf(deps.db, s.id, userId))) keptOutIds.add(userId);
    }
    for (const userId of keptOutIds) await disconnect(deps, s.id, identityOf(userId));
    await deps.db.transaction().execute(async (trx) => {
      await repo.ensureLiveRoom(trx, { room_sid: room.sid, room_name: room.name, session_id: s.id, first_seen_at: pollIso });
      // By sid, the order webhook batches lock intervals in (no deadlock between them on PostgreSQL).
      for (const p of [...people].sort((x, y) => (x.sid < y.sid ? -1 : x.sid > y.sid ? 1 : 0))) {
        const userId = userIdOfIdentity(p.identity);
        // ParticipantInfo_State: JOINING 0, JOINED 1, ACTIVE 2, DISCONNECTED 3. Only ACTIVE is in
        // the session: LiveKit reports participant_joined only then, and a connection whose media
        // never got through (a school network blocking it) stays JOINING or JOINED until it is
        // aborted; should that webhook be lost, its minutes must not count.
        if (!userId || Number(p.state) !== 2 || keptOutIds.has(userId) || !(await findUserById(trx, userId))) continue;
        const start = joinedAtMs(p);
        seen.add(p.sid);
        participants++;
        await presence.mergeInterval(trx, { sessionId: s.id, userId, source: 'livekit', key: p.sid, roomSid: room.sid, startedAt: start === null ? pollIso : iso(start), seenAt: pollIso }, pollIso);
      }
    });
  }
  for (const open of await repo.openLivekitIntervals(deps.db, s.id)) {
    if (seen.has(open.key) || open.created_at >= pollIso) continue;
    const alreadyGone = open.gone_at !== null && (open.seen_at === null || open.gone_at > open.seen_at);
    if (!alreadyGone) await repo.markGone(deps.db, open.id, pollIso);
  }
  return listed ? participants : null;
}

async function listRoom(deps: Deps, name: string) {
  const found = await callLiveKit(deps, 'list rooms', (c) => c.listRooms([name]));
  const room = found.find((r) => r.name === name);
  if (!room) return null;
  const people = await callLiveKit(deps, 'list participants', (c) => c.listParticipants(name));
  return { room, people };
}

// ---------------------------------------------------------------- client presence

/**
 * The browser's own presence reports (join, a heartbeat every 30 s, leave). They are a
 * fallback: attendance uses them only for a booking with no LiveKit data (see
 * attendance/compute.ts `combine`). Trainers' reports are accepted and not stored.
 */
export async function reportPresence(deps: Deps, actor: AuthUser, sessionId: string, event: 'join' | 'heartbeat' | 'leave'): Promise<{ stored: boolean }> {
  // Without LiveKit no room can be entered: a browser's word that it is in one is not attendance.
  requireLiveKit(deps);
  const s = await requireSession(deps, sessionId);
  const who = await liveRole(deps, s, actor);
  if (!who) throw new AppError('not_attendee', 'Only confirmed online attendees report presence in the live room.');
  requireJoinWindow(deps, s);
  if (who.role === 'trainer') return { stored: false };
  // Someone kept out of the room is not present in it, whatever their browser says: only
  // their leaving is still taken (it can only end presence).
  if (event !== 'leave') await requireNotKeptOut(deps, s.id, actor.id);
  const now = deps.now();
  const nowIso = now.toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const last = await repo.latestClientInterval(trx, s.id, actor.id);
    // Heard from within the heartbeat gap: a gap that short is presence carried on (attendance/compute.ts).
    const recent = last && last.seen_at !== null && Date.parse(last.seen_at) >= now.getTime() - HEARTBEAT_GAP_MS;
    if (event === 'leave') {
      if (recent && last.left_at === null) await repo.updateClientInterval(trx, last.id, { seen_at: nowIso, left_at: nowIso });
    } else if (recent) {
      // Back (a reload, a reconnect) within the gap of leaving: the same interval again, not a
      // new one. So a person makes at most one interval per heartbeat gap however often their
      // browser (or a script) says join and leave, and the report reading them stays small.
      await repo.updateClientInterval(trx, last.id, { seen_at: nowIso, left_at: null });
    } else {
      await repo.insertClientInterval(trx, s.id, actor.id, nowIso);
    }
  });
  return { stored: true };
}

// ---------------------------------------------------------------- captions

const SEATED = ['confirmed', 'attended', 'absent'];

/**
 * What one session's transcript may hold, as caption segments (interim or final) and their
 * characters. Its trainers' captions (with the speech-to-text agent's, which a trainer's
 * browser stores) have MAX_CAPTION_SEGMENTS and MAX_CAPTION_CHARS to themselves: what
 * anyone else saves never counts against them. Everyone else together may add at most
 * MAX_OTHERS_CAPTION_*, and each of them at most MAX_AUTHOR_CAPTION_* (an assigned
 * captioner, who captions every speaker, MAX_CAPTIONER_CAPTION_*), so no one attendee can
 * fill the transcript or starve the others. A six-hour day, captioned by an agent and two
 * speakers, stays well under all of them; without them one attendee could make the
 * transcript any size, and every reader pays for it.
 */
export const MAX_CAPTION_SEGMENTS = 20_000;
export const MAX_CAPTION_CHARS = 2_000_000;
export const MAX_OTHERS_CAPTION_SEGMENTS = 10_000;
export const MAX_OTHERS_CAPTION_CHARS = 1_000_000;
/** About three hours of one person's continuous speech (at about 150 words a minute). */
export const MAX_AUTHOR_CAPTION_SEGMENTS = 2_000;
export const MAX_AUTHOR_CAPTION_CHARS = 150_000;
/** A whole day typed by a human captioner. */
export const MAX_CAPTIONER_CAPTION_SEGMENTS = 5_000;
export const MAX_CAPTIONER_CAPTION_CHARS = 400_000;

const toIso = (m: string | number | undefined, fallback: Date) => (m === undefined ? fallback.toISOString() : new Date(m).toISOString());
const count = (n: number) => n.toLocaleString('en-GB');

/** Refuses a caption that would take a pool of the transcript past its limits. */
function requireRoom(use: repo.CaptionUse, added: { segments: number; chars: number }, max: { segments: number; chars: number }, message: (max: string) => string) {
  if ((added.segments > 0 && use.segments + added.segments > max.segments) || (added.chars > 0 && use.chars + added.chars > max.chars)) {
    throw new AppError('conflict', message(`at most ${count(max.segments)} captions and ${count(max.chars)} characters`), { maxSegments: max.segments, maxChars: max.chars });
  }
}

/**
 * The person a trainer's or an assigned captioner's caption names as its speaker must be in
 * the session: one of its trainers or someone with a place. Any other participant's
 * identity (a speech-to-text agent speaking for itself) names no person and is kept as given.
 */
async function requireCaptionSpeaker(deps: Deps, sessionId: string, speakerIdentity: string): Promise<void> {
  const userId = userIdOfIdentity(speakerIdentity);
  if (!userId || (await isTrainerOf(deps.db, sessionId, userId))) return;
  const booking = await findActiveBooking(deps.db, sessionId, userId);
  if (booking && SEATED.includes(booking.status)) return;
  throw new AppError('validation_failed', 'The speaker named is neither a trainer nor someone with a place at this session.', {
    issues: [{ path: 'speakerIdentity', message: 'names no trainer or attendee of this session' }],
  });
}

/**
 * Stores a caption segment. Trainers, and captioners a trainer assigned to the session (who
 * still hold the captioner flag), caption anyone (a trainer also stores what a
 * speech-to-text agent said, naming the speaker). A captioner not assigned, and in a
 * workshop or once invited to speak a confirmed attendee, caption only their own words:
 * their text is stored as theirs. Anyone but a trainer is refused, as joining is, once a
 * trainer removed them or ended the room for everyone, and names their segments
 * `user-<their id>-…` (as the web client does), so no one can take another's segment id
 * first. The same segment id replaces the earlier text, except that a late interim never
 * replaces a final, and only the segment's author or a trainer may replace it. Limits: see
 * MAX_CAPTION_SEGMENTS; someone not a trainer keeps one unfinished segment at a time.
 */
export async function saveCaption(deps: Deps, actor: AuthUser, sessionId: string, input: CaptionInput) {
  const s = await requireSession(deps, sessionId);
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled.');
  const trainer = await isTrainerOf(deps.db, sessionId, actor.id);
  const booking = trainer ? undefined : await findActiveBooking(deps.db, sessionId, actor.id);
  // Captions come from the live room: only an online seat is in it (an in-person one on a
  // hybrid session is not, whatever flags or assignments the person has).
  const booked = holdsRoomPlace(booking);
  const self = identityOf(actor.id);
  // Compared and stored in the one form identityOf makes, as the room actions use it.
  let speakerIdentity = input.speakerIdentity ? roomIdentity(input.speakerIdentity) : null;
  const assigned = booked && (await repo.isAssignedCaptioner(deps.db, sessionId, actor.id));
  const speaker = booked && (s.room_kind === 'workshop' || (await repo.isSpeaker(deps.db, sessionId, actor.id)));
  if (trainer || assigned) {
    if (!speakerIdentity && trainer) speakerIdentity = self;
    else if (speakerIdentity && speakerIdentity !== self) await requireCaptionSpeaker(deps, sessionId, speakerIdentity);
  } else if (actor.captioner && booked) {
    // Not assigned to this session by a trainer: the words show as the captioner's own.
    speakerIdentity = self;
  } else if (speaker) {
    if (speakerIdentity && speakerIdentity !== self) throw new AppError('forbidden', 'You can only caption your own speech.');
    speakerIdentity = self;
  } else {
    throw new AppError('forbidden', 'Only the trainer, a captioner or a speaker can publish captions for this session.');
  }
  if (!trainer) {
    await requireNotKeptOut(deps, sessionId, actor.id);
    // Segment ids travel to everyone in the room: one not bound to its author could be taken first.
    if (!input.segmentId.startsWith(`${self}-`)) {
      throw new AppError('validation_failed', `A caption’s segment id must begin with your own identity (“${self}-”), as the room page makes them.`, { issues: [{ path: 'segmentId', message: `must begin with ${self}-` }] });
    }
  }
  // Captions come from the live room, so they are taken while it can be open: from the join
  // window opening until the rooms are last polled after the end (a last segment arrives
  // late), and after that while LiveKit still runs the room (a session running over: nothing
  // closes the room at the end, and LiveKit keeps its people's connections going; it closes
  // the room a minute after the last one leaves). LiveKit is asked only then.
  const { opensAt, closesAt } = joinWindow(s);
  const nowMs = deps.now().getTime();
  const overrun = nowMs >= closesAt.getTime() + AFTER_END_GRACE_MS;
  if (nowMs < opensAt.getTime() || (overrun && !(await roomRunning(deps, s.id)))) {
    const when = nowMs < opensAt.getTime() ? `The live room opens at ${wallClock(opensAt, s.time_zone)}` : 'This session has ended';
    throw new AppError('join_window_closed', `${when}: captions are saved only while its live room can be open.`, { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() });
  }
  const speakerUserId = speakerIdentity ? userIdOfIdentity(speakerIdentity) : null;
  const speakerName = speakerUserId ? ((await findUserById(deps.db, speakerUserId))?.name ?? null) : null;
  const now = deps.now();
  const incoming = {
    segmentId: input.segmentId,
    text: input.text,
    final: input.final,
    startedAt: toIso(input.startedAt, now),
    endedAt: input.endedAt !== undefined ? toIso(input.endedAt, now) : input.final ? now.toISOString() : null,
    speakerIdentity,
  };
  const save = () => deps.db.transaction().execute(async (trx) => {
    await repo.lockTranscript(trx, deps.dbKind, sessionId);
    const existing = await repo.findCaptionForUpdate(trx, deps.dbKind, sessionId, input.segmentId);
    if (existing && existing.author_id !== actor.id && !trainer) {
      throw new AppError('forbidden', 'Someone else wrote this caption, so only they or a trainer can change it.');
    }
    const before = existing && { segmentId: existing.segment_id, text: existing.text, final: existing.final === 1, startedAt: existing.started_at, endedAt: existing.ended_at, speakerIdentity: existing.speaker_identity };
    const kept = before ? mergeSegment(before, incoming) : incoming;
    if (kept !== before) {
      // A person speaks or types one line at a time: their new segment ends any other they
      // left unfinished, so interim text (never in the transcript) cannot pile up unseen.
      if (!trainer) await repo.dropInterimCaptions(trx, sessionId, actor.id, input.segmentId);
      const use = await repo.captionUsage(trx, sessionId, actor.id);
      // What this write adds to its author's pool (a trainer's rewrite moves the segment into the trainers').
      const movesPool = !!existing && existing.author_id !== actor.id;
      const added = { segments: existing && !movesPool ? 0 : 1, chars: kept.text.length - (existing && !movesPool ? existing.text.length : 0) };
      if (trainer) {
        requireRoom(use.trainers, added, { segments: MAX_CAPTION_SEGMENTS, chars: MAX_CAPTION_CHARS }, (max) => `This session’s transcript is full (${max}), so no more captions can be saved for it.`);
      } else {
        const own = assigned ? { segments: MAX_CAPTIONER_CAPTION_SEGMENTS, chars: MAX_CAPTIONER_CAPTION_CHARS } : { segments: MAX_AUTHOR_CAPTION_SEGMENTS, chars: MAX_AUTHOR_CAPTION_CHARS };
        requireRoom(use.author, added, own, (max) => `You have used the captions one person may save for this session (${max}), so no more of yours can be saved; the trainers’ captions are still saved.`);
        requireRoom(use.others, added, { segments: MAX_OTHERS_CAPTION_SEGMENTS, chars: MAX_OTHERS_CAPTION_CHARS }, (max) => `Attendees’ and captioners’ captions have filled their part of this session’s transcript (${max} between them), so no more can be saved; the trainers’ captions are still saved.`);
      }
      await repo.upsertCaption(trx, {
        session_id: sessionId,
        segment_id: kept.segmentId,
        text: kept.text,
        final: kept.final ? 1 : 0,
        started_at: kept.startedAt ?? now.toISOString(),
        ended_at: kept.endedAt ?? null,
        speaker_identity: kept.speakerIdentity ?? null,
        speaker_name: speakerName,
        author_id: actor.id,
        created_at: existing?.created_at ?? now.toISOString(),
        updated_at: now.toISOString(),
      });
    }
    const row = (await repo.findCaptionForUpdate(trx, deps.dbKind, sessionId, input.segmentId))!;
    return { segmentId: row.segment_id, final: row.final === 1, text: row.text, startedAt: row.started_at, endedAt: row.ended_at, speakerIdentity: row.speaker_identity, speakerName: row.speaker_name };
  });
  // Each write holds the transcript's lock and counts the session's captions, and rewriting one
  // unfinished segment adds nothing to its author's share of the transcript: so an attendee's
  // or captioner's writes are counted too, per session, generously for a person speaking or
  // typing (the room saves each finished line once). The session's trainers, who also save
  // the automatic captions of everyone, are not.
  if (trainer) return save();
  return withinLimits(deps, [{ key: `captions:${sessionId}:${actor.id}`, limit: MAX_CAPTION_WRITES_PER_MINUTE, windowMs: 60_000, what: 'captions saved by you for this session' }], save);
}

/** Caption writes an attendee or captioner may make to one session in a minute (trainers are not counted). */
export const MAX_CAPTION_WRITES_PER_MINUTE = 120;

/** The transcript (final segments) as WebVTT, for the session's attendees and trainers. */
export async function transcriptVtt(deps: Deps, actor: AuthUser, sessionId: string): Promise<{ vtt: string; filename: string }> {
  const s = await requireSession(deps, sessionId);
  if (actor.role !== 'admin' && !(await isTrainerOf(deps.db, sessionId, actor.id))) {
    const b = await findActiveBooking(deps.db, sessionId, actor.id);
    if (!b || !READS_TRANSCRIPT.includes(b.status)) throw new AppError('forbidden', 'Only the session’s attendees and trainers can read its transcript.');
  }
  const segments = await repo.finalCaptions(deps.db, sessionId);
  const vtt = toWebVtt(
    segments.map((c) => ({ text: c.text, startedAt: Date.parse(c.started_at), endedAt: c.ended_at ? Date.parse(c.ended_at) : null, speakerName: c.speaker_name })),
    Date.parse(s.starts_at),
    s.title,
  );
  return { vtt, filename: `transcript-${s.id}.vtt` };
}
