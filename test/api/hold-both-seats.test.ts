/**
 * On a hybrid session an office holds seats for its school's staff of both kinds, online and
 * in person: together, never more than its staff could fill (its staff with no place on the
 * session, plus the seats they already took from its holds). A refusal says the most it may
 * hold of that kind now, and why. A hold set before this rule and now past it stays as it is:
 * it can be lowered, not raised. Two offices saving at once cannot pass the bound between them.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { holdingLocks, lockWaits, makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  expect(await seatCountDrift(t.db)).toEqual([]);
  await t.close();
});

/** A trust with Little Acorns Nursery (`staff` staff, none booked) and its office, and a hybrid session with 30 seats of each kind. */
async function setting(staff = 4) {
  const admin = await t.user('admin');
  const mkOrg = async (body: Record<string, unknown>) => {
    const r = await t.request('POST', '/api/orgs', { as: admin, body });
    expect(r.status).toBe(201);
    return r.json as { id: string; name: string };
  };
  const trust = await mkOrg({ name: 'Meadow Learning Trust', kind: 'trust' });
  const acorns = await mkOrg({ name: 'Little Acorns Nursery', parentId: trust.id });
  const trustOffice = await t.user('office', trust.id, 'Tara Trust');
  const people: TestUser[] = [];
  for (let i = 0; i < staff; i++) people.push(await t.user('staff', acorns.id));
  const s = await t.session({
    title: 'Speech, language and communication',
    mode: 'hybrid',
    venue: 'Hall A',
    startsAt: '2026-03-10T16:00:00.000Z',
    endsAt: '2026-03-10T17:30:00.000Z',
    capacity: { inPerson: 30, online: 30 },
  });
  return { trust, acorns, trustOffice, people, s };
}

const hold = (as: TestUser, sessionId: string, orgId: string, seat: 'online' | 'in_person', seats: number) =>
  t.request('PUT', `/api/sessions/${sessionId}/holds`, { as, body: { orgId, seat, seats } });
const heldOf = async (as: TestUser, sessionId: string) =>
  ((await t.request('GET', `/api/sessions/${sessionId}/holds`, { as })).json.items as { seat: string; seats: number; claimed: number }[]).map((h) => `${h.seat} ${h.seats} (${h.claimed} taken)`).sort();

