/**
 * Whether a booking offers its captions transcript (`hasTranscript`, shared/bookings.ts): only
 * when the person booked may download it (a seat: confirmed, attended or absent, an in-person
 * seat of a hybrid session too, as GET /transcript.vtt allows) and it holds a cue (a final
 * caption with words). My bookings, the booking page and the session page show the link by it,
 * so no link leads to a file with no words. It is read in the bookings' own statement: a list
 * costs the same number of statements however many bookings it holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { makeTestContext, openTestDb, statementCounter, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
afterEach(async () => {
  await t.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z';

/** The `hasTranscript` of each of `as`'s bookings, by session id. */
async function flags(as: TestUser): Promise<Record<string, boolean>> {
  const res = await t.request('GET', '/api/me/bookings', { as });
  expect(res.status, res.text).toBe(200);
  return Object.fromEntries(res.json.items.map((b: { sessionId: string; hasTranscript: boolean }) => [b.sessionId, b.hasTranscript]));
}

/** Whether the transcript `as` downloads has a cue (null: they may not download it). */
async function vttHasCue(sessionId: string, as: TestUser): Promise<boolean | null> {
  const res = await t.request('GET', `/api/sessions/${sessionId}/transcript.vtt`, { as });
  if (res.status === 403) return null;
  expect(res.status, res.text).toBe(200);
  return res.text.includes('-->');
}

describe('a booking says whether its transcript has anything in it', () => {
  it('false with no caption, an unfinished one or an empty one; true once a final caption is saved, for every seat (an in-person seat of a hybrid session too), not for a queue place or a cancelled booking', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const org = await t.org();
    const s = await t.session({ title: 'Hybrid on dyslexia', mode: 'hybrid', venue: 'Main hall', startsAt: START, endsAt: END, capacity: { inPerson: 1, online: 1 } });
    const online = await t.user('staff', org.id, 'Olu Online');
    const inRoom = await t.user('staff', org.id, 'Ida Inperson');
    const waiting = await t.user('staff', org.id, 'Wes Waiting');
    const leaver = await t.user('staff', org.id, 'Lee Leaver');
    const book = async (as: TestUser, seat: 'online' | 'in_person') => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as, body: { seat } })).json as { id: string; status: string };
    expect((await book(online, 'online')).status).toBe('confirmed');
    expect((await book(inRoom, 'in_person')).status).toBe('confirmed');
    expect((await book(waiting, 'online')).status).toBe('waitlisted');
    // A queue place given up: no place either.
    const left = await book(leaver, 'in_person');
    expect(left.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${left.id}`, { as: leaver })).status).toBe(200);
    const expectFlags = async (seated: boolean, why: string) => {
      for (const who of [online, inRoom]) {
        expect((await flags(who))[s.id], `${who.name}: ${why}`).toBe(seated);
        // What the flag says is what the download holds.
        expect(await vttHasCue(s.id, who), `${who.name}: ${why}`).toBe(seated);
      }
      for (const who of [waiting, leaver]) {
        expect((await flags(who))[s.id], `${who.name}: ${why}`).toBe(false);
        expect(await vttHasCue(s.id, who), `${who.name}: ${why}`).toBeNull();
      }
    };
    await expectFlags(false, 'before the session');

    t.clock.set('2026-02-10T16:05:00.000Z');
    const cap = (segmentId: string, text: string, final: boolean) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body: { segmentId, text, final } });
    expect((await cap('seg-1', 'Welcome every', false)).status).toBe(200);
    await expectFlags(false, 'an unfinished caption only');
    expect((await cap('seg-0', '   ', true)).status).toBe(200);
    await expectFlags(false, 'a final caption with no words');
    expect((await cap('seg-1', 'Welcome everyone', true)).status).toBe(200);
    await expectFlags(true, 'a final caption');

    // One booking's page says the same, and so does its answer to an action.
    const mine = (await t.request('GET', '/api/me/bookings', { as: online })).json.items[0];
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: online })).json.hasTranscript).toBe(true);
    // The office's list of its staff's bookings carries it too, for each person's own booking.
    const office = await t.user('office', org.id);
    const listed = (await t.request('GET', `/api/orgs/${org.id}/bookings`, { as: office })).json.items as { userId: string; status: string; hasTranscript: boolean }[];
    expect(listed.filter((b) => b.hasTranscript).map((b) => b.userId).sort()).toEqual([online.id, inRoom.id].sort());

    // After the session, its outcomes recorded (no one joined: absent), still offered.
    t.clock.set('2026-02-10T19:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: online })).json.status).toBe('absent');
    await expectFlags(true, 'after the session');
  });

  it('another session’s captions are not this one’s', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const org = await t.org();
    const trainer = await t.user('trainer');
    const quiet = await t.session({ title: 'No captions', startsAt: START, endsAt: END }, trainer);
    const captioned = await t.session({ title: 'Captioned', startsAt: START, endsAt: END }, trainer);
    const staff = await t.user('staff', org.id);
    for (const s of [quiet, captioned]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    t.clock.set('2026-02-10T16:05:00.000Z');
    expect((await t.request('POST', `/api/sessions/${captioned.id}/captions`, { as: trainer, body: { segmentId: 'seg-1', text: 'Hello', final: true } })).status).toBe(200);
    expect(await flags(staff)).toEqual({ [quiet.id]: false, [captioned.id]: true });
  });

  it('costs the same number of statements for one booking as for forty, captioned or not', async () => {
    const counter = statementCounter();
    const database = await openTestDb();
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: { ...database, db: database.db.withPlugin(counter.plugin) } });
    const org = await t.org();
    const trainer = await t.user('trainer');
    const few = await t.user('staff', org.id);
    const many = await t.user('staff', org.id);
    const sessions = [];
    for (let i = 0; i < 40; i++) {
      const day = String(10 + (i % 15)).padStart(2, '0');
      sessions.push(await t.session({ title: `Session ${i}`, startsAt: `2026-02-${day}T${String(8 + Math.floor(i / 15)).padStart(2, '0')}:00:00.000Z`, endsAt: `2026-02-${day}T${String(8 + Math.floor(i / 15)).padStart(2, '0')}:50:00.000Z` }, trainer));
    }
    for (const s of sessions) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: many, body: {} })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${sessions[0]!.id}/bookings`, { as: few, body: {} })).status).toBe(201);
    // Half of them captioned (each in its own live window).
    for (const [i, s] of sessions.entries()) {
      if (i % 2) continue;
      t.clock.set(s.startsAt as string);
      expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: trainer, body: { segmentId: 'seg-1', text: `Caption ${i}`, final: true } })).status).toBe(200);
    }
    t.clock.set('2026-03-01T09:00:00.000Z');
    const cost = async (as: TestUser) => {
      counter.count = 0;
      const res = await t.request('GET', '/api/me/bookings', { as });
      expect(res.status).toBe(200);
      return { statements: counter.count, items: res.json.items as { sessionId: string; hasTranscript: boolean }[] };
    };
    const one = await cost(few);
    const forty = await cost(many);
    expect(one.items.map((b) => b.hasTranscript)).toEqual([true]);
    expect(forty.items).toHaveLength(40);
    const byId = new Map(forty.items.map((b) => [b.sessionId, b.hasTranscript]));
    expect(sessions.map((s) => byId.get(s.id))).toEqual(sessions.map((_, i) => i % 2 === 0));
    expect(forty.statements).toBe(one.statements);
  });
});
