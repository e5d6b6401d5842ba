import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import type { BookingStatus } from '../../db/schema.js';
import { openTestDb } from '../../test/helpers.js';
import { calendarRowsPage, runningRowsPage, type Cursor, type RowFilter, type RunningCursor, type Scope } from './repository.js';
import { bookingEndsOf } from '../bookings/repository.js';

// Feeds stream page by page (keyset on start, booking id). Whatever the page size, the pages
// together must be exactly the rows of one big read: none lost or repeated at a page edge,
// even where starts tie or where rows a page skips (superseded bookings) sit at the edge.
let h: Db;
let orgId: string;
let people: string[];
type Booking = { id: string; session_id: string; user_id: string; status: BookingStatus; queue_seq: number; cancelled_at: string | null };
let bookings: Booking[];
let starts: Map<string, string>;

beforeAll(async () => {
  h = await openTestDb();
  const t = '2026-01-01T00:00:00.000Z';
  orgId = randomUUID();
  await h.db.insertInto('organisations').values({ id: orgId, name: 'O', urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: t }).execute();
  people = [randomUUID(), randomUUID(), randomUUID()];
  await h.db
    .insertInto('users')
    .values(people.map((id, i) => ({ id, email: `p${i}@example.org`, name: `P ${i}`, role: 'staff' as const, org_id: orgId, password_hash: null, captioner: 0, time_zone: null, created_at: t, disabled_at: null })))
    .execute();
  starts = new Map();
  const sessions = Array.from({ length: 12 }, (_, i) => {
    // Three sessions share each start, so pages often end inside a tie.
    const start = new Date(Date.UTC(2027, 0, 1 + Math.floor(i / 3), 9));
    const id = randomUUID();
    starts.set(id, start.toISOString());
    return {
      id, course_id: null, title: `S${i}`, description: '', mode: 'online' as const, starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3_600_000).toISOString(),
      time_zone: 'Europe/London', venue: null, capacity_in_person: 0, capacity_online: 10, status: 'scheduled' as const, booking_closes_at: null, waitlist_policy: 'auto' as const,
      offer_hold_minutes: 1440, holds_release_at: null, room_kind: 'webinar' as const, attendance_threshold: 0.75, join_opens_minutes: 15, revision: 0, created_by: null, created_at: t, updated_at: t,
    };
  });
  await h.db.insertInto('sessions').values(sessions.map((s) => ({ ...s, booking_ends_at: bookingEndsOf(s) }))).execute();
  bookings = [];
  sessions.forEach((s, i) => {
    let seq = 0;
    people.forEach((user, j) => {
      // Some people cancelled and booked again (the earlier booking is superseded), some only cancelled.
      const chain = (i + j) % 3;
      for (let k = 0; k <= chain; k++) {
        const last = k === chain;
        const status: BookingStatus = last ? (['confirmed', 'cancelled', 'waitlisted'] as const)[(i * 2 + j) % 3]! : 'cancelled';
        bookings.push({ id: randomUUID(), session_id: s.id, user_id: user, status, queue_seq: ++seq, cancelled_at: status === 'cancelled' ? `2026-0${1 + ((i + k) % 6)}-15T00:00:00.000Z` : null });
      }
    });
  });
  await h.db
    .insertInto('bookings')
    .values(bookings.map((b) => ({ ...b, seat: 'online' as const, hold_org_id: null, offer_expires_at: null, booked_by: b.user_id, revision: 0, created_at: t, updated_at: t })))
    .execute();
});
afterAll(() => h.close());

/** Every page in turn; `byKeyset` drops the order a walk carries, so each page is found by keyset. */
async function walk(scope: Scope, f: RowFilter, limit: number, byKeyset = false) {
  const ids: string[] = [];
  let cursor: Cursor | null = null;
  do {
    const page: Awaited<ReturnType<typeof calendarRowsPage>> = await calendarRowsPage(h.db, scope, f, cursor, limit);
    ids.push(...page.rows.map((r) => r.bookingId));
    cursor = page.next && byKeyset ? { startsAt: page.next.startsAt, bookingId: page.next.bookingId } : page.next;
  } while (cursor);
  return ids;
}

