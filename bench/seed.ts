/**
 * Seeds benchmark data straight into the database (far faster than through the API): an
 * organisation, staff with live bearer tokens, a trainer, many upcoming online sessions,
 * and one person with 10,000 booked sessions for the calendar feed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import { hashPassword } from '../server/accounts/passwords.js';
import { hashToken } from '../server/accounts/service.js';
import { bookingEndsAt } from '../shared/sessions.js';

export const BENCH_PASSWORD = 'bench password that is long enough';

export interface SeededUser {
  id: string;
  email: string;
  token: string;
}

export interface Seeded {
  orgId: string;
  trainer: SeededUser;
  admin: SeededUser;
  /** Staff who book: each (user, session) pair is booked at most once. */
  bookers: SeededUser[];
  /** Upcoming sessions the bookers book. */
  sessionIds: string[];
  /** People who sign in with BENCH_PASSWORD (hashed at the production scrypt cost). */
  signInEmails: string[];
  /** The person with `feedEvents` booked sessions. */
  feedUser: SeededUser;
  feedSessionIds: string[];
  /** Upcoming sessions start here (the listing asks from this instant). */
  upcomingFrom: string;
  /** Two windows of `listSessions` sessions each: [from, to) for the listing. */
  list: { from: string; to: string; bookingsPerSession: number };
  /** The same, with 20 times the bookings per session. */
  deepList: { from: string; to: string; bookingsPerSession: number };
  /** The launch-morning session (30 seats) and its many distinct would-be attendees. */
  launch: { sessionId: string; capacity: number; staff: SeededUser[] };
}

async function insertChunked<T extends keyof Database>(db: Kysely<Database>, table: T, rows: Record<string, unknown>[], size = 400) {
  for (let i = 0; i < rows.length; i += size) {
    await db.insertInto(table).values(rows.slice(i, i + size) as never).execute();
  }
}

