/**
 * The whole booking engine under random sequences (fast-check), checked after every step
 * against the rows: seat holds for two schools, office staff booking several people at
 * once, offers that lapse and are noticed by the next booking (not only by the job),
 * capacity changes, hybrid sessions. Sequences start short, so a failure shrinks to a
 * short counterexample.
 *
 * The checks:
 * - confirmed + live offers <= capacity per seat kind, and the API's counts agree with the rows;
 * - the seat counts stored on the session and its holds equal a count of the rows;
 * - a school takes more of its hold only while some of it is unclaimed;
 * - at most one active booking per person;
 * - nobody waits while a seat is free to them (open seats plus their school's unclaimed hold);
 * - first come, first served: whoever is promoted onto an open seat joined before everyone
 *   still waiting for that seat kind, and whoever is promoted onto their school's held seat
 *   joined before everyone of their school still waiting (checked at every step, so across
 *   steps too: the order people are promoted in is the order they joined);
 * - queue places are 1..n in queue order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, usePostgres, type TestUser } from '../helpers.js';

type Seat = 'online' | 'in_person';
type Action =
  | { kind: 'book'; user: number; seat: Seat }
  | { kind: 'office'; school: number; users: number[]; seat: Seat }
  | { kind: 'cancel'; user: number }
  | { kind: 'accept'; user: number }
  | { kind: 'decline'; user: number }
  | { kind: 'wait'; minutes: number }
  | { kind: 'jobs' }
  | { kind: 'capacity'; seat: Seat; capacity: number }
  | { kind: 'hold'; school: number; seat: Seat; seats: number };

const SCHOOLS = 3; // schools 0 and 1 hold seats; school 2 holds none
const PER_SCHOOL = 3;
const PEOPLE = SCHOOLS * PER_SCHOOL;
const seat = fc.constantFrom<Seat>('online', 'in_person');
const person = fc.nat(PEOPLE - 1);

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('book' as const), user: person, seat }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('office' as const), school: fc.nat(SCHOOLS - 1), users: fc.uniqueArray(fc.nat(PER_SCHOOL - 1), { minLength: 1, maxLength: PER_SCHOOL }), seat }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cancel' as const), user: person }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), user: person }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decline' as const), user: person }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), minutes: fc.constantFrom(30, 61) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jobs' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), seat, capacity: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hold' as const), school: fc.nat(1), seat, seats: fc.integer({ min: 0, max: 2 }) }) },
);

interface Row {
  id: string;
  user_id: string;
  seat: string;
  status: string;
  queue_seq: number;
  hold_org_id: string | null;
}

describe('the booking engine under random sequences', () => {
  it('keeps every invariant after every step, with holds, office bookings, lapsing offers and capacity changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40, size: 'max' }), fc.constantFrom('auto' as const, 'offer' as const), async (actions, policy) => {
        const ctx = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
        try {
          const schools = [await ctx.org('Holding A'), await ctx.org('Holding B'), await ctx.org('No hold')];
          const people: TestUser[] = [];
          for (const s of schools) for (let i = 0; i < PER_SCHOOL; i++) people.push(await ctx.user('staff', s.id));
          const offices = await Promise.all(schools.map((s) => ctx.user('office', s.id)));
          const orgOf = new Map(people.map((p) => [p.id, p.orgId!]));
          const s = await ctx.session({
            mode: 'hybrid',
            venue: 'Hall',
            capacity: { online: 2, inPerson: 2 },
            waitlistPolicy: policy,
            offerHoldMinutes: 60,
            startsAt: '2026-03-20T16:00:00Z',
            endsAt: '2026-03-20T17:00:00Z',
          });
          const hold = async (school: number, kind: Seat, seats: number) =>
            ctx.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: schools[school]!.id, seat: kind, seats } });
          expect((await hold(0, 'online', 1)).status).toBe(204);
          expect((await hold(1, 'in_person', 1)).status).toBe(204);

          const rows = async (): Promise<Row[]> => ctx.db.selectFrom('bookings').select(['id', 'user_id', 'seat', 'status', 'queue_seq', 'hold_org_id']).where('session_id', '=', s.id).execute();
          const active = (all: Row[], userId: string) => all.find((b) => b.user_id === userId && b.status !== 'cancelled');
          let before = await rows();
          const claims = new Map<string, number>();

          for (const a of actions) {
            let status = 0;
            if (a.kind === 'book') {
              status = (await ctx.request('POST', `/api/sessions/${s.id}/bookings`, { as: people[a.user], body: { seat: a.seat } })).status;
            } else if (a.kind === 'office') {
              const userIds = a.users.map((i) => people[a.school * PER_SCHOOL + i]!.id);
              status = (await ctx.request('POST', `/api/sessions/${s.id}/bookings`, { as: offices[a.school], body: { seat: a.seat, userIds } })).status;
            } else if (a.kind === 'cancel' || a.kind === 'accept' || a.kind === 'decline') {
              const mine = active(before, people[a.user]!.id);
              if (!mine) continue;
              status = a.kind === 'cancel'
                ? (await ctx.request('DELETE', `/api/bookings/${mine.id}`, { as: people[a.user] })).status
                : (await ctx.request('POST', `/api/bookings/${mine.id}/${a.kind}`, { as: people[a.user] })).status;
            } else if (a.kind === 'wait') {
              // Time passes; lapsed offers are for the next booking (or the job) to notice.
              ctx.clock.advance(a.minutes * 60_000);
            } else if (a.kind === 'jobs') {
              await runJobsOnce(ctx.deps, null);
            } else if (a.kind === 'capacity') {
              status = (await ctx.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { [a.seat === 'online' ? 'online' : 'inPerson']: a.capacity } } })).status;
            } else {
              status = (await hold(a.school, a.seat, a.seats)).status;
            }
            expect(status === 0 || status < 500, `${a.kind} answered ${status}`).toBe(true);

            const after = await rows();
            // The counts stored on the session and its holds equal a count of the rows.
            expect(await seatCountDrift(ctx.db)).toEqual([]);
            const session = (await ctx.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json;
            const holds: { orgId: string; seat: string; seats: number; claimed: number }[] = (await ctx.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items;
            const listed: { id: string; seat: string; status: string; position?: number }[] = (await ctx.request('GET', `/api/sessions/${s.id}/bookings`, { as: s.trainer })).json.items;

            for (const kind of ['online', 'in_person'] as const) {
              const counts = session.seats[kind === 'online' ? 'online' : 'inPerson'];
              const mine = after.filter((b) => b.seat === kind);
              const taken = mine.filter((b) => b.status === 'confirmed' || b.status === 'offered');
              // 1. confirmed + live offers <= capacity, and the API agrees with the rows.
              expect(taken.length).toBeLessThanOrEqual(counts.capacity);
              expect(counts.confirmed + counts.offered).toBe(taken.length);
              expect(counts.waitlisted).toBe(mine.filter((b) => b.status === 'waitlisted').length);
              // Holds: the claims the API shows are the rows', and a school takes more of its hold
              // only while some of it is unclaimed. (A hold lowered below what is already claimed
              // keeps those people's seats: nobody loses a seat because a trainer changed a hold.)
              for (const h of holds.filter((x) => x.seat === kind)) {
                const claimed = taken.filter((b) => b.hold_org_id === h.orgId).length;
                expect(h.claimed).toBe(claimed);
                const key = `${h.orgId}/${kind}`;
                if (claimed > (claims.get(key) ?? 0)) expect(claimed, 'a school claimed more than it holds').toBeLessThanOrEqual(h.seats);
                claims.set(key, claimed);
              }
              // Nobody waits while a seat is free to them: open seats plus their school's unclaimed hold.
              const heldUnclaimed = (orgId: string | null) => holds.filter((h) => h.seat === kind).reduce((n, h) => n + (h.orgId === orgId ? 0 : Math.max(h.seats - h.claimed, 0)), 0);
              for (const w of mine.filter((b) => b.status === 'waitlisted')) {
                const freeToThem = counts.capacity - taken.length - heldUnclaimed(orgOf.get(w.user_id) ?? null);
                expect(freeToThem, `person of ${orgOf.get(w.user_id)} waits with a seat free to them`).toBeLessThanOrEqual(0);
              }
              // Queue places are 1..n in queue order.
              const queue = mine.filter((b) => b.status === 'waitlisted').sort((x, y) => x.queue_seq - y.queue_seq);
              const places = queue.map((b) => listed.find((l) => l.id === b.id)?.position);
              expect(places).toEqual(queue.map((_, i) => i + 1));
            }

            // First come, first served. A person promoted this step onto an open seat was ahead of
            // everyone still waiting for that seat kind; one promoted onto their school's held
            // seat was ahead of everyone of their school still waiting for it.
            const promotedNow = after.filter((b) => b.status !== 'waitlisted' && b.status !== 'cancelled' && before.find((x) => x.id === b.id)?.status === 'waitlisted');
            for (const p of promotedNow) {
              for (const w of after.filter((b) => b.status === 'waitlisted' && b.seat === p.seat)) {
                if (p.hold_org_id === null || orgOf.get(w.user_id) === p.hold_org_id) {
                  expect(w.queue_seq, `queue place ${w.queue_seq} still waits after ${p.queue_seq} was promoted`).toBeGreaterThan(p.queue_seq);
                }
              }
            }
            // 2. At most one active booking per person.
            const activeUsers = after.filter((b) => b.status !== 'cancelled').map((b) => b.user_id);
            expect(new Set(activeUsers).size).toBe(activeUsers.length);
            before = after;
          }
        } finally {
          await ctx.close();
        }
      }),
      // Each run is a fresh database: on PostgreSQL that is a copied template, so fewer runs.
      { numRuns: usePostgres ? 15 : 40 },
    );
  }, 180_000);
});
