/**
 * Invariant 4, proven deterministically: a change and the notice that tells someone about it
 * are written in one transaction, so when writing the notice fails, the change is not
 * stored either (and when the change is stored, so is its notice).
 *
 * The failure is planted by the test alone, as a database trigger that refuses outbox rows
 * for one person: production code is unchanged. A service that wrote its notices in a
 * second transaction after the commit would leave the change stored here, and fail.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

/** Makes every insert of a notice addressed to `userId` fail, on either database. */
async function refuseNoticesFor(t: TestContext, userId: string) {
  if (t.deps.dbKind === 'sqlite') {
    await sql.raw(`create trigger planted_failure before insert on outbox when new.user_id = '${userId}' begin select raise(abort, 'planted failure'); end`).execute(t.db);
  } else {
    await sql.raw(`create function planted_failure() returns trigger language plpgsql as $$ begin raise exception 'planted failure'; end $$`).execute(t.db);
    await sql.raw(`create trigger planted_failure before insert on outbox for each row when (new.user_id = '${userId}') execute function planted_failure()`).execute(t.db);
  }
}

async function bookingsOf(t: TestContext, sessionId: string) {
  return t.db.selectFrom('bookings').select(['user_id', 'status', 'queue_seq']).where('session_id', '=', sessionId).orderBy('queue_seq').execute();
}

async function noticesFor(t: TestContext, userId: string) {
  return t.db.selectFrom('outbox').select(['kind', 'booking_id']).where('user_id', '=', userId).execute();
}

describe('a change and its notice are stored together or not at all', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext();
  });
  afterEach(async () => {
    await t.close();
  });

  it('a booking whose notice cannot be written is not stored; one booked alongside it is, with its notice', async () => {
    const org = await t.org();
    const victim = await t.user('staff', org.id);
    const other = await t.user('staff', org.id);
    const s = await t.session({ capacity: { online: 5 } });
    await refuseNoticesFor(t, victim.id);

    // Sent together, so both land in one group-committed batch.
    const [failed, booked] = await Promise.all([
      t.request('POST', `/api/sessions/${s.id}/bookings`, { as: victim, body: {} }),
      t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: {} }),
    ]);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(booked.status).toBe(201);

    const rows = await bookingsOf(t, s.id);
    expect(rows.map((r) => r.user_id)).toEqual([other.id]);
    expect(await noticesFor(t, victim.id)).toEqual([]);
    expect(await noticesFor(t, other.id)).toEqual([expect.objectContaining({ kind: 'confirmed', booking_id: booked.json.id })]);
    // The session still has the seat the failed booking would have taken.
    const seen = await t.request('GET', `/api/sessions/${s.id}`, { as: other });
    expect(seen.json.seats.online.confirmed).toBe(1);
  });

  it('a cancellation whose promotion notice cannot be written leaves both bookings as they were', async () => {
    const org = await t.org();
    const first = await t.user('staff', org.id);
    const waiting = await t.user('staff', org.id);
    const s = await t.session({ capacity: { online: 1 } });
    const seat = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: first, body: {} });
    const queued = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: waiting, body: {} });
    expect([seat.json.status, queued.json.status]).toEqual(['confirmed', 'waitlisted']);
    const noticesBefore = await t.db.selectFrom('outbox').select('id').execute();
    await refuseNoticesFor(t, waiting.id);

    const cancel = await t.request('DELETE', `/api/bookings/${seat.json.id}`, { as: first });
    expect(cancel.status).toBeGreaterThanOrEqual(500);

    expect((await bookingsOf(t, s.id)).map((r) => [r.user_id, r.status])).toEqual([
      [first.id, 'confirmed'],
      [waiting.id, 'waitlisted'],
    ]);
    expect(await t.db.selectFrom('outbox').select('id').execute()).toHaveLength(noticesBefore.length);
  });

  it('a session time change whose notice cannot be written to one attendee changes nothing', async () => {
    const org = await t.org();
    const a = await t.user('staff', org.id);
    const b = await t.user('staff', org.id);
    const s = await t.session({ capacity: { online: 5 } });
    for (const p of [a, b]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    const noticesBefore = await t.db.selectFrom('outbox').select('id').execute();
    await refuseNoticesFor(t, b.id);

    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-11T16:00:00.000Z', endsAt: '2026-02-11T17:30:00.000Z' } });
    expect(moved.status).toBeGreaterThanOrEqual(500);

    const after = await t.request('GET', `/api/sessions/${s.id}`, { as: a });
    expect(after.json.startsAt).toBe('2026-02-10T16:00:00.000Z');
    expect(await t.db.selectFrom('outbox').select('id').execute()).toHaveLength(noticesBefore.length);
  });
});