export async function seed(
  db: Kysely<Database>,
  opts: {
    bookers: number;
    sessions: number;
    capacity: number;
    signInUsers: number;
    feedEvents: number;
    passwordCostLog2: number;
    /** Sessions in each listing window, and the bookings each of the first window's has (the second's: 20 times). */
    listSessions?: number;
    listBookings?: number;
    launchStaff?: number;
  },
): Promise<Seeded> {
  const listSessions = opts.listSessions ?? 0;
  const listBookings = opts.listBookings ?? 0;
  const now = new Date().toISOString();
  const orgId = randomUUID();
  await db.insertInto('organisations').values({ id: orgId, name: 'Bench Academy', urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: now }).execute();

  const users: Record<string, unknown>[] = [];
  const tokens: Record<string, unknown>[] = [];
  const makeUser = (role: Role, label: string, passwordHash: string | null = null, org: string | null = orgId): SeededUser => {
    const id = randomUUID();
    const email = `${label}@bench.example.org`;
    users.push({ id, email, name: label, role, org_id: org, password_hash: passwordHash, captioner: 0, time_zone: null, created_at: now, disabled_at: null });
    const token = randomBytes(32).toString('base64url');
    tokens.push({ id: randomUUID(), token_hash: hashToken(token), user_id: id, csrf_token: randomBytes(24).toString('base64url'), created_at: now, expires_at: '2999-01-01T00:00:00.000Z', revoked_at: null });
    return { id, email, token };
  };
  const trainer = makeUser('trainer', 'trainer', null, null);
  const admin = makeUser('admin', 'admin', null, null);
  const bookers = Array.from({ length: opts.bookers }, (_, i) => makeUser('staff', `staff${i}`));
  const hash = await hashPassword(BENCH_PASSWORD, opts.passwordCostLog2);
  const signInEmails = Array.from({ length: opts.signInUsers }, (_, i) => makeUser('staff', `signin${i}`, hash).email);
  const feedUser = makeUser('staff', 'feed');
  const launchStaff = Array.from({ length: opts.launchStaff ?? 0 }, (_, i) => makeUser('staff', `launch${i}`));
  await insertChunked(db, 'users', users);
  await insertChunked(db, 'auth_sessions', tokens);

  const session = (title: string, startsAt: Date, capacity: number) => {
    const id = randomUUID();
    return {
      id,
      course_id: null,
      title,
      description: 'Strategies for supporting pupils with SEND in mainstream classrooms.',
      mode: 'online',
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + 90 * 60_000).toISOString(),
      time_zone: 'Europe/London',
      venue: null,
      capacity_in_person: 0,
      capacity_online: capacity,
      status: 'scheduled',
      booking_closes_at: null,
      waitlist_policy: 'auto',
      offer_hold_minutes: 1440,
      holds_release_at: null,
      room_kind: 'webinar',
      attendance_threshold: 0.75,
      booking_ends_at: bookingEndsAt({ endsAt: new Date(startsAt.getTime() + 90 * 60_000).toISOString(), bookingClosesAt: null }),
      join_opens_minutes: 15,
      revision: 0,
      created_by: trainer.id,
      created_at: now,
      updated_at: now,
      // The stored seat counts (every row lists them: a multi-row insert has one column list).
      confirmed_in_person: 0,
      offered_in_person: 0,
      waiting_in_person: 0,
      confirmed_online: 0,
      offered_online: 0,
      waiting_online: 0,
      last_queue_seq: 0,
    };
  };
  // The feed person's sessions: from next month on, one every five hours (years of them).
  const feedStart = new Date(Date.now() + 30 * 86_400_000);
  feedStart.setUTCMinutes(0, 0, 0);
  // Each has the feed person's one confirmed seat, in the stored counts too.
  const feed = Array.from({ length: opts.feedEvents }, (_, i) => ({ ...session(`Feed session ${i}`, new Date(feedStart.getTime() + i * 5 * 3_600_000), 30), confirmed_online: 1, last_queue_seq: 1 }));
  // The sessions everyone books start after the last of those, one per hour.
  const upcomingStart = new Date(feedStart.getTime() + (opts.feedEvents * 5 + 24) * 3_600_000);
  const upcoming = Array.from({ length: opts.sessions }, (_, i) => session(`Bench session ${i}`, new Date(upcomingStart.getTime() + i * 3_600_000), opts.capacity));
  // Two listing windows after those (a month on): the list sessions, then the deep ones, and
  // the launch session after both. Their bookings and stored counts are written here.
  const listStart = new Date(upcomingStart.getTime() + (opts.sessions + 24 * 30) * 3_600_000);
  const deepStart = new Date(listStart.getTime() + (listSessions + 24) * 3_600_000);
  const deepBookings = listBookings * 20;
  const queued = (id: string, n: number, capacity: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      session_id: id,
      user_id: (i < bookers.length ? bookers[i]! : launchStaff[i - bookers.length]!).id,
      seat: 'online',
      status: i < capacity ? 'confirmed' : 'waitlisted',
      queue_seq: i + 1,
      hold_org_id: null,
      offer_expires_at: null,
      booked_by: null,
      revision: 0,
      created_at: now,
      updated_at: now,
      cancelled_at: null,
    }));
  const withCounts = (title: string, at: Date, capacity: number, n: number) => ({ ...session(title, at, capacity), confirmed_online: Math.min(n, capacity), waiting_online: Math.max(0, n - capacity), last_queue_seq: n });
  const list = Array.from({ length: listSessions }, (_, i) => withCounts(`List session ${i}`, new Date(listStart.getTime() + i * 3_600_000), opts.capacity, listBookings));
  const deep = Array.from({ length: listSessions }, (_, i) => withCounts(`Deep list session ${i}`, new Date(deepStart.getTime() + i * 3_600_000), opts.capacity, deepBookings));
  const launch = session('Launch morning', new Date(deepStart.getTime() + (listSessions + 24) * 3_600_000), 30);
  if (deepBookings > bookers.length + launchStaff.length) throw new Error('seed: not enough distinct people for the deep list');

  await insertChunked(db, 'sessions', [...upcoming, ...feed, ...list, ...deep, launch], 200);
  await insertChunked(db, 'session_trainers', [...upcoming, ...feed, ...list, ...deep, launch].map((s) => ({ session_id: s.id, user_id: trainer.id })));
  await insertChunked(db, 'bookings', [...list.flatMap((s) => queued(s.id, listBookings, opts.capacity)), ...deep.flatMap((s) => queued(s.id, deepBookings, opts.capacity))]);
  await insertChunked(
    db,
    'bookings',
    feed.map((s) => ({
      id: randomUUID(),
      session_id: s.id,
      user_id: feedUser.id,
      seat: 'online',
      status: 'confirmed',
      queue_seq: 1,
      hold_org_id: null,
      offer_expires_at: null,
      booked_by: feedUser.id,
      revision: 0,
      created_at: now,
      updated_at: now,
      cancelled_at: null,
    })),
  );
  return {
    orgId,
    trainer,
    admin,
    bookers,
    sessionIds: upcoming.map((s) => s.id),
    signInEmails,
    feedUser,
    feedSessionIds: feed.map((s) => s.id),
    upcomingFrom: upcomingStart.toISOString(),
    list: { from: listStart.toISOString(), to: new Date(listStart.getTime() + listSessions * 3_600_000).toISOString(), bookingsPerSession: listBookings },
    deepList: { from: deepStart.toISOString(), to: new Date(deepStart.getTime() + listSessions * 3_600_000).toISOString(), bookingsPerSession: deepBookings },
    launch: { sessionId: launch.id, capacity: 30, staff: launchStaff },
  };
}