describe('an office holds seats of both kinds on a hybrid session, together no more than its staff', () => {
  it('4 staff: 4 online seats held, then in person is refused saying why; fewer online leave room for as many in person', async () => {
    const { acorns, trustOffice, s } = await setting(4);
    expect((await hold(trustOffice, s.id, acorns.id, 'online', 4)).status).toBe(204);
    const refused = await hold(trustOffice, s.id, acorns.id, 'in_person', 4);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'conflict',
      message: 'Little Acorns Nursery has 4 staff with no place on this session and already holds 4 online seats, so it cannot hold in-person seats as well. Release some online seats first.',
      details: { most: 0 },
    });
    expect(await heldOf(trustOffice, s.id)).toEqual(['online 4 (0 taken)']);

    // Three online leave one: two in person is refused with that number, which is then accepted.
    expect((await hold(trustOffice, s.id, acorns.id, 'online', 3)).status).toBe(204);
    const two = await hold(trustOffice, s.id, acorns.id, 'in_person', 2);
    expect(two.status).toBe(409);
    expect(two.json.error).toMatchObject({
      code: 'conflict',
      message: 'Little Acorns Nursery has 4 staff with no place on this session and already holds 3 online seats, so it can hold at most 1 in-person seat. To hold more, release some online seats first.',
      details: { most: 1 },
    });
    expect((await hold(trustOffice, s.id, acorns.id, 'in_person', 1)).status).toBe(204);
    // Now the online hold cannot grow back either.
    const back = await hold(trustOffice, s.id, acorns.id, 'online', 4);
    expect(back.json.error).toMatchObject({
      code: 'conflict',
      message: 'Little Acorns Nursery has 4 staff with no place on this session and already holds 1 in-person seat, so it cannot hold more online seats than the 3 it holds now. Release some in-person seats first.',
      details: { most: 3 },
    });
    expect(await heldOf(trustOffice, s.id)).toEqual(['in_person 1 (0 taken)', 'online 3 (0 taken)']);
  });

  it('seats its staff took from a hold count as the existing rule counts them: only seats nobody has taken yet are weighed against those with no place', async () => {
    const { acorns, trustOffice, people, s } = await setting(4);
    expect((await hold(trustOffice, s.id, acorns.id, 'online', 3)).status).toBe(204);
    // Two take online seats from the hold: two staff with no place, one online seat held for them.
    for (const u of people.slice(0, 2)) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const two = await hold(trustOffice, s.id, acorns.id, 'in_person', 2);
    expect(two.json.error).toMatchObject({
      code: 'conflict',
      message: 'Little Acorns Nursery has 2 staff with no place on this session and already holds 1 online seat not yet taken, so it can hold at most 1 in-person seat. To hold more, release some online seats first.',
      details: { most: 1 },
    });
    expect((await hold(trustOffice, s.id, acorns.id, 'in_person', 1)).status).toBe(204);
    // A third takes the in-person seat held: one with no place, and the online seat held for them.
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: people[2]!, body: { seat: 'in_person' } })).json.status).toBe('confirmed');
    const more = await hold(trustOffice, s.id, acorns.id, 'in_person', 2);
    expect(more.json.error).toMatchObject({
      code: 'conflict',
      message: 'Little Acorns Nursery has 1 member of staff with no place on this session and already holds 1 online seat not yet taken, so it cannot hold more in-person seats than the 1 it holds now. Release some online seats first.',
      details: { most: 1 },
    });
    expect(await heldOf(trustOffice, s.id)).toEqual(['in_person 1 (1 taken)', 'online 3 (2 taken)']);
  });

  it('a trainer is not bound by the staff; holds past the bound stay and are read, can be lowered and taken from, not raised', async () => {
    const { acorns, trustOffice, people, s } = await setting(4);
    // Set as a trainer may (and as an office could before): 4 online and 4 in person for 4 staff.
    expect((await hold(s.trainer, s.id, acorns.id, 'online', 4)).status).toBe(204);
    expect((await hold(s.trainer, s.id, acorns.id, 'in_person', 4)).status).toBe(204);
    expect(await heldOf(trustOffice, s.id)).toEqual(['in_person 4 (0 taken)', 'online 4 (0 taken)']);
    const session = await t.request('GET', `/api/sessions/${s.id}`, { as: trustOffice });
    expect(session.status).toBe(200);
    // The office may keep or lower them; raising either is refused, saying what it holds now.
    expect((await hold(trustOffice, s.id, acorns.id, 'in_person', 4)).status).toBe(204);
    expect((await hold(trustOffice, s.id, acorns.id, 'in_person', 3)).status).toBe(204);
    const raise = await hold(trustOffice, s.id, acorns.id, 'in_person', 4);
    expect(raise.status).toBe(409);
    expect(raise.json.error).toMatchObject({
      code: 'conflict',
      message: 'Little Acorns Nursery has 4 staff with no place on this session and already holds 4 online seats, so it cannot hold more in-person seats than the 3 it holds now. Release some online seats first.',
      details: { most: 3 },
    });
    // Its staff still take seats from both holds.
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: people[0]!, body: { seat: 'in_person' } })).json.status).toBe('confirmed');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: people[1]!, body: { seat: 'online' } })).json.status).toBe('confirmed');
    expect(await heldOf(trustOffice, s.id)).toEqual(['in_person 3 (1 taken)', 'online 4 (1 taken)']);
  });

  it('two offices saving holds of the two kinds at once: one is kept and the other refused, never more than the staff together', async () => {
    const { acorns, trustOffice, s } = await setting(3);
    // The school's own office is one of those with no place: four in all.
    const schoolOffice = await t.user('office', acorns.id, 'Sam School');
    const release = usePostgres ? await holdingLocks(t, (trx) => sql`select 1 from sessions where id = ${s.id} for update`.execute(trx)) : undefined;
    let saves: Promise<Awaited<ReturnType<typeof hold>>>[] = [];
    try {
      saves = [hold(schoolOffice, s.id, acorns.id, 'online', 4), hold(trustOffice, s.id, acorns.id, 'in_person', 4)];
      // Both wait for the session's lock, so neither has read the other's hold before it saves.
      if (usePostgres) await expect.poll(() => lockWaits(t)).toBe(2);
    } finally {
      await release?.();
    }
    const answers = await Promise.all(saves);
    expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.json.error.message).toMatch(/^Little Acorns Nursery has 4 staff with no place on this session and already holds 4 (online|in-person) seats, so it cannot hold (online|in-person) seats as well\. Release some (online|in-person) seats first\.$/);
    const held = ((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: trustOffice })).json.items as { seats: number }[]).reduce((n, h) => n + h.seats, 0);
    expect(held).toBe(4);
  });
});