/** The same rows worked out here from the inserted bookings. */
function expected(scope: Scope, f: RowFilter) {
  return bookings
    .filter((b) => ('userId' in scope ? b.user_id === scope.userId : true))
    .filter((b) => !f.latestOnly || !bookings.some((n) => n.session_id === b.session_id && n.user_id === b.user_id && n.queue_seq > b.queue_seq))
    .filter((b) => !f.cancelledAfter || b.status !== 'cancelled' || b.cancelled_at! > f.cancelledAfter)
    .sort((a, b) => (starts.get(a.session_id)! < starts.get(b.session_id)! ? -1 : starts.get(a.session_id)! > starts.get(b.session_id)! ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((b) => b.id);
}

describe('calendar pages', () => {
  const filters: RowFilter[] = [{}, { latestOnly: true }, { latestOnly: true, cancelledAfter: '2026-03-01T00:00:00.000Z' }];
  it('together hold every row once, in order, whatever the page size', async () => {
    const scopes: Scope[] = [{ orgIds: [orgId], viewer: { kind: 'all' } }, { userId: people[1]!, viewer: { kind: 'all' } }];
    for (const s of scopes) {
      for (const f of filters) {
        const want = expected(s, f);
        expect(want.length).toBeGreaterThan(3);
        for (const limit of [1, 2, 3, 5, 1000]) {
          expect(await walk(s, f, limit)).toEqual(want);
          expect(await walk(s, f, limit, true)).toEqual(want);
        }
      }
    }
  });
});

describe('pages of the sessions a person runs', () => {
  it('together hold every session they run once, in (start, id) order, whatever the page size; cancelled ones only while newer than the cut-off; their bookings on them left out of their feed', async () => {
    const trainer = people[2]!;
    await h.db.updateTable('users').set({ role: 'trainer' }).where('id', '=', trainer).execute();
    // Named on the first nine sessions (starts tie in threes); three of them cancelled at different times.
    const ids = [...starts.keys()];
    const run = ids.slice(0, 9);
    await h.db.insertInto('session_trainers').values(run.map((session_id) => ({ session_id, user_id: trainer }))).execute();
    const cancelledAt = new Map([[run[1]!, '2026-02-01T00:00:00.000Z'], [run[4]!, '2026-04-01T00:00:00.000Z'], [run[8]!, '2026-05-01T00:00:00.000Z']]);
    for (const [id, at] of cancelledAt) await h.db.updateTable('sessions').set({ status: 'cancelled', updated_at: at }).where('id', '=', id).execute();
    const byStart = (a: string, b: string) => (starts.get(a)! < starts.get(b)! ? -1 : starts.get(a)! > starts.get(b)! ? 1 : a < b ? -1 : a > b ? 1 : 0);
    for (const f of [{}, { cancelledAfter: '2026-03-01T00:00:00.000Z' }] as RowFilter[]) {
      const want = run.filter((id) => !f.cancelledAfter || !cancelledAt.has(id) || cancelledAt.get(id)! > f.cancelledAfter).sort(byStart);
      for (const limit of [1, 2, 3, 5, 1000]) {
        const got: string[] = [];
        let cursor: RunningCursor | null = null;
        do {
          const page: Awaited<ReturnType<typeof runningRowsPage>> = await runningRowsPage(h.db, trainer, f, cursor, limit);
          expect(page.rows.length).toBeLessThanOrEqual(limit);
          got.push(...page.rows.map((r) => r.sessionId));
          cursor = page.next;
        } while (cursor);
        expect(got).toEqual(want);
      }
    }
    // Their feed's bookings leave out the sessions they run (one event each, the one of running it).
    const booked = new Set(bookings.filter((b) => b.user_id === trainer).map((b) => b.session_id));
    const feed = (await calendarRowsPage(h.db, { userId: trainer, trainer: true, viewer: { kind: 'all' } }, {}, null, 1000)).rows.map((r) => r.sessionId);
    expect(new Set(feed)).toEqual(new Set([...booked].filter((id) => !run.includes(id))));
  });
});

describe('a walk of the sessions a person runs, while they change', () => {
  it('holds each session once, in the order read when it began, however sessions move between its pages meanwhile', async () => {
    // A trainer of their own, on sessions of their own, so the walks above are not touched.
    const trainer = randomUUID();
    const t = '2026-01-01T00:00:00.000Z';
    await h.db
      .insertInto('users')
      .values({ id: trainer, email: 'walker@example.org', name: 'Walker', role: 'trainer', org_id: null, password_hash: null, captioner: 0, time_zone: null, created_at: t, disabled_at: null })
      .execute();
    const day = (d: number) => new Date(Date.UTC(2028, 0, d, 9)).toISOString();
    const run = Array.from({ length: 6 }, (_, i) => ({
      id: randomUUID(), course_id: null, title: `R${i}`, description: '', mode: 'online' as const, starts_at: day(2 + i), ends_at: new Date(Date.parse(day(2 + i)) + 3_600_000).toISOString(),
      time_zone: 'Europe/London', venue: null, capacity_in_person: 0, capacity_online: 10, status: 'scheduled' as const, booking_closes_at: null, waitlist_policy: 'auto' as const,
      offer_hold_minutes: 1440, holds_release_at: null, room_kind: 'webinar' as const, attendance_threshold: 0.75, join_opens_minutes: 15, revision: 0, created_by: null, created_at: t, updated_at: t,
    }));
    await h.db.insertInto('sessions').values(run.map((s) => ({ ...s, booking_ends_at: bookingEndsOf(s) }))).execute();
    await h.db.insertInto('session_trainers').values(run.map((s) => ({ session_id: s.id, user_id: trainer }))).execute();
    const ids = run.map((s) => s.id);
    const move = (id: string, startsAt: string) => {
      const endsAt = new Date(Date.parse(startsAt) + 3_600_000).toISOString();
      return h.db.updateTable('sessions').set({ starts_at: startsAt, ends_at: endsAt, booking_ends_at: bookingEndsOf({ ends_at: endsAt, booking_closes_at: null }) }).where('id', '=', id).execute();
    };

    const got: { sessionId: string; startsAt: string }[] = [];
    let page = await runningRowsPage(h.db, trainer, {}, null, 2);
    got.push(...page.rows);
    expect(got.map((r) => r.sessionId)).toEqual(ids.slice(0, 2));
    // Meanwhile one already read moves past the rest, and one not yet read moves before the first.
    await move(ids[0]!, day(20));
    await move(ids[4]!, day(1));
    while (page.next) {
      page = await runningRowsPage(h.db, trainer, {}, page.next, 2);
      expect(page.rows.length).toBeLessThanOrEqual(2);
      got.push(...page.rows);
    }
    // Every session exactly once (one UID once in the calendar), where the walk first placed it, as it is now.
    expect(got.map((r) => r.sessionId)).toEqual(ids);
    expect(got[4]!.startsAt).toBe(day(1));
    // A walk begun now reads the new order.
    const again: string[] = [];
    let c: RunningCursor | null = null;
    do {
      const p: Awaited<ReturnType<typeof runningRowsPage>> = await runningRowsPage(h.db, trainer, {}, c, 2);
      again.push(...p.rows.map((r) => r.sessionId));
      c = p.next;
    } while (c);
    expect(again).toEqual([ids[4], ids[1], ids[2], ids[3], ids[5], ids[0]]);
  });
});
