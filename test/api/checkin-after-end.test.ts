/**
 * In-person check-in outside its window, as a tester found it: a check-in 11 minutes after the
 * session ended is refused with a 409 that says the session has ended, check-in has closed and
 * the trainer's register records attendance now (not "Check-in opens … and closes when it
 * ends"), and one before check-in opens says when it opens. Nothing is recorded either way;
 * someone who checked in during the session is still told when they did.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const START = '2026-02-10T10:00:00.000Z';
const END = '2026-02-10T11:00:00.000Z';

async function hall() {
  const org = await t.org('Oak School');
  const s = await t.session({ title: 'Sensory needs', mode: 'in_person', venue: 'Main hall', startsAt: START, endsAt: END, capacity: { inPerson: 5 } });
  const [chloe, dev] = [await t.user('staff', org.id, 'Chloe Jones'), await t.user('staff', org.id, 'Dev Early')];
  for (const u of [chloe, dev]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'in_person' } })).json.status).toBe('confirmed');
  return { s, chloe, dev };
}

const checkins = () => t.db.selectFrom('presence_intervals').select(['user_id', 'started_at']).where('source', '=', 'checkin').execute();

describe('check-in outside its window', () => {
  it('11 minutes after the end: 409 saying the session has ended and the register records attendance; nothing recorded', async () => {
    const { s, chloe, dev } = await hall();
    // Dev checks in during the session.
    t.clock.set('2026-02-10T10:05:00.000Z');
    const during = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json.code as string;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: dev, body: { code: during } })).status).toBe(200);

    t.clock.set('2026-02-10T11:11:00.000Z');
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect(code.checkin).toBe('closed');
    const late = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: chloe, body: { code: code.code } });
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({
      code: 'join_window_closed',
      message: 'This session ended at 11:00 GMT on Tuesday, 10 February 2026, so check-in has closed. Attendance is being recorded by the trainer’s register: if you were there, tell the trainer so they can mark you present.',
      details: { checkin: 'closed', closesAt: END },
    });
    expect((await checkins()).map((c) => c.user_id)).toEqual([dev.id]);
    expect((await t.request('GET', `/api/sessions/${s.id}/checkin`, { as: chloe })).json).toEqual({ checkedInAt: null });
    // Dev, checked in already, is told when, as before.
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: dev, body: { code: code.code } })).json).toMatchObject({ checkedInAt: '2026-02-10T10:05:00.000Z' });
  });

  it('at the end to the millisecond it has closed; a millisecond before, it is open', async () => {
    const { s, chloe, dev } = await hall();
    t.clock.set(END);
    const atEnd = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: chloe, body: { code: (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json.code } });
    expect(atEnd.status).toBe(409);
    expect(atEnd.json.error.details.checkin).toBe('closed');
    t.clock.set('2026-02-10T10:59:59.999Z');
    const justBefore = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: dev, body: { code: (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json.code } });
    expect(justBefore.status).toBe(200);
  });

  it('before check-in opens (15 minutes before the start): 409 saying when it opens; nothing recorded', async () => {
    const { s, chloe } = await hall();
    t.clock.set('2026-02-10T09:40:00.000Z');
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect(code.checkin).toBe('not_yet');
    const early = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: chloe, body: { code: code.code } });
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({
      code: 'join_window_closed',
      message: 'Check-in has not opened yet: it opens at 09:45 GMT on Tuesday, 10 February 2026, 15 minutes before the session starts. Check in then with the code the trainer shows.',
      details: { checkin: 'not_yet', opensAt: '2026-02-10T09:45:00.000Z' },
    });
    expect(await checkins()).toEqual([]);
    t.clock.set('2026-02-10T09:45:00.000Z');
    const open = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json.code as string;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: chloe, body: { code: open } })).status).toBe(200);
  });
});
