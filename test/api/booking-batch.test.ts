/**
 * Bookings that arrive together are booked in one transaction with shared statements
 * (server/bookings/service.ts, bookMany). What that leaves must be what booking them one
 * after another, in arrival order, would leave.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toAuthUser } from '../../server/accounts/repository.js';
import { bookMany, type BookRequest } from '../../server/bookings/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const actor = (u: TestUser) => toAuthUser({ id: u.id, email: u.email, name: u.name, role: u.role, org_id: u.orgId, captioner: 0 });

describe('a batch of booking requests', () => {
  it('answers each request as if it had come alone, in order, and writes the same rows and notices', async () => {
    const org = await t.org();
    const [a, b, c, d, e] = await Promise.all([1, 2, 3, 4, 5].map(() => t.user('staff', org.id)));
    const office = await t.user('office', org.id);
    const s1 = await t.session({ capacity: { online: 2 } });
    const s2 = await t.session();
    expect((await t.request('POST', `/api/sessions/${s2.id}/cancel`, { as: s2.trainer, body: {} })).status).toBe(200);

    const requests: BookRequest[] = [
      { actor: actor(a!), sessionId: s1.id, seat: undefined, userIds: [a!.id] },
      { actor: actor(a!), sessionId: s1.id, seat: 'online', userIds: [a!.id] },
      { actor: actor(b!), sessionId: randomUUID(), seat: undefined, userIds: [b!.id] },
      { actor: actor(b!), sessionId: s1.id, seat: undefined, userIds: [b!.id] },
      { actor: actor(office), sessionId: s1.id, seat: undefined, userIds: [c!.id, c!.id, d!.id, randomUUID()] },
      { actor: actor(e!), sessionId: s2.id, seat: undefined, userIds: [e!.id] },
      { actor: actor(e!), sessionId: s1.id, seat: 'in_person', userIds: [e!.id] },
      { actor: actor(e!), sessionId: s1.id, seat: undefined, userIds: [a!.id] },
    ];
    const answers = await t.db.transaction().execute((trx) => bookMany(trx, t.deps, requests));

    const shape = answers.map((x) =>
      'error' in x ? x.error.code : x.results.map((r) => ('error' in r ? r.error.code : `${r.status}${r.position ? ` ${r.position}` : ''}`)),
    );
    expect(shape).toEqual([
      ['confirmed'],
      ['already_booked'],
      'not_found',
      ['confirmed'],
      ['waitlisted 1', 'already_booked', 'waitlisted 2', 'not_found'],
      'session_cancelled',
      'validation_failed',
      ['forbidden'],
    ]);
    const second = answers[1]!;
    expect('results' in second && second.results[0]).toMatchObject({ error: { message: 'You already have a seat for this session.' } });
    // The words each refusal gives, as the person or office reads them.
    expect('error' in answers[2]! && answers[2].error.message).toBe('No such session.');
    const office4 = answers[4]!;
    expect('results' in office4 && office4.results[3]).toMatchObject({ error: { message: 'No such person among the staff you book for.' } });
    const last = answers[7]!;
    expect('results' in last && last.results[0]).toMatchObject({ error: { message: 'You may book only yourself.' } });

    // The rows: first come, first served, one queue number each, in order.
    const rows = await t.db.selectFrom('bookings').select(['id', 'user_id', 'status', 'queue_seq', 'booked_by']).where('session_id', '=', s1.id).orderBy('queue_seq').execute();
    expect(rows.map((r) => [r.user_id, r.status, r.queue_seq])).toEqual([
      [a!.id, 'confirmed', 1],
      [b!.id, 'confirmed', 2],
      [c!.id, 'waitlisted', 3],
      [d!.id, 'waitlisted', 4],
    ]);
    expect(rows[2]!.booked_by).toBe(office.id);
    // One notice per new booking, to its owner, with the facts at that moment, in order.
    const notices = await t.db.selectFrom('outbox').select(['kind', 'to_email', 'booking_id', 'booking_status', 'booking_revision', 'queue_position']).where('session_id', '=', s1.id).orderBy('id').execute();
    expect(notices).toEqual(
      rows.map((r, i) => ({
        kind: r.status,
        to_email: [a, b, c, d][i]!.email,
        booking_id: r.id,
        booking_status: r.status,
        booking_revision: 0,
        queue_position: r.status === 'waitlisted' ? i - 1 : null,
      })),
    );
    // What the session shows is what the rows say.
    expect((await t.request('GET', `/api/sessions/${s1.id}`, { as: a })).json.seats.online).toMatchObject({ capacity: 2, confirmed: 2, waitlisted: 2, available: 0 });
  });

  it('a retry whose first attempt committed gets that booking, though it is booked together with a request that has no key', async () => {
    const s = await t.session({ capacity: { online: 3 } });
    const org = await t.org();
    const [me, other] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const first = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {}, headers: { 'idempotency-key': 'lost-answer' } });
    expect(first.status).toBe(201);
    // What a crash right after the commit leaves: the key in flight with no answer stored.
    await t.db.updateTable('idempotency_keys').set({ status: null, body: null, content_type: null, locked_until: '2999-01-01T00:00:00.000Z' }).where('user_id', '=', me.id).execute();
    const answers = await t.db.transaction().execute((trx) =>
      bookMany(trx, t.deps, [
        { actor: actor(me), sessionId: s.id, seat: undefined, userIds: [me.id], idempotencyKey: 'lost-answer' },
        { actor: actor(other), sessionId: s.id, seat: undefined, userIds: [other.id] },
      ]),
    );
    expect(answers.map((a) => ('results' in a ? a.results : a.error.code))).toMatchObject([
      [{ userId: me.id, id: first.json.id, status: 'confirmed' }],
      [{ userId: other.id, status: 'confirmed' }],
    ]);
    expect(await t.db.selectFrom('bookings').select('id').where('user_id', '=', me.id).execute()).toHaveLength(1);
  });

  it('over HTTP: a burst for one session fills it first come, first served, with one answer each', async () => {
    const org = await t.org();
    const people = await Promise.all(Array.from({ length: 12 }, () => t.user('staff', org.id)));
    const s = await t.session({ capacity: { online: 5 } });
    const burst = [...people, people[3]!].map((p) => t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} }));
    const answers = await Promise.all(burst);

    expect(answers.filter((r) => r.status === 409).map((r) => r.json.error.code)).toEqual(['already_booked']);
    const made = answers.filter((r) => r.status === 201).map((r) => r.json);
    expect(made.filter((b) => b.status === 'confirmed')).toHaveLength(5);
    expect(made.filter((b) => b.status === 'waitlisted').map((b) => b.position).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const rows = await t.db.selectFrom('bookings').select(['id', 'status', 'queue_seq']).where('session_id', '=', s.id).orderBy('queue_seq').execute();
    // The seats went to the first five in the queue, and places follow the queue.
    expect(rows.map((r) => r.queue_seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.map((r) => r.status)).toEqual([...Array(5).fill('confirmed'), ...Array(7).fill('waitlisted')]);
    const position = new Map(made.map((b) => [b.id, b.position]));
    expect(rows.slice(5).map((r) => position.get(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
