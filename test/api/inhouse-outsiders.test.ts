/**
 * Nobody outside an in-house session's audience is booked onto it (README "In-house
 * training", DESIGN.md invariant 12), whoever books them: administrators see every session
 * and its trainers (and in-house leads) run it, but seeing or running it does not make them
 * its staff, so none is booked onto it, by themselves or anyone; and the seats the session
 * page reports are not "free to" them. Its own people (staff and office; a trust's schools'
 * for a trust's session) book and are booked as before.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const base = { mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 3 } };

/** A trust with two schools, an in-house session for one of them, one for the trust, and a programme session. */
async function world() {
  const trust = await t.org('Oak Trust');
  const riverside = await t.org('Riverside Primary School');
  const dale = await t.org('Dale Academy');
  await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', 'in', [riverside.id, dale.id]).execute();
  const trainer = await t.user('trainer');
  const people = {
    admin: await t.user('admin'),
    otherTrainer: await t.user('trainer'),
    staff: await t.user('staff', riverside.id),
    office: await t.user('office', riverside.id),
    dale: await t.user('staff', dale.id),
  };
  const forRiverside = await t.session({ ...base, title: 'Riverside INSET', audience: { kind: 'organisation', orgId: riverside.id } }, trainer);
  const forTrust = await t.session({ ...base, title: 'Oak Trust network', audience: { kind: 'trust', orgId: trust.id } }, trainer);
  const forAll = await t.session({ ...base, title: 'Programme session' }, trainer);
  return { trust, riverside, daleOrg: dale, trainer, ...people, forRiverside, forTrust, forAll };
}

const book = (as: TestUser, sessionId: string, body: Record<string, unknown> = {}) => t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: { seat: 'online', ...body } });
const seats = async (as: TestUser, sessionId: string) => (await t.request('GET', `/api/sessions/${sessionId}`, { as })).json.seats.online;
const coming = async (sessionId: string) => (await t.request('GET', `/api/sessions/${sessionId}/bookings`, { as: (await t.user('admin')) })).json.items.map((b: { userId: string }) => b.userId);

describe('people outside an in-house session are not booked onto it', () => {
  it('refuses an administrator booking themselves, saying whom the session is for', async () => {
    const w = await world();
    const res = await book(w.admin, w.forRiverside.id);
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({ code: 'outside_audience', message: 'This in-house session is only for the staff of Riverside Primary School, so you cannot book a place on it.' });
    // A trust's session says its schools too.
    const trust = await book(w.admin, w.forTrust.id);
    expect(trust.status).toBe(403);
    expect(trust.json.error.message).toBe('This in-house session is only for the staff of Oak Trust and its schools, so you cannot book a place on it.');
    expect(await coming(w.forRiverside.id)).toEqual([]);
    expect(await coming(w.forTrust.id)).toEqual([]);
  });

  it('refuses an administrator booking a trainer, alone or in a list, and books the insiders of the same list', async () => {
    const w = await world();
    for (const who of [w.trainer, w.otherTrainer]) {
      const res = await book(w.admin, w.forRiverside.id, { userId: who.id });
      expect(res.status).toBe(403);
      expect(res.json.error).toEqual({ code: 'outside_audience', message: `${who.name} is not among the staff this in-house session is for, so cannot be booked onto it.` });
    }
    const many = await book(w.admin, w.forRiverside.id, { userIds: [w.otherTrainer.id, w.staff.id, w.admin.id] });
    expect(many.status).toBe(201);
    expect(many.json.results.map((r: any) => r.error?.code ?? r.status)).toEqual(['outside_audience', 'confirmed', 'outside_audience']);
    expect(await coming(w.forRiverside.id)).toEqual([w.staff.id]);
  });

  it('refuses the session’s trainer booking themselves; to another trainer it does not exist', async () => {
    const w = await world();
    const res = await book(w.trainer, w.forRiverside.id);
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({ code: 'outside_audience', message: 'This in-house session is only for the staff of Riverside Primary School, so you cannot book a place on it.' });
    expect((await book(w.trainer, w.forTrust.id)).json.error.code).toBe('outside_audience');
    // A trainer who does not run it does not see it, so gets what a missing session gets (as before).
    const hidden = await book(w.otherTrainer, w.forRiverside.id);
    expect([hidden.status, hidden.json.error.code]).toEqual([404, 'not_found']);
    expect(await coming(w.forRiverside.id)).toEqual([]);
    expect(await coming(w.forTrust.id)).toEqual([]);
  });

  it('refuses a trust’s lead from another of its schools, who runs a school’s own session but is not its staff', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.trust.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    // They publish and run a session for Riverside alone (a trust's lead leads its schools' sessions)…
    const theirs = await t.session({ ...base, title: 'Riverside twilight', audience: { kind: 'organisation', orgId: w.riverside.id } }, w.dale);
    expect((await t.request('GET', `/api/sessions/${theirs.id}`, { as: w.dale })).json.youRun).toBe(true);
    // …but are not among its staff; the trust's own session is theirs to book.
    const res = await book(w.dale, theirs.id);
    expect([res.status, res.json.error.code]).toEqual([403, 'outside_audience']);
    expect((await seats(w.dale, theirs.id)).available).toBe(0);
    expect((await book(w.office, theirs.id)).json.status).toBe('confirmed');
    expect((await book(w.dale, w.forTrust.id)).json.status).toBe('confirmed');
  });

  it('still books its own people: staff themselves, their office, an administrator for them, a trust’s schools on the trust’s session', async () => {
    const w = await world();
    expect((await book(w.staff, w.forRiverside.id)).json.status).toBe('confirmed');
    expect((await book(w.office, w.forRiverside.id)).json.status).toBe('confirmed');
    const officeBooks = await t.user('staff', w.riverside.id);
    expect((await book(w.office, w.forRiverside.id, { userId: officeBooks.id })).json.status).toBe('confirmed');
    // Full: the next insider joins the waitlist, as on any session.
    expect((await book(w.admin, w.forRiverside.id, { userId: (await t.user('staff', w.riverside.id)).id })).json).toMatchObject({ status: 'waitlisted', position: 1 });
    // A trust's session: its schools' staff, booked by the trust's office.
    const trustOffice = await t.user('office', w.trust.id);
    expect((await book(trustOffice, w.forTrust.id, { userIds: [w.dale.id, w.staff.id] })).json.results.map((r: any) => r.status)).toEqual(['confirmed', 'confirmed']);
  });

  it('books everyone onto a programme session as before: administrators and trainers themselves too', async () => {
    const w = await world();
    expect((await book(w.admin, w.forAll.id)).json.status).toBe('confirmed');
    expect((await book(w.otherTrainer, w.forAll.id)).json.status).toBe('confirmed');
    expect((await book(w.admin, w.forAll.id, { userId: w.dale.id })).json.status).toBe('confirmed');
    expect(await seats(w.admin, w.forAll.id)).toMatchObject({ confirmed: 3, available: 0 });
  });
});

