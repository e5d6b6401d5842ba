/**
 * The booking invariants of DESIGN.md, proven two ways: a rush of concurrent bookings over
 * real HTTP, and random sequences of every booking action checked after each step.
 */
import { serve, type ServerType } from '@hono/node-server';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';

// Each run is a fresh database: on PostgreSQL that costs a database copy, so fewer runs there.
const RUNS = usePostgres ? 25 : 60;

let t: TestContext | null = null;
let server: ServerType | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
  await t?.close();
  t = null;
});

async function listen(ctx: TestContext): Promise<string> {
  return new Promise((resolve) => {
    server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`));
  });
}

describe('a rush of bookings over HTTP', () => {
  it('120 people booking 12 seats at once: exactly 12 confirmed, queue 1..108, then cancellations promote in order', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const base = await listen(t);
    const s = await t.session({ capacity: { online: 12 } });
    const org = await t.org();
    const people: TestUser[] = [];
    for (let i = 0; i < 120; i++) people.push(await t.user('staff', org.id));

    const results = await Promise.all(
      people.map(async (p) => {
        const res = await fetch(`${base}/api/sessions/${s.id}/bookings`, {
          method: 'POST',
          headers: { ...p.auth, 'content-type': 'application/json' },
          body: '{}',
          signal: AbortSignal.timeout(60_000), // a guard against a hung request, generous for a loaded machine
        });
        return { user: p, status: res.status, body: (await res.json()) as { id: string; status: string; position?: number } };
      }),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const confirmed = results.filter((r) => r.body.status === 'confirmed');
    const waitlisted = results.filter((r) => r.body.status === 'waitlisted');
    expect(confirmed).toHaveLength(12);
    expect(waitlisted.map((r) => r.body.position).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 108 }, (_, i) => i + 1));

    // The queue order is the order the server gave out positions.
    const queue = [...waitlisted].sort((a, b) => a.body.position! - b.body.position!);
    for (const leaver of confirmed.slice(0, 3)) {
      const res = await fetch(`${base}/api/bookings/${leaver.body.id}`, { method: 'DELETE', headers: leaver.user.auth });
      expect(res.status).toBe(200);
    }
    for (const [i, q] of queue.entries()) {
      const mine = (await t.request('GET', `/api/bookings/${q.body.id}`, { as: q.user })).json;
      if (i < 3) expect(mine.status).toBe('confirmed');
      else expect(mine).toMatchObject({ status: 'waitlisted', position: i - 2 });
    }
    const seats = (await t.request('GET', `/api/sessions/${s.id}`, { as: people[0] })).json.seats.online;
    expect(seats).toMatchObject({ capacity: 12, confirmed: 12, offered: 0, waitlisted: 105, available: 0 });
    // Every booking has its notice: 120 first answers, 3 cancellations, 3 promotions.
    const outbox = await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(outbox.n)).toBe(126);
  });
});

type Action =
  | { kind: 'book'; user: number; seat: 'online' | 'in_person' }
  | { kind: 'cancel'; user: number }
  | { kind: 'accept'; user: number }
  | { kind: 'decline'; user: number }
  | { kind: 'expire' }
  | { kind: 'capacity'; seat: 'online' | 'in_person'; capacity: number }
  | { kind: 'hold'; seat: 'online' | 'in_person'; seats: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('book' as const), user: fc.nat(11), seat: fc.constantFrom('online' as const, 'in_person' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), user: fc.nat(11) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), user: fc.nat(11) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decline' as const), user: fc.nat(11) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), seat: fc.constantFrom('online' as const, 'in_person' as const), capacity: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hold' as const), seat: fc.constantFrom('online' as const, 'in_person' as const), seats: fc.integer({ min: 0, max: 2 }) }) },
);

interface Snapshot {
  id: string;
  user_id: string;
  seat: string;
  status: string;
  queue_seq: number;
  hold_org_id: string | null;
}

describe('booking invariants under random sequences', () => {
  it('hold after every step of book, cancel, leave, accept, decline, expire, capacity change and seat hold, and after the session is cancelled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 25, maxLength: 60, size: 'max' }), fc.constantFrom('auto' as const, 'offer' as const), async (actions, policy) => {
        const ctx = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
        try {
          const org = await ctx.org();
          // A third of the people belong to a school that seats can be held for.
          const held = await ctx.org();
          const users: TestUser[] = [];
          for (let i = 0; i < 12; i++) users.push(await ctx.user('staff', i % 3 === 0 ? held.id : org.id));
          const s = await ctx.session({
            mode: 'hybrid',
            venue: 'Hall',
            capacity: { online: 2, inPerson: 2 },
            waitlistPolicy: policy,
            offerHoldMinutes: 60,
            startsAt: '2026-03-20T16:00:00Z',
            endsAt: '2026-03-20T17:00:00Z',
          });
          const snapshot = async (): Promise<Snapshot[]> => ctx.db.selectFrom('bookings').select(['id', 'user_id', 'seat', 'status', 'queue_seq', 'hold_org_id']).execute();
          const activeOf = async (u: TestUser) => (await ctx.request('GET', '/api/me/bookings', { as: u })).json.items.find((b: { status: string }) => b.status !== 'cancelled');
          let before = await snapshot();
          let outboxBefore = 0;
          for (const a of actions) {
            let status = 0;
            if (a.kind === 'book') status = (await ctx.request('POST', `/api/sessions/${s.id}/bookings`, { as: users[a.user], body: { seat: a.seat } })).status;
            else if (a.kind === 'cancel' || a.kind === 'accept' || a.kind === 'decline') {
              const b = await activeOf(users[a.user]!);
              if (!b) continue;
              status = a.kind === 'cancel'
                ? (await ctx.request('DELETE', `/api/bookings/${b.id}`, { as: users[a.user] })).status
                : (await ctx.request('POST', `/api/bookings/${b.id}/${a.kind}`, { as: users[a.user] })).status;
            } else if (a.kind === 'expire') {
              ctx.clock.advance(61 * 60_000);
              await runJobsOnce(ctx.deps, null);
            } else if (a.kind === 'hold') {
              status = (await ctx.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: held.id, seat: a.seat, seats: a.seats } })).status;
            } else {
              status = (await ctx.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { [a.seat === 'online' ? 'online' : 'inPerson']: a.capacity } } })).status;
            }
            expect(status === 0 || status < 500).toBe(true);
            // The counts stored on the session and its holds equal a count of the rows.
            expect(await seatCountDrift(ctx.db)).toEqual([]);

            const after = await snapshot();
            const session = (await ctx.request('GET', `/api/sessions/${s.id}`, { as: users[0] })).json;
            const holds: { seat: string; seats: number; claimed: number }[] = (await ctx.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items;
            const orgOf = (userId: string) => users.find((u) => u.id === userId)!.orgId;
            for (const seat of ['online', 'in_person'] as const) {
              const counts = session.seats[seat === 'online' ? 'online' : 'inPerson'];
              const mine = after.filter((b) => b.seat === seat);
              const taken = mine.filter((b) => b.status === 'confirmed' || b.status === 'offered').length;
              // 1. confirmed + live offers <= capacity, and the API agrees with the rows.
              expect(taken).toBeLessThanOrEqual(counts.capacity);
              expect(counts.confirmed + counts.offered).toBe(taken);
              // 3a. nobody waits while a seat is free to them (seats held for a school are free
              // only to its staff until the holds are released).
              const heldForOthers = (orgId: string | null) => (orgId === held.id ? 0 : holds.filter((h) => h.seat === seat).reduce((n, h) => n + Math.max(0, h.seats - h.claimed), 0));
              for (const w of mine.filter((b) => b.status === 'waitlisted')) expect(taken + heldForOthers(orgOf(w.user_id))).toBeGreaterThanOrEqual(counts.capacity);
              // 3b. first come, first served: whoever left the queue this step was ahead of everyone
              // still in it who could have had that seat (a held seat: only the school's own staff).
              const stillWaiting = mine.filter((b) => b.status === 'waitlisted');
              const promoted = mine.filter((b) => b.status !== 'waitlisted' && b.status !== 'cancelled' && before.find((x) => x.id === b.id)?.status === 'waitlisted');
              for (const p of promoted) {
                const rivals = stillWaiting.filter((w) => p.hold_org_id === null || orgOf(w.user_id) === p.hold_org_id);
                expect(rivals.every((w) => w.queue_seq > p.queue_seq)).toBe(true);
              }
              // Positions are exactly 1..n in queue order.
              const positions = (await ctx.request('GET', `/api/sessions/${s.id}/bookings`, { as: s.trainer })).json.items
                .filter((b: { seat: string; status: string }) => b.seat === seat && b.status === 'waitlisted')
                .map((b: { position: number }) => b.position);
              expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));
            }
            // 2. at most one active booking per person.
            const active = after.filter((b) => b.status !== 'cancelled').map((b) => b.user_id);
            expect(new Set(active).size).toBe(active.length);
            // 4. every status change someone must hear about wrote its notice in the same step.
            const changed = after.filter((b) => before.find((x) => x.id === b.id)?.status !== b.status).length;
            const outboxNow = Number((await ctx.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
            expect(outboxNow - outboxBefore).toBeGreaterThanOrEqual(changed);
            outboxBefore = outboxNow;
            before = after;
          }
          // Cancelling the session cancels every active booking, and the counts follow.
          expect((await ctx.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer })).status).toBe(200);
          expect(await seatCountDrift(ctx.db)).toEqual([]);
          const cancelled = (await ctx.request('GET', `/api/sessions/${s.id}`, { as: users[0] })).json.seats;
          for (const seat of [cancelled.online, cancelled.inPerson]) expect(seat).toMatchObject({ confirmed: 0, offered: 0, waitlisted: 0 });
        } finally {
          await ctx.close();
        }
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
