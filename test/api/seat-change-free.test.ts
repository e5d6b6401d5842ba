/**
 * Whether a place on a hybrid session can change seat kind is known before anyone asks: each
 * place (confirmed, offered or waiting) carries, in its session summary, the seats of the other
 * kind free to its person (`otherSeats`: open seats plus their own school's unclaimed hold; seats
 * held for other schools counted apart, free to them only once released), from the counts stored
 * on the session and its holds, read with the page (the same statements for four places as for
 * one). A change refused anyway says "you" to the person and names them to anyone else, says
 * that nothing changed and what to do; a queue place changed to a kind with a seat free gets it
 * at once, offered under the offer policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { makeTestContext, openTestDb, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
afterEach(async () => {
  await t?.close();
});

const hybrid = { title: 'Sensory circuits', mode: 'hybrid', venue: 'Oak hall', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };

async function book(sessionId: string, who: TestUser, seat: 'in_person' | 'online') {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: who, body: { seat } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}
const move = (id: string, as: TestUser, seat: 'in_person' | 'online') => t.request('POST', `/api/bookings/${id}/seat`, { as, body: { seat } });
const otherSeats = async (id: string, as: TestUser) => (await t.request('GET', `/api/bookings/${id}`, { as })).json.session.otherSeats;
const hold = async (sessionId: string, as: TestUser, orgId: string, seat: 'in_person' | 'online', seats: number) =>
  expect((await t.request('PUT', `/api/sessions/${sessionId}/holds`, { as, body: { orgId, seat, seats } })).status).toBe(204);

describe('the seats of the other kind free to a place’s person', () => {
  it('counts open seats and the person’s own school’s hold, not seats held for another school (those apart, with when they are released); on My bookings, the booking and the office’s list alike', async () => {
    t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
    const riverside = await t.org('Riverside Primary');
    const hilltop = await t.org('Hilltop Academy');
    const office = await t.user('office', riverside.id, 'Olu Office');
    const asha = await t.user('staff', riverside.id, 'Asha Ahmed');
    const ben = await t.user('staff', null, 'Ben Evans');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 2, online: 3 }, holdsReleaseAt: '2026-03-08T09:00:00.000Z', waitlistPolicy: 'offer', offerHoldMinutes: 90 });
    await hold(s.id, s.trainer, hilltop.id, 'online', 1);
    await hold(s.id, s.trainer, riverside.id, 'online', 1);

    const a = await book(s.id, asha, 'in_person');
    const policy = { holdsReleaseAt: '2026-03-08T09:00:00.000Z', waitlistPolicy: 'offer', offerHoldMinutes: 90 };
    // Three online seats, one held for Hilltop: two free to Asha (one open, one her school's).
    expect(await otherSeats(a.id, asha)).toEqual({ seat: 'online', free: 2, heldForOthers: 1, ...policy });
    await book(s.id, await t.user('staff', null, 'Cara Cole'), 'online'); // takes the open one
    expect(await otherSeats(a.id, asha)).toEqual({ seat: 'online', free: 1, heldForOthers: 1, ...policy });

    // Ben has no school: both held seats are someone else's, so none is free to him.
    const b = await book(s.id, ben, 'in_person');
    expect(await otherSeats(b.id, ben)).toEqual({ seat: 'online', free: 0, heldForOthers: 2, ...policy });

    // The same numbers wherever the place is read: My bookings, and the office's list.
    const mine = (await t.request('GET', '/api/me/bookings', { as: asha })).json.items;
    expect(mine.map((x: { session: { otherSeats: unknown } }) => x.session.otherSeats)).toEqual([{ seat: 'online', free: 1, heldForOthers: 1, ...policy }]);
    const listed = (await t.request('GET', `/api/orgs/${riverside.id}/bookings`, { as: office })).json.items;
    expect(listed.map((x: { id: string; session: { otherSeats: unknown } }) => [x.id, x.session.otherSeats])).toEqual([[a.id, { seat: 'online', free: 1, heldForOthers: 1, ...policy }]]);

    // What the numbers say is what a change does: refused for Ben, Asha takes her school's seat.
    expect((await move(b.id, ben, 'online')).status).toBe(409);
    const moved = await move(a.id, asha, 'online');
    expect(moved.status, moved.text).toBe(200);
    // Now online, her other kind is in person: both seats taken (Ben's and hers, given to nobody waiting: it is free).
    expect(moved.json.session.otherSeats).toEqual({ seat: 'in_person', free: 1, heldForOthers: 0, ...policy });
    expect(await otherSeats(b.id, ben)).toEqual({ seat: 'online', free: 0, heldForOthers: 1, ...policy });
  });

  it('is carried on waiting and offered places, counts offers as taken, and is left out on sessions of one kind and on cancelled places', async () => {
    t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const first = await t.user('staff', null, 'Dev Desai');
    const chloe = await t.user('staff', null, 'Chloe Clark');
    const f = await book(s.id, first, 'in_person');
    const c = await book(s.id, chloe, 'in_person');
    expect(c.status).toBe('waitlisted');
    expect(await otherSeats(c.id, chloe)).toMatchObject({ seat: 'online', free: 2, heldForOthers: 0 });
    // Dev's seat goes to Chloe as an offer: it is taken while offered.
    expect((await t.request('DELETE', `/api/bookings/${f.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${c.id}`, { as: chloe })).json.status).toBe('offered');
    const eve = await t.user('staff', null, 'Eve Evans');
    const e = await book(s.id, eve, 'online');
    expect(await otherSeats(e.id, eve)).toEqual({ seat: 'in_person', free: 0, heldForOthers: 0, holdsReleaseAt: hybrid.endsAt, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    expect(await otherSeats(c.id, chloe)).toMatchObject({ seat: 'online', free: 1 });
    // Cancelled: nothing to change.
    expect((await t.request('DELETE', `/api/bookings/${e.id}`, { as: eve })).status).toBe(200);
    expect(await otherSeats(e.id, eve)).toBeUndefined();
    // A session online only: no other kind.
    const online = await t.session({ title: 'Online only', startsAt: hybrid.startsAt, endsAt: hybrid.endsAt, capacity: { online: 5 } });
    const o = await book(online.id, eve, 'online');
    expect(await otherSeats(o.id, eve)).toBeUndefined();
  });

  it('costs My bookings no statement per place: four places on four hybrid sessions are read with as many statements as one', async () => {
    // Every statement run, prepared ones too (each result passes through a plugin; their building does not, once prepared).
    const counter: { count: number; plugin: KyselyPlugin } = { count: 0, plugin: { transformQuery: (args: PluginTransformQueryArgs) => args.node, transformResult: async (args: PluginTransformResultArgs) => (counter.count++, args.result) } };
    const database = await openTestDb();
    t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z', database: { ...database, db: database.db.withPlugin(counter.plugin) } });
    const school = await t.org('Riverside Primary');
    const asha = await t.user('staff', school.id, 'Asha Ahmed');
    const dev = await t.user('staff', school.id, 'Dev Desai');
    const sessions = [];
    for (let i = 0; i < 4; i++) {
      const s = await t.session({ ...hybrid, title: `Session ${i}`, startsAt: `2026-03-1${i}T16:00:00.000Z`, endsAt: `2026-03-1${i}T17:00:00.000Z`, capacity: { inPerson: 2, online: 2 } });
      await hold(s.id, s.trainer, school.id, 'online', 1);
      sessions.push(s);
    }
    await book(sessions[0]!.id, asha, 'in_person');
    for (const s of sessions) await book(s.id, dev, 'in_person');
    const read = async (who: TestUser) => {
      counter.count = 0;
      const res = await t.request('GET', '/api/me/bookings', { as: who });
      expect(res.status).toBe(200);
      return { statements: counter.count, free: res.json.items.map((b: { session: { otherSeats: { free: number } } }) => b.session.otherSeats.free) };
    };
    // Each read once first: a statement prepared on first use, and what is cached, are not what is compared.
    await read(asha);
    await read(dev);
    const one = await read(asha);
    const four = await read(dev);
    expect(one.free).toEqual([2]);
    expect(four.free).toEqual([2, 2, 2, 2]);
    expect(four.statements).toBe(one.statements);
  });
});

describe('a change refused because no seat of the other kind is free', () => {
  it('says "you" to the person, names them to their office, says that nothing changed and what to do; an offered seat is said to be kept as offered', async () => {
    t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
    const school = await t.org('Riverside Primary');
    const office = await t.user('office', school.id, 'Olu Office');
    const ben = await t.user('staff', school.id, 'Ben Evans');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const b = await book(s.id, ben, 'in_person');
    await book(s.id, await t.user('staff'), 'online');

    const own = await move(b.id, ben, 'online');
    expect(own.status).toBe(409);
    expect(own.json.error).toEqual({ code: 'conflict', message: 'There is no free online seat for you now, so you keep your in-person seat: nothing has changed. Check again later, as a seat may come free.' });
    const byOffice = await move(b.id, office, 'online');
    expect(byOffice.status).toBe(409);
    expect(byOffice.json.error).toEqual({ code: 'conflict', message: 'There is no free online seat for Ben Evans now, so Ben Evans keeps their in-person seat: nothing has changed. Check again later, as a seat may come free.' });

    // Offered: Ben gives his seat up, Cara (waiting) is offered it; online is still full.
    const cara = await t.user('staff', school.id, 'Cara Cole');
    const c = await book(s.id, cara, 'in_person');
    expect((await t.request('DELETE', `/api/bookings/${b.id}`, { as: ben })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${c.id}`, { as: cara })).json.status).toBe('offered');
    expect((await move(c.id, cara, 'online')).json.error.message).toBe('There is no free online seat for you now, so you keep the in-person seat offered to you: nothing has changed. Check again later, as a seat may come free.');
    expect((await move(c.id, office, 'online')).json.error.message).toBe('There is no free online seat for Cara Cole now, so Cara Cole keeps the in-person seat offered to them: nothing has changed. Check again later, as a seat may come free.');
    expect((await t.request('GET', `/api/bookings/${c.id}`, { as: cara })).json).toMatchObject({ status: 'offered', seat: 'in_person' });
    expect(await t.mails('seat_changed')).toHaveLength(0);
  });

  it('a waiting place changed to a kind with a seat free to its person gets it at once: offered until its hold runs out under the offer policy, as its summary said', async () => {
    t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 30 });
    await book(s.id, await t.user('staff'), 'in_person');
    const chloe = await t.user('staff', null, 'Chloe Clark');
    const c = await book(s.id, chloe, 'in_person');
    expect(c.status).toBe('waitlisted');
    expect(await otherSeats(c.id, chloe)).toMatchObject({ seat: 'online', free: 1, waitlistPolicy: 'offer', offerHoldMinutes: 30 });
    const res = await move(c.id, chloe, 'online');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ seat: 'online', status: 'offered', offerExpiresAt: '2026-03-01T09:30:00.000Z' });
  });
});
