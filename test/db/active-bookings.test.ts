/**
 * Who already holds an active booking among a batch's (session, person) pairs: what the
 * booking engine reads under the sessions' locks to refuse a second booking. Both reads (the
 * one a batch makes with its holds, and the one it makes again after offers expired mid-batch)
 * must name exactly the active pairs asked about, whatever the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { activeBookings, holdsAndActiveBookings, pairKey } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('active bookings among pairs', () => {
  it('names each asked-about pair with an active booking and its status, and no cancelled or unasked pair', async () => {
    t = await makeTestContext();
    const [a, b] = [await t.session({ capacity: { online: 1 } }), await t.session({ capacity: { online: 5 } })];
    const [ann, bob, cat] = [await t.user('staff'), await t.user('staff'), await t.user('staff')];
    const ids: string[] = [];
    for (const [s, u] of [[a, ann], [a, bob], [b, ann], [b, cat]] as const) {
      const res = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } });
      expect(res.status, res.text).toBe(201);
      ids.push(res.json.id);
    }
    const cancel = await t.request('DELETE', `/api/bookings/${ids[3]}`, { as: cat });
    expect(cancel.status, cancel.text).toBeLessThan(300);

    const pairs = [
      { sessionId: a.id, userId: ann.id }, // confirmed
      { sessionId: a.id, userId: bob.id }, // waiting: one online seat
      { sessionId: b.id, userId: cat.id }, // cancelled
      { sessionId: b.id, userId: bob.id }, // never booked
      { sessionId: a.id, userId: ann.id }, // asked twice
    ];
    const expected = { [pairKey(a.id, ann.id)]: 'confirmed', [pairKey(a.id, bob.id)]: 'waitlisted' };
    const kind = t.deps.dbKind;
    expect(Object.fromEntries(await activeBookings(t.db, kind, pairs))).toEqual(expected);
    expect(Object.fromEntries(await activeBookings(t.db, kind, pairs.slice(0, 1)))).toEqual({ [pairKey(a.id, ann.id)]: 'confirmed' });
    expect((await activeBookings(t.db, kind, [])).size).toBe(0);
    // b's booking by ann was left untouched and is not asked about.
    const both = await t.db.transaction().execute((trx) => holdsAndActiveBookings(trx, [a.id, b.id], pairs, [ann.id, cat.id]));
    expect(Object.fromEntries(both.booked)).toEqual(expected);
    expect(both.holds).toEqual([]);
    // With the people asked for, as they are: a turned-off account says so.
    expect(both.people.map((p) => p.name).sort()).toEqual([ann.name, cat.name].sort());
    expect(both.people.every((p) => p.disabled_at === null && p.role === 'staff')).toBe(true);
  });
});