describe('the seats an in-house session reports to someone outside it', () => {
  it('are not free to an administrator or trainer, while its own staff see them free', async () => {
    const w = await world();
    for (const who of [w.admin, w.trainer]) {
      expect(await seats(who, w.forRiverside.id)).toEqual({ capacity: 3, confirmed: 0, offered: 0, waitlisted: 0, available: 0, publicAvailable: 3, heldForViewer: 0 });
      expect((await seats(who, w.forTrust.id)).available).toBe(0);
      const listed = (await t.request('GET', '/api/sessions?from=2026-03-01T00:00:00Z', { as: who })).json.items;
      expect(listed.find((s: { id: string }) => s.id === w.forRiverside.id).seats.online.available).toBe(0);
      // A programme session's seats are free to them as before.
      expect((await seats(who, w.forAll.id)).available).toBe(3);
    }
    expect(await seats(w.staff, w.forRiverside.id)).toMatchObject({ available: 3, publicAvailable: 3 });
    expect(await seats(w.office, w.forRiverside.id)).toMatchObject({ available: 3 });
    expect(await seats(w.dale, w.forTrust.id)).toMatchObject({ available: 3 });
  });

  it('counts a school’s hold as free to that school only, and to no administrator', async () => {
    const w = await world();
    const held = await t.request('PUT', `/api/sessions/${w.forRiverside.id}/holds`, { as: w.trainer, body: { orgId: w.riverside.id, seat: 'online', seats: 2 } });
    expect(held.status).toBe(204);
    expect(await seats(w.staff, w.forRiverside.id)).toMatchObject({ available: 3, publicAvailable: 1, heldForViewer: 2 });
    expect(await seats(w.admin, w.forRiverside.id)).toMatchObject({ available: 0, publicAvailable: 1, heldForViewer: 0 });
  });
});

describe('those who run an in-house session', () => {
  it('see on My sessions the seats free to the people it is for, not none', async () => {
    const school = await t.org('Ash Primary');
    const trainer = await t.user('trainer', null, 'Tia Trainer');
    const s = await t.session({ ...base, title: 'Ash INSET', capacity: { online: 4 }, audience: { kind: 'organisation', orgId: school.id } }, trainer);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff', school.id), body: {} });
    const res = await t.request('GET', '/api/me/sessions', { as: trainer });
    expect(res.status, res.text).toBe(200);
    const mine = (res.json.items as { session: { id: string; seats: { online: { available: number; confirmed: number } } } }[]).find((i) => i.session.id === s.id)!;
    expect(mine.session.seats.online).toMatchObject({ confirmed: 1, available: 3 });
  });
});
