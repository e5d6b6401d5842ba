/**
 * In-house training (issue 20, DESIGN.md invariant 12): a session for one organisation, or
 * for a trust and its schools, does not exist for anyone outside it: not in lists (with and
 * without fits=me), counts, the session page, any route about the session (booking, join,
 * attendance, holds, roster, transcript…), feeds or exports. Its people, its trainers and
 * administrators see it as any other session.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { runJobsOnce } from '../../server/jobs.js';
import { anyoneRuns, isTrainerOf } from '../../server/bookings/repository.js';
import { holdingLocks, lockWaits, makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const base = { mode: 'hybrid', venue: 'Main hall', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { inPerson: 5, online: 5 } };

/** A trust with two schools, a school outside it, and people in each. */
async function world() {
  const trust = await t.org('Oak Trust');
  const hill = await t.org('Hill Primary');
  const dale = await t.org('Dale Academy');
  const other = await t.org('Far School');
  await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', 'in', [hill.id, dale.id]).execute();
  const trainer = await t.user('trainer');
  const people = {
    hill: await t.user('staff', hill.id),
    hillOffice: await t.user('office', hill.id),
    dale: await t.user('staff', dale.id),
    trustStaff: await t.user('staff', trust.id),
    other: await t.user('staff', other.id),
    otherOffice: await t.user('office', other.id),
    otherTrainer: await t.user('trainer'),
    admin: await t.user('admin'),
  };
  const forHill = await t.session({ ...base, title: 'Hill INSET: zones of regulation', audience: { kind: 'organisation', orgId: hill.id } }, trainer);
  const forTrust = await t.session({ ...base, title: 'Oak Trust SENCO network', audience: { kind: 'trust', orgId: trust.id } }, trainer);
  const forAll = await t.session({ ...base, title: 'Programme: autism awareness' }, trainer);
  return { trustOrg: trust, hillOrg: hill, daleOrg: dale, otherOrg: other, trainer, ...people, forHill, forTrust, forAll };
}

const titles = (res: { json: { items: { title: string }[] } }) => res.json.items.map((s) => s.title).sort();

describe('who a session is for', () => {
  it('creates sessions for the programme, one organisation or a trust, and says so', async () => {
    const w = await world();
    expect(w.forHill.audience).toEqual({ kind: 'organisation', orgId: w.hillOrg.id, orgName: 'Hill Primary' });
    expect(w.forTrust.audience).toEqual({ kind: 'trust', orgId: w.trustOrg.id, orgName: 'Oak Trust' });
    expect(w.forAll.audience).toEqual({ kind: 'programme', orgId: null, orgName: null });
    // The list and the session page name the organisation too.
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.hill })).json.audience.orgName).toBe('Hill Primary');
    const listed = (await t.request('GET', '/api/sessions', { as: w.dale })).json.items.find((s: any) => s.id === w.forTrust.id);
    expect(listed.audience).toEqual({ kind: 'trust', orgId: w.trustOrg.id, orgName: 'Oak Trust' });
  });

  it('refuses an audience naming no organisation, or a "trust" with no schools, and creates nothing', async () => {
    const w = await world();
    const before = (await t.request('GET', '/api/sessions', { as: w.admin })).json.total;
    const missing = await t.request('POST', '/api/sessions', { as: w.trainer, body: { ...base, title: 'x', audience: { kind: 'organisation', orgId: randomUUID() } } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('validation_failed');
    expect(missing.json.error.message).toMatch(/organisation/);
    const notTrust = await t.request('POST', '/api/sessions', { as: w.trainer, body: { ...base, title: 'x', audience: { kind: 'trust', orgId: w.otherOrg.id } } });
    expect(notTrust.status).toBe(400);
    expect(notTrust.json.error.message).toMatch(/no schools/);
    const badKind = await t.request('POST', '/api/sessions', { as: w.trainer, body: { ...base, title: 'x', audience: { kind: 'everyone' } } });
    expect(badKind.status).toBe(400);
    expect((await t.request('GET', '/api/sessions', { as: w.admin })).json.total).toBe(before);
  });

  it('lists and counts only the sessions a person may see, with and without fits=me', async () => {
    const w = await world();
    const all = ['Hill INSET: zones of regulation', 'Oak Trust SENCO network', 'Programme: autism awareness'];
    const cases: [TestUser, string[]][] = [
      [w.hill, all],
      [w.hillOffice, all],
      [w.dale, ['Oak Trust SENCO network', 'Programme: autism awareness']],
      [w.trustStaff, ['Oak Trust SENCO network', 'Programme: autism awareness']],
      [w.other, ['Programme: autism awareness']],
      [w.otherOffice, ['Programme: autism awareness']],
      [w.otherTrainer, ['Programme: autism awareness']],
      [w.trainer, all],
      [w.admin, all],
    ];
    for (const [who, expected] of cases) {
      const res = await t.request('GET', '/api/sessions', { as: who });
      expect(res.status).toBe(200);
      expect(titles(res)).toEqual(expected);
      expect(res.json.total).toBe(expected.length);
      const fits = await t.request('GET', '/api/sessions?fits=me', { as: who });
      expect(titles(fits)).toEqual(expected);
      expect(fits.json.total).toBe(expected.length);
      const searched = await t.request('GET', '/api/sessions?q=SENCO', { as: who });
      expect(searched.json.total).toBe(expected.includes('Oak Trust SENCO network') ? 1 : 0);
    }
  });

  it('answers every route about a hidden session exactly as for a session that does not exist', async () => {
    const w = await world();
    const routes: [string, string, unknown?][] = [
      ['GET', ''],
      ['PATCH', '', { title: 'Renamed' }],
      ['POST', '/cancel', {}],
      ['POST', '/bookings', { seat: 'online' }],
      ['GET', '/bookings'],
      ['GET', '/attendees'],
      ['GET', '/attendees.csv'],
      ['GET', '/holds'],
      ['PUT', '/holds', { orgId: w.otherOrg.id, seat: 'online', seats: 1 }],
      ['GET', '/roster'],
      ['POST', '/join', {}],
      ['GET', '/live'],
      ['POST', '/presence', { event: 'join' }],
      ['GET', '/attendance'],
      ['GET', '/attendance.csv'],
      ['GET', '/checkin-code'],
      ['POST', '/checkin', { code: '123456' }],
      ['POST', '/captions', { segmentId: 'a', text: 'hello', final: true }],
      ['GET', '/transcript.vtt'],
      ['POST', '/messages', { subject: 'Hello', body: 'Hello all' }],
      ['GET', '/materials'],
      ['POST', '/materials', { materialId: randomUUID() }],
      ['POST', '/materials/links', { title: 'Slides', url: 'https://example.org/slides' }],
      ['DELETE', `/materials/${randomUUID()}`],
      ['GET', `/materials/${randomUUID()}/download`],
    ];
    const missing = randomUUID();
    for (const [who, sessionIds] of [
      [w.other, [w.forHill.id, w.forTrust.id]],
      [w.otherOffice, [w.forHill.id, w.forTrust.id]],
      [w.otherTrainer, [w.forHill.id, w.forTrust.id]],
      [w.dale, [w.forHill.id]],
    ] as [TestUser, string[]][]) {
      for (const [method, suffix, body] of routes) {
        const absent = await t.request(method, `/api/sessions/${missing}${suffix}`, { as: who, body });
        expect(absent.status, `${method} ${suffix} on a missing session`).toBe(404);
        for (const id of sessionIds) {
          const hidden = await t.request(method, `/api/sessions/${id}${suffix}`, { as: who, body });
          expect([hidden.status, hidden.json?.error], `${who.role} ${method} ${suffix}`).toEqual([absent.status, absent.json?.error]);
        }
      }
    }
    // Nothing was booked, held or changed by the attempts.
    const seen = await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.admin });
    expect(seen.json.title).toBe('Hill INSET: zones of regulation');
    expect(seen.json.status).toBe('scheduled');
    expect(seen.json.seats.online.confirmed).toBe(0);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}/holds`, { as: w.admin })).json.items).toEqual([]);
  });

  it('lets the people it is for see, book and be booked on it, and keeps it out of everyone else’s feeds and exports', async () => {
    const w = await world();
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.hill })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}`, { as: w.dale })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}`, { as: w.trustStaff })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.admin })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${w.forHill.id}/bookings`, { as: w.hill, body: { seat: 'online' } })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${w.forTrust.id}/bookings`, { as: w.dale, body: { seat: 'online' } })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${w.forAll.id}/bookings`, { as: w.other, body: { seat: 'online' } })).status).toBe(201);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}/roster`, { as: w.hillOffice })).status).toBe(200);

    // The trust's own session shows in a trust school's people's calendar feed; the outsider's feed has only the programme's.
    const feed = async (who: TestUser) => {
      const url = (await t.request('GET', '/api/me/calendar', { as: who })).json.url as string;
      return (await t.request('GET', new URL(url).pathname)).text;
    };
    expect(await feed(w.dale)).toContain('Oak Trust SENCO network');
    const outsiderFeed = await feed(w.other);
    expect(outsiderFeed).toContain('Programme: autism awareness');
    expect(outsiderFeed).not.toMatch(/Hill INSET|Oak Trust/);

    // The outsider school's exports and org feed hold only the programme session.
    const csv = await t.request('GET', `/api/orgs/${w.otherOrg.id}/bookings.csv`, { as: w.otherOffice });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('Programme: autism awareness');
    expect(csv.text).not.toMatch(/Hill INSET|Oak Trust/);
    const ics = await t.request('GET', `/api/orgs/${w.otherOrg.id}/bookings.ics`, { as: w.otherOffice });
    expect(ics.text).not.toMatch(/Hill INSET|Oak Trust/);
    const hillCsv = await t.request('GET', `/api/orgs/${w.hillOrg.id}/bookings.csv`, { as: w.hillOffice });
    expect(hillCsv.text).toContain('Hill INSET: zones of regulation');
  });

  it('does not let anyone book a person outside the session’s audience, not even an administrator', async () => {
    const w = await world();
    const res = await t.request('POST', `/api/sessions/${w.forHill.id}/bookings`, { as: w.admin, body: { seat: 'online', userId: w.other.id } });
    // The administrator sees the session, so is told why in words, naming the person.
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'outside_audience', message: `${w.other.name} is not among the staff this in-house session is for, so cannot be booked onto it.` });
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.admin })).json.seats.online.confirmed).toBe(0);
    expect((await t.request('POST', `/api/sessions/${w.forHill.id}/bookings`, { as: w.admin, body: { seat: 'online', userId: w.hill.id } })).status).toBe(201);
  });

  it('tells an administrator looking at an organisation’s people whether the session is for them', async () => {
    const w = await world();
    const forThem = async (sessionId: string, orgId: string) => {
      const res = await t.request('GET', `/api/sessions/${sessionId}/roster?orgId=${orgId}`, { as: w.admin });
      expect(res.status).toBe(200);
      return res.json.forThem;
    };
    expect([await forThem(w.forHill.id, w.hillOrg.id), await forThem(w.forHill.id, w.daleOrg.id), await forThem(w.forHill.id, w.trustOrg.id), await forThem(w.forHill.id, w.otherOrg.id)]).toEqual([true, false, false, false]);
    expect([await forThem(w.forTrust.id, w.trustOrg.id), await forThem(w.forTrust.id, w.hillOrg.id), await forThem(w.forTrust.id, w.daleOrg.id), await forThem(w.forTrust.id, w.otherOrg.id)]).toEqual([true, true, true, false]);
    expect(await forThem(w.forAll.id, w.otherOrg.id)).toBe(true);
    // As the booking engine says: one the roster says it is not for cannot be booked.
    expect((await t.request('POST', `/api/sessions/${w.forTrust.id}/bookings`, { as: w.admin, body: { seat: 'online', userId: w.other.id } })).json.error.code).toBe('outside_audience');
    expect((await t.request('POST', `/api/sessions/${w.forTrust.id}/bookings`, { as: w.admin, body: { seat: 'online', userId: w.dale.id } })).status).toBe(201);
    // An office sees its own people's roster on a session for them.
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}/roster?orgId=${w.hillOrg.id}`, { as: w.hillOffice })).json.forThem).toBe(true);
  });

  it('is not bookable by someone who may not see it, even for a person who may: a trust office and a school-only session', async () => {
    const w = await world();
    const trustOffice = await t.user('office', w.trustOrg.id);
    // The trust's office books for the trust's schools, but a session for Hill alone is not theirs to see.
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: trustOffice })).status).toBe(404);
    const missing = await t.request('POST', `/api/sessions/${randomUUID()}/bookings`, { as: trustOffice, body: { seat: 'online', userId: w.hill.id } });
    for (const body of [{ seat: 'online', userId: w.hill.id }, { seat: 'online', userIds: [w.hill.id] }]) {
      const res = await t.request('POST', `/api/sessions/${w.forHill.id}/bookings`, { as: trustOffice, body });
      expect([res.status, res.json.error]).toEqual([missing.status, missing.json.error]);
    }
    expect(missing.status).toBe(404);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.admin })).json.seats.online.confirmed).toBe(0);
    // The same office books the same person onto the trust's own session.
    expect((await t.request('POST', `/api/sessions/${w.forTrust.id}/bookings`, { as: trustOffice, body: { seat: 'online', userId: w.hill.id } })).status).toBe(201);
  });

  it('will not narrow the audience past people already booked, and can widen it', async () => {
    const w = await world();
    expect((await t.request('POST', `/api/sessions/${w.forTrust.id}/bookings`, { as: w.dale, body: { seat: 'online' } })).status).toBe(201);
    const narrow = await t.request('PATCH', `/api/sessions/${w.forTrust.id}`, { as: w.trainer, body: { audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect(narrow.status).toBe(409);
    expect(narrow.json.error.code).toBe('audience_excludes_booked');
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}`, { as: w.dale })).status).toBe(200);
    const widen = await t.request('PATCH', `/api/sessions/${w.forHill.id}`, { as: w.trainer, body: { audience: { kind: 'trust', orgId: w.trustOrg.id } } });
    expect(widen.status).toBe(200);
    expect(widen.json.audience).toEqual({ kind: 'trust', orgId: w.trustOrg.id, orgName: 'Oak Trust' });
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.dale })).status).toBe(200);
    const open = await t.request('PATCH', `/api/sessions/${w.forHill.id}`, { as: w.trainer, body: { audience: { kind: 'programme' } } });
    expect(open.json.audience).toEqual({ kind: 'programme', orgId: null, orgName: null });
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.other })).status).toBe(200);
  });
});

describe('seat holds on an in-house session', () => {
  it('are offered and allowed only for the organisations the session is for', async () => {
    const w = await world();
    const names = async (id: string) => (await t.request('GET', `/api/sessions/${id}/holds/organisations`, { as: w.trainer })).json.items.map((o: any) => o.name);
    expect(await names(w.forHill.id)).toEqual(['Hill Primary']);
    expect(await names(w.forTrust.id)).toEqual(['Dale Academy', 'Hill Primary', 'Oak Trust']);
    expect(await names(w.forAll.id)).toEqual(['Dale Academy', 'Far School', 'Hill Primary', 'Oak Trust']);
    // A session for a trust's own staff ("one organisation") is not for its schools.
    const forTrustStaff = await t.session({ ...base, title: 'Oak Trust central team', audience: { kind: 'organisation', orgId: w.trustOrg.id } }, w.trainer);
    expect(await names(forTrustStaff.id)).toEqual(['Oak Trust']);
    // Each organisation comes with its URN, when it has one.
    await t.db.updateTable('organisations').set({ urn: '100001' }).where('id', '=', w.hillOrg.id).execute();
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}/holds/organisations`, { as: w.trainer })).json.items).toEqual([{ id: w.hillOrg.id, name: 'Hill Primary', urn: '100001' }]);
    // Who may see the list: those who run the session.
    expect((await t.request('GET', `/api/sessions/${w.forAll.id}/holds/organisations`, { as: w.otherTrainer })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}/holds/organisations`, { as: w.otherTrainer })).status).toBe(404);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}/holds/organisations`, { as: w.other })).status).toBe(404);

    const hold = (id: string, orgId: string, seats = 2) => t.request('PUT', `/api/sessions/${id}/holds`, { as: w.trainer, body: { orgId, seat: 'online', seats } });
    const outside = await hold(w.forTrust.id, w.otherOrg.id);
    expect(outside.status).toBe(400);
    expect(outside.json.error.message).toMatch(/only be held for an organisation the session is for/);
    expect((await hold(w.forHill.id, w.daleOrg.id)).status).toBe(400);
    // Nothing was held by the refusals.
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}/holds`, { as: w.trainer })).json.items).toEqual([]);
    expect((await hold(w.forTrust.id, w.hillOrg.id)).status).toBe(204);
    expect((await hold(w.forHill.id, w.hillOrg.id)).status).toBe(204);
    expect((await hold(w.forAll.id, w.otherOrg.id)).status).toBe(204);

    // The audience cannot be narrowed past a school seats are held for; releasing the hold lets it.
    const narrow = await t.request('PATCH', `/api/sessions/${w.forTrust.id}`, { as: w.trainer, body: { audience: { kind: 'organisation', orgId: w.daleOrg.id } } });
    expect(narrow.status).toBe(409);
    expect(narrow.json.error.message).toMatch(/held on this session for Hill Primary/);
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}`, { as: w.trainer })).json.audience.kind).toBe('trust');
    expect((await hold(w.forTrust.id, w.hillOrg.id, 0)).status).toBe(204);
    expect((await t.request('PATCH', `/api/sessions/${w.forTrust.id}`, { as: w.trainer, body: { audience: { kind: 'organisation', orgId: w.daleOrg.id } } })).status).toBe(200);
  });
});

describe('in-house leads', () => {
  it('are told by /api/me that they run sessions, as trainers and admins are, and others are not', async () => {
    const w = await world();
    const runs = async (u: TestUser) => (await t.request('GET', '/api/me', { as: u })).json.runsSessions;
    expect(await runs(w.hill)).toBe(false);
    expect(await runs(w.trainer)).toBe(true);
    expect(await runs(w.admin)).toBe(true);
    expect(await runs(w.hillOffice)).toBe(false);
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice })).status).toBe(204);
    expect(await runs(w.hill)).toBe(true);
    expect((await t.request('DELETE', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(200);
    expect(await runs(w.hill)).toBe(false);
  });

  it('are chosen by an administrator or the organisation’s own office, from its own staff', async () => {
    const w = await world();
    const trustOffice = await t.user('office', w.trustOrg.id);
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hill })).status).toBe(403);
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.otherOffice })).status).toBe(403);
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.trainer })).status).toBe(403);
    // Someone of another school (here a sister school in the trust) is no one to Hill's office:
    // the same answer as an id that names nobody, without their name.
    const outsider = await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.dale.id}`, { as: w.hillOffice });
    const nobody = await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${randomUUID()}`, { as: w.hillOffice });
    expect(nobody.status).toBe(404);
    expect([outsider.status, outsider.json]).toEqual([nobody.status, nobody.json]);
    expect(outsider.text).not.toContain(w.dale.name);
    // An administrator is told why (the person is outside the organisation).
    const forAdmin = await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.dale.id}`, { as: w.admin });
    expect(forAdmin.status).toBe(400);
    expect(forAdmin.json.error.message).toMatch(/not a member/);
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice })).status).toBe(204);
    // A trust's office chooses from the trust's schools too.
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: trustOffice })).status).toBe(204);
    expect((await t.request('PUT', `/api/orgs/${w.otherOrg.id}/leads/${w.other.id}`, { as: w.admin })).status).toBe(204);
    const list = await t.request('GET', `/api/orgs/${w.hillOrg.id}/leads`, { as: w.hillOffice });
    expect(list.json.items.map((l: any) => l.userId)).toEqual([w.hill.id]);
    expect((await t.request('GET', `/api/orgs/${w.hillOrg.id}/leads`, { as: w.otherOffice })).status).toBe(403);
    // A trust's lead is offered its schools too (a session may be for one of them), by name.
    expect((await t.request('GET', '/api/me/lead-orgs', { as: w.dale })).json.items).toEqual([{ id: w.trustOrg.id, name: 'Oak Trust', trust: true, schools: [{ id: w.daleOrg.id, name: 'Dale Academy', partOf: 'Oak Trust', trust: false }, { id: w.hillOrg.id, name: 'Hill Primary', partOf: 'Oak Trust', trust: false }] }]);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: w.hill })).json.items).toEqual([{ id: w.hillOrg.id, name: 'Hill Primary', trust: false, schools: [] }]);
    expect((await t.request('DELETE', `/api/orgs/${w.otherOrg.id}/leads/${w.other.id}`, { as: w.admin })).status).toBe(200);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: w.other })).json.items).toEqual([]);
  });

  it('a lead of a local authority is offered every organisation under it, its trusts’ schools too, and may publish for one of them', async () => {
    const la = await t.org('Shire Council');
    const trust = await t.org('Shire Trust');
    const school = await t.org('Shire Primary');
    await t.db.updateTable('organisations').set({ parent_id: la.id }).where('id', '=', trust.id).execute();
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const lead = await t.user('staff', la.id);
    expect((await t.request('PUT', `/api/orgs/${la.id}/leads/${lead.id}`, { as: await t.user('admin') })).status).toBe(204);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: lead })).json.items).toEqual([{ id: la.id, name: 'Shire Council', trust: true, schools: [{ id: school.id, name: 'Shire Primary', partOf: 'Shire Trust', trust: false }, { id: trust.id, name: 'Shire Trust', partOf: 'Shire Council', trust: true }] }]);
    const made = await t.request('POST', '/api/sessions', { as: lead, body: { ...base, title: 'Shire Primary twilight', audience: { kind: 'organisation', orgId: school.id } } });
    expect(made.status, made.text).toBe(201);
    // And for one of its trusts, trust-wide.
    const trustWide = await t.request('POST', '/api/sessions', { as: lead, body: { ...base, title: 'Shire Trust network', audience: { kind: 'trust', orgId: trust.id } } });
    expect(trustWide.status, trustWide.text).toBe(201);
  });

  it('create and run sessions for their own organisation (or trust’s schools) only, with a trainer’s tools for them and nothing beyond', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    const inset = { ...base, title: 'Our INSET', mode: 'online', venue: null, capacity: { online: 30 } };

    // Not a lead: no publishing at all. A lead: not for the programme, not for another school.
    expect((await t.request('POST', '/api/sessions', { as: w.other, body: { ...inset, audience: { kind: 'organisation', orgId: w.otherOrg.id } } })).status).toBe(403);
    expect((await t.request('POST', '/api/sessions', { as: w.hill, body: inset })).status).toBe(403);
    expect((await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, audience: { kind: 'organisation', orgId: w.daleOrg.id } } })).status).toBe(403);
    expect((await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, audience: { kind: 'trust', orgId: w.trustOrg.id } } })).status).toBe(403);
    expect((await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, audience: { kind: 'organisation', orgId: w.hillOrg.id }, trainerIds: [w.trainer.id] } })).status).toBe(403);
    expect((await t.request('GET', '/api/me/sessions', { as: w.other })).status).toBe(403);

    const mine = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect(mine.status).toBe(201);
    expect(mine.json.trainerIds).toEqual([w.hill.id]);
    // A trust's lead publishes for the trust, or one of its schools.
    expect((await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Trust network', audience: { kind: 'trust', orgId: w.trustOrg.id } } })).status).toBe(201);
    expect((await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'For Hill', audience: { kind: 'organisation', orgId: w.hillOrg.id } } })).status).toBe(201);
    expect((await t.request('POST', '/api/sessions/series', { as: w.hill, body: { session: { ...inset, audience: { kind: 'organisation', orgId: w.hillOrg.id } }, occurrences: [{ startsAt: '2026-03-17T16:00:00Z', endsAt: '2026-03-17T17:00:00Z' }] } })).status).toBe(201);

    // Everything a trainer has for their own session: my sessions, edit, attendees, register, messages, holds.
    const id = mine.json.id;
    const hillColleague = await t.user('staff', w.hillOrg.id);
    expect((await t.request('POST', `/api/sessions/${id}/bookings`, { as: hillColleague, body: { seat: 'online' } })).status).toBe(201);
    const runs = await t.request('GET', '/api/me/sessions', { as: w.hill });
    expect(runs.status).toBe(200);
    expect(runs.json.items.map((i: any) => i.session.title)).toEqual(['Our INSET', 'Our INSET']);
    expect((await t.request('PATCH', `/api/sessions/${id}`, { as: w.hill, body: { title: 'Our INSET day' } })).json.title).toBe('Our INSET day');
    expect((await t.request('PATCH', `/api/sessions/${id}`, { as: w.hill, body: { audience: { kind: 'programme' } } })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${id}/attendees`, { as: w.hill })).json.items.map((a: any) => a.userId ?? a.user?.id)).toHaveLength(1);
    expect((await t.request('GET', `/api/sessions/${id}/attendance`, { as: w.hill })).status).toBe(200);
    // In-house attendance is told apart in the export.
    const csv = await t.request('GET', `/api/sessions/${id}/attendance.csv`, { as: w.hill });
    expect(csv.text.split('\r\n')[0]).toMatch(/,audience$/);
    expect(csv.text.split('\r\n')[1]).toMatch(/,in-house: Hill Primary$/);
    expect((await t.request('GET', `/api/sessions/${w.forAll.id}/attendance.csv`, { as: w.admin })).text.split('\r\n')[0]).toMatch(/,audience$/);
    expect((await t.request('POST', `/api/sessions/${id}/messages`, { as: w.hill, body: { text: 'Bring your laptop.' } })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${id}/cancel`, { as: w.hill, body: {} })).status).toBe(200);

    // Nothing beyond: not the programme's sessions, not the trust lead's, not admin's pages.
    for (const other of [w.forAll.id, w.forHill.id]) {
      expect((await t.request('PATCH', `/api/sessions/${other}`, { as: w.hill, body: { title: 'Mine now' } })).status).toBe(403);
      expect((await t.request('GET', `/api/sessions/${other}/attendees`, { as: w.hill })).status).toBe(403);
      expect((await t.request('GET', `/api/sessions/${other}/attendance`, { as: w.hill })).status).toBe(403);
      expect((await t.request('POST', `/api/sessions/${other}/cancel`, { as: w.hill, body: {} })).status).toBe(403);
    }
    expect((await t.request('GET', '/api/outbox', { as: w.hill })).status).toBe(403);
    expect((await t.request('POST', '/api/courses', { as: w.hill, body: { title: 'x' } })).status).toBe(403);
  });

  it('whose message to their session’s people says who sent it, as an in-house lead, never “your trainer”; an administrator’s and an older message’s are true too', async () => {
    const w = await world();
    const chloe = await t.user('staff', w.hillOrg.id, 'Chloe Lead');
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${chloe.id}`, { as: w.hillOffice })).status).toBe(204);
    const made = await t.request('POST', '/api/sessions', { as: chloe, body: { ...base, title: 'Hill twilight: ADHD', mode: 'online', venue: null, capacity: { online: 10 }, audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect(made.status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${made.json.id}/bookings`, { as: w.hill, body: { seat: 'online' } })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${made.json.id}/messages`, { as: chloe, body: { text: 'Bring your class list.' } })).status).toBe(201);
    const [fromLead] = await t.mails('trainer_message');
    expect(fromLead!.acted_by).toBe(chloe.id);
    expect(fromLead!.message.subject).toBe('Message from Chloe Lead: Hill twilight: ADHD');
    expect(fromLead!.message.text).toContain('Chloe Lead (in-house lead) has sent this message about the session:\n\nBring your class list.');
    expect(fromLead!.message.html).toContain('<h1 style="font-size: 22px;">Message from Chloe Lead: Hill twilight: ADHD</h1>');
    expect(`${fromLead!.message.subject}\n${fromLead!.message.text}`).not.toMatch(/trainer/i);

    // An administrator writing is named as one.
    const admin = await t.user('admin', null, 'Ada Admin');
    expect((await t.request('POST', `/api/sessions/${made.json.id}/messages`, { as: admin, body: { text: 'The room has changed.' } })).status).toBe(201);
    const fromAdmin = (await t.mails('trainer_message'))[1]!;
    expect([fromAdmin.message.subject, fromAdmin.message.text.includes('Ada Admin (administrator) has sent this message about the session:')]).toEqual(['Message from Ada Admin: Hill twilight: ADHD', true]);

    // A message written before senders were recorded names no one, and says nothing untrue of a lead.
    await t.db.updateTable('outbox').set({ acted_by: null }).where('id', '=', fromLead!.id).execute();
    const [older] = await t.mails('trainer_message');
    expect(older!.message.subject).toBe('Message from the session’s organiser: Hill twilight: ADHD');
    expect(older!.message.text).toContain('The session’s organiser has sent this message about the session:');

    // As the administrators' Mail page lists it.
    const listed = (await t.request('GET', `/api/outbox?to=${encodeURIComponent(w.hill.email)}`, { as: admin })).json.items.map((m: any) => m.subject);
    expect(listed).toContain('Message from Ada Admin: Hill twilight: ADHD');
  });

  it('who are office staff see every hold and booking of the trust sessions they run, as a trainer does; other office staff only their own school’s', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.hillOffice.id}`, { as: w.admin })).status).toBe(204);
    const created = await t.request('POST', '/api/sessions', { as: w.hillOffice, body: { ...base, title: 'Trust INSET', mode: 'online', venue: null, capacity: { online: 10 }, audience: { kind: 'trust', orgId: w.trustOrg.id } } });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id;
    // The lead holds seats for a sister school and for their own.
    expect((await t.request('PUT', `/api/sessions/${id}/holds`, { as: w.hillOffice, body: { orgId: w.daleOrg.id, seat: 'online', seats: 2 } })).status).toBe(204);
    expect((await t.request('PUT', `/api/sessions/${id}/holds`, { as: w.hillOffice, body: { orgId: w.hillOrg.id, seat: 'online', seats: 1 } })).status).toBe(204);
    for (const p of [w.hill, w.dale]) expect((await t.request('POST', `/api/sessions/${id}/bookings`, { as: p, body: {} })).status).toBe(201);

    const holds = await t.request('GET', `/api/sessions/${id}/holds`, { as: w.hillOffice });
    expect(holds.json.items.map((h: { orgId: string }) => h.orgId).sort()).toEqual([w.daleOrg.id, w.hillOrg.id].sort());
    const roster = await t.request('GET', `/api/sessions/${id}/bookings`, { as: w.hillOffice });
    expect(roster.json.items.map((b: { userId: string }) => b.userId).sort()).toEqual([w.dale.id, w.hill.id].sort());

    // Dale's office, not running it, sees Dale's part only.
    const daleOffice = await t.user('office', w.daleOrg.id);
    expect((await t.request('GET', `/api/sessions/${id}/holds`, { as: daleOffice })).json.items.map((h: { orgId: string }) => h.orgId)).toEqual([w.daleOrg.id]);
    expect((await t.request('GET', `/api/sessions/${id}/bookings`, { as: daleOffice })).json.items.map((b: { userId: string }) => b.userId)).toEqual([w.dale.id]);
    // Removed as lead, Hill's office is back to Hill's part.
    expect((await t.request('DELETE', `/api/orgs/${w.trustOrg.id}/leads/${w.hillOffice.id}`, { as: w.admin })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${id}/holds`, { as: w.hillOffice })).json.items.map((h: { orgId: string }) => h.orgId)).toEqual([w.hillOrg.id]);
    expect((await t.request('GET', `/api/sessions/${id}/bookings`, { as: w.hillOffice })).json.items.map((b: { userId: string }) => b.userId)).toEqual([w.hill.id]);
  });

  it('may not publish sessions (or a series) of a course an administrator limited to named trainers, as a trainer not named may not', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice })).status).toBe(204);
    const restricted = (await t.request('POST', '/api/courses', { as: w.admin, body: { title: 'Accredited SENCO module' } })).json;
    const open = (await t.request('POST', '/api/courses', { as: w.admin, body: { title: 'Open INSET course' } })).json;
    expect((await t.request('PUT', `/api/courses/${restricted.id}/trainers`, { as: w.admin, body: { trainerIds: [w.trainer.id] } })).status).toBe(200);
    const inset = { ...base, title: 'Our module', mode: 'online', venue: null, capacity: { online: 30 }, audience: { kind: 'organisation', orgId: w.hillOrg.id } };
    const before = (await t.request('GET', '/api/sessions', { as: w.admin })).json.total;

    const lead = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, courseId: restricted.id } });
    expect(lead.status).toBe(400);
    expect(lead.json.error.message).toBe(`${w.hill.name} may not run sessions of this course.`);
    const series = await t.request('POST', '/api/sessions/series', { as: w.hill, body: { session: { ...inset, courseId: restricted.id }, occurrences: [{ startsAt: '2026-03-17T16:00:00Z', endsAt: '2026-03-17T17:00:00Z' }] } });
    expect(series.status).toBe(400);
    // The same answer as a trainer who is not named; nothing was published.
    expect((await t.request('POST', '/api/sessions', { as: w.otherTrainer, body: { ...inset, courseId: restricted.id } })).status).toBe(400);
    expect((await t.request('GET', '/api/sessions', { as: w.admin })).json.total).toBe(before);
    expect((await t.request('GET', '/api/me/sessions', { as: w.hill })).json.items).toEqual([]);

    // The named trainer may; the lead still may publish a course nobody limited.
    expect((await t.request('POST', '/api/sessions', { as: w.trainer, body: { ...inset, courseId: restricted.id } })).status).toBe(201);
    expect((await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, courseId: open.id } })).status).toBe(201);
  });
});

describe('in-house training counts the same, and exports tell it apart', () => {
  const csvRows = (text: string) => parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];

  it('completions (JSON and CSV), the organisation’s completions, its bookings export and the attendees list say who each session was for', async () => {
    const w = await world();
    const booked: Record<string, string> = {};
    for (const [who, s] of [[w.hill, w.forHill], [w.hill, w.forAll], [w.dale, w.forTrust]] as [TestUser, { id: string }][]) {
      const res = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: { seat: 'online' } });
      expect(res.status).toBe(201);
      booked[`${who.id}:${s.id}`] = res.json.id;
    }
    t.clock.set('2026-03-10T17:05:00Z');
    for (const [key, bookingId] of Object.entries(booked)) {
      const sessionId = key.split(':')[1]!;
      expect((await t.request('PUT', `/api/sessions/${sessionId}/attendance/${bookingId}`, { as: w.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    }
    t.clock.set('2026-03-10T18:30:00Z');
    await runJobsOnce(t.deps, null);

    // Both of Hill's person's sessions count towards their CPD record, each saying who it was for.
    const mine = await t.request('GET', '/api/me/completions', { as: w.hill });
    expect(mine.json.items.map((i: any) => [i.title, i.audience]).sort()).toEqual([
      ['Hill INSET: zones of regulation', 'in-house: Hill Primary'],
      ['Programme: autism awareness', 'programme'],
    ]);
    const mineCsv = csvRows((await t.request('GET', '/api/me/completions.csv', { as: w.hill })).text);
    expect(mineCsv.map((r) => [r.session, r['minutes present'], r.audience]).sort()).toEqual([
      ['Hill INSET: zones of regulation', '55', 'in-house: Hill Primary'],
      ['Programme: autism awareness', '55', 'programme'],
    ]);
    const daleCsv = csvRows((await t.request('GET', '/api/me/completions.csv', { as: w.dale })).text);
    expect(daleCsv.map((r) => r.audience)).toEqual(['in-house: Oak Trust and its schools']);
    const orgCompletions = await t.request('GET', `/api/orgs/${w.hillOrg.id}/completions`, { as: w.hillOffice });
    expect(orgCompletions.json.items.map((i: any) => i.audience).sort()).toEqual(['in-house: Hill Primary', 'programme']);

    // The office's bookings export.
    const bookingsCsv = csvRows((await t.request('GET', `/api/orgs/${w.hillOrg.id}/bookings.csv`, { as: w.hillOffice })).text);
    expect(bookingsCsv.map((r) => [r['session title'], r.audience]).sort()).toEqual([
      ['Hill INSET: zones of regulation', 'in-house: Hill Primary'],
      ['Programme: autism awareness', 'programme'],
    ]);

    // The trainer's "who is coming" lists.
    const attendees = async (id: string) => csvRows((await t.request('GET', `/api/sessions/${id}/attendees.csv`, { as: w.trainer })).text).map((r) => r.audience);
    expect(await attendees(w.forHill.id)).toEqual(['in-house: Hill Primary']);
    expect(await attendees(w.forTrust.id)).toEqual(['in-house: Oak Trust and its schools']);
    expect(await attendees(w.forAll.id)).toEqual(['programme']);
  });
});

describe('a school’s own in-house session and its trust’s office', () => {
  // The trust's office acts for Hill, but a session for Hill alone is not theirs to see (see
  // "a trust office and a school-only session" above): nor are its bookings, in any read.
  it('is in none of the office’s reads of the school: bookings, exports, feed, one booking, its invite, cover, training record, coverage', async () => {
    const w = await world();
    const trustOffice = await t.user('office', w.trustOrg.id);
    const hillOnly = await t.user('staff', w.hillOrg.id, 'Holly Only'); // booked on the school's own session alone
    const book = async (who: TestUser, s: { id: string }) => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: { seat: 'online' } })).json.id as string;
    const secret = await book(w.hill, w.forHill);
    const onlySecret = await book(hillOnly, w.forHill);
    const open = await book(w.hill, w.forAll);
    const hidden = /Hill INSET/;
    const org = `/api/orgs/${w.hillOrg.id}`;

    // The school's bookings, as a list, both exports and the office's feed.
    const sessionIds = async (who: TestUser) => (await t.request('GET', `${org}/bookings`, { as: who })).json.items.map((b: any) => b.sessionId).sort();
    expect(await sessionIds(trustOffice)).toEqual([w.forAll.id]);
    expect(await sessionIds(w.hillOffice)).toEqual([w.forHill.id, w.forHill.id, w.forAll.id].sort());
    for (const path of [`${org}/bookings.csv`, `${org}/bookings.ics`]) {
      const res = await t.request('GET', path, { as: trustOffice });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Programme: autism awareness');
      expect(res.text).not.toMatch(hidden);
      expect((await t.request('GET', path, { as: w.hillOffice })).text).toMatch(hidden);
    }
    const feed = async (who: TestUser) => (await t.request('GET', new URL((await t.request('GET', `${org}/calendar`, { as: who })).json.url).pathname)).text;
    const trustFeed = await feed(trustOffice);
    expect(trustFeed).toContain('Programme: autism awareness');
    expect(trustFeed).not.toMatch(hidden);
    expect(await feed(w.hillOffice)).toMatch(hidden);

    // One booking, its invite, cancelling it: as for a booking that does not exist.
    const missing = await t.request('GET', `/api/bookings/${randomUUID()}`, { as: trustOffice });
    expect([missing.status, missing.json.error.message]).toEqual([404, 'No such booking.']);
    for (const [method, path] of [['GET', `/api/bookings/${secret}`], ['GET', `/api/bookings/${secret}/invite.ics`], ['DELETE', `/api/bookings/${secret}`], ['POST', `/api/bookings/${secret}/seat`]] as const) {
      const res = await t.request(method, path, { as: trustOffice, body: method === 'POST' ? { seat: 'in_person' } : undefined });
      expect([method, path, res.status, res.json?.error]).toEqual([method, path, 404, missing.json.error]);
    }
    expect((await t.request('GET', `/api/bookings/${secret}`, { as: w.admin })).json.status).toBe('confirmed');
    expect((await t.request('GET', `/api/bookings/${open}`, { as: trustOffice })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${open}/invite.ics`, { as: trustOffice })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${secret}`, { as: w.hillOffice })).status).toBe(200);

    // The cover report: every session clashes with an afternoon of lessons, and only the one it may see shows.
    for (const who of [w.hill, hillOnly]) {
      const put = await t.request('PUT', `/api/users/${who.id}/timetable`, { as: w.hillOffice, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nTuesday,15:00,18:00,After-school club\n' });
      expect(put.status).toBe(200);
    }
    const cover = async (who: TestUser) => (await t.request('GET', `${org}/cover?from=2026-03-09T00:00:00Z&to=2026-03-12T00:00:00Z`, { as: who })).json.items.map((i: any) => i.session.title).sort();
    expect(await cover(trustOffice)).toEqual(['Programme: autism awareness']);
    expect(await cover(w.hillOffice)).toEqual(['Hill INSET: zones of regulation', 'Hill INSET: zones of regulation', 'Programme: autism awareness']);
    const coverCsv = await t.request('GET', `${org}/cover.csv?from=2026-03-09T00:00:00Z&to=2026-03-12T00:00:00Z`, { as: trustOffice });
    expect(coverCsv.text).toContain('Programme: autism awareness');
    expect(coverCsv.text).not.toMatch(hidden);

    // Attended: the training record and the coverage figures.
    t.clock.set('2026-03-10T17:05:00Z');
    for (const [s, id] of [[w.forHill, secret], [w.forHill, onlySecret], [w.forAll, open]] as const) {
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${id}`, { as: w.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    }
    t.clock.set('2026-03-10T18:30:00Z');
    await runJobsOnce(t.deps, null);
    const record = await t.request('GET', `${org}/completions`, { as: trustOffice });
    expect([record.json.total, record.json.items.map((i: any) => i.title)]).toEqual([1, ['Programme: autism awareness']]);
    expect((await t.request('GET', `${org}/completions`, { as: w.hillOffice })).json.total).toBe(3);
    // One person's record, as each reader may see it: the trust's office not the school's own session.
    const hillRecord = async (who: TestUser) => (await t.request('GET', `/api/users/${w.hill.id}/completions`, { as: who })).json.items.map((i: any) => i.title).sort();
    expect(await hillRecord(w.hill)).toEqual(['Hill INSET: zones of regulation', 'Programme: autism awareness']);
    expect(await hillRecord(w.hillOffice)).toEqual(['Hill INSET: zones of regulation', 'Programme: autism awareness']);
    expect(await hillRecord(trustOffice)).toEqual(['Programme: autism awareness']);
    const recordCsv = await t.request('GET', `${org}/completions.csv`, { as: trustOffice });
    expect(recordCsv.text).toContain('Programme: autism awareness');
    expect(recordCsv.text).not.toMatch(hidden);

    const coverage = async (who: TestUser) => (await t.request('GET', `/api/reach/coverage?orgId=${w.hillOrg.id}`, { as: who })).json.totals;
    expect(await coverage(w.hillOffice)).toMatchObject({ booked: 2, attended: 2 });
    expect(await coverage(trustOffice)).toMatchObject({ booked: 1, attended: 1 });
    const trustWide = (await t.request('GET', '/api/reach/coverage', { as: trustOffice })).json.byOrg.find((o: any) => o.orgId === w.hillOrg.id);
    expect(trustWide).toMatchObject({ booked: 1, attended: 1 });
    const notBooked = async (who: TestUser) => (await t.request('GET', `/api/reach/not-booked?orgId=${w.hillOrg.id}`, { as: who })).json.items.map((p: any) => p.userId);
    expect(await notBooked(trustOffice)).toContain(hillOnly.id);
    expect(await notBooked(w.hillOffice)).not.toContain(hillOnly.id);
  });
});

describe('an in-house lead who no longer leads', () => {
  const inset = { mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 30 } };
  const runs = async (u: TestUser) => (await t.request('GET', '/api/me', { as: u })).json.runsSessions;
  /** What a session's manager may read and do, as `who` is answered (status per route). */
  const managing = async (who: TestUser, id: string) => ({
    attendees: (await t.request('GET', `/api/sessions/${id}/attendees`, { as: who })).status,
    attendance: (await t.request('GET', `/api/sessions/${id}/attendance`, { as: who })).status,
    edit: (await t.request('PATCH', `/api/sessions/${id}`, { as: who, body: { title: 'Still mine' } })).status,
    message: (await t.request('POST', `/api/sessions/${id}/messages`, { as: who, body: { text: 'Bring your laptop.' } })).status,
    feedback: (await t.request('GET', `/api/sessions/${id}/feedback`, { as: who })).status,
    cancel: (await t.request('POST', `/api/sessions/${id}/cancel`, { as: who, body: {} })).status,
  });

  it('moved by an administrator to another school: leads the old one no more (publishing, /api/me, its sessions and its people)', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(204);
    const mine = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, title: 'Our INSET', audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect(mine.status).toBe(201);
    const colleague = await t.user('staff', w.hillOrg.id);
    expect((await t.request('POST', `/api/sessions/${mine.json.id}/bookings`, { as: colleague, body: { seat: 'online' } })).status).toBe(201);

    const moved = await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.otherOrg.id } });
    expect(moved.status).toBe(200);
    expect(await runs(w.hill)).toBe(false);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: w.hill })).json.items).toEqual([]);
    expect((await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, title: 'Sneaky', audience: { kind: 'organisation', orgId: w.hillOrg.id } } })).status).toBe(403);
    // Hill's own session does not exist for them any more (DESIGN.md invariant 12), nor its people.
    const attendees = await t.request('GET', `/api/sessions/${mine.json.id}/attendees`, { as: w.hill });
    expect(attendees.status).toBe(404);
    expect(attendees.text).not.toContain(colleague.email);
    expect(await managing(w.hill, mine.json.id)).toEqual({ attendees: 404, attendance: 404, edit: 404, message: 404, feedback: 404, cancel: 404 });
    expect((await t.request('GET', `/api/sessions/${mine.json.id}`, { as: w.hill })).status).toBe(404);
    expect((await t.request('GET', '/api/sessions', { as: w.hill })).json.items.map((s: any) => s.id)).not.toContain(mine.json.id);
    // Hill's leads no longer list them, and putting them back in Hill does not bring the right back.
    expect((await t.request('GET', `/api/orgs/${w.hillOrg.id}/leads`, { as: w.admin })).json.items).toEqual([]);
    expect((await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.hillOrg.id } })).status).toBe(200);
    expect(await runs(w.hill)).toBe(false);
  });

  it('moved within their trust, or made a trainer: keeps leading the trust while in it, and a trainer runs sessions by role', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.daleOrg.id } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: w.hill })).json.items).toEqual([{ id: w.trustOrg.id, name: 'Oak Trust', trust: true, schools: [{ id: w.daleOrg.id, name: 'Dale Academy', partOf: 'Oak Trust', trust: false }, { id: w.hillOrg.id, name: 'Hill Primary', partOf: 'Oak Trust', trust: false }] }]);
    expect((await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'office', orgId: w.daleOrg.id } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: w.hill })).json.items).toHaveLength(1);
    expect((await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'trainer', orgId: null } })).status).toBe(200);
    expect((await t.request('GET', `/api/orgs/${w.trustOrg.id}/leads`, { as: w.admin })).json.items).toEqual([]);
  });

  it('removed as a lead, the sessions still to come that now have no one able to run them are listed', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice })).status).toBe(204);
    const at = (d: number) => ({ startsAt: `2026-03-${d}T16:00:00.000Z`, endsAt: `2026-03-${d}T17:00:00.000Z` });
    const second = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, ...at(20), title: 'Second INSET', audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    const first = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, ...at(12), title: 'First INSET', audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    const helped = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, ...at(14), title: 'With a trainer', audience: { kind: 'organisation', orgId: w.hillOrg.id }, trainerIds: [w.hill.id, w.trainer.id] } });
    expect([second.status, first.status, helped.status]).toEqual([201, 201, 201]);

    const removed = await t.request('DELETE', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({
      sessionsWithoutTrainer: [
        { id: first.json.id, title: 'First INSET', startsAt: '2026-03-12T16:00:00.000Z' },
        { id: second.json.id, title: 'Second INSET', startsAt: '2026-03-20T16:00:00.000Z' },
      ],
    });
    // Someone who was not a lead leaves nothing without a trainer.
    expect((await t.request('DELETE', `/api/orgs/${w.hillOrg.id}/leads/${w.dale.id}`, { as: w.admin })).json).toEqual({ sessionsWithoutTrainer: [] });
  });

  it('whose school leaves the trust they lead: leads it no more', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    const network = await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Trust network', audience: { kind: 'trust', orgId: w.trustOrg.id } } });
    expect(network.status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${network.json.id}/bookings`, { as: w.hill, body: { seat: 'online' } })).status).toBe(201);

    expect((await t.request('PATCH', `/api/orgs/${w.daleOrg.id}`, { as: w.admin, body: { parentId: null } })).status).toBe(200);
    expect(await runs(w.dale)).toBe(false);
    expect((await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Sneaky', audience: { kind: 'trust', orgId: w.trustOrg.id } } })).status).toBe(403);
    const attendees = await t.request('GET', `/api/sessions/${network.json.id}/attendees`, { as: w.dale });
    expect(attendees.status).toBe(404);
    expect(attendees.text).not.toContain(w.hill.email);
    expect((await t.request('GET', `/api/sessions/${network.json.id}`, { as: w.dale })).status).toBe(404);
    expect((await t.request('GET', `/api/orgs/${w.trustOrg.id}/leads`, { as: w.admin })).json.items).toEqual([]);
  });

  it('removed as a lead: runs the sessions they published no more, and My sessions keeps only those they still run', async () => {
    const w = await world();
    // Dale's lead for both Dale and the trust publishes one session as each.
    expect((await t.request('PUT', `/api/orgs/${w.daleOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    const forDale = await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Dale INSET', audience: { kind: 'organisation', orgId: w.daleOrg.id } } });
    const forTrust = await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Trust network', audience: { kind: 'trust', orgId: w.trustOrg.id } } });
    const forHill = await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'For Hill', audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect([forDale.status, forTrust.status, forHill.status]).toEqual([201, 201, 201]);
    expect((await t.request('POST', `/api/sessions/${forTrust.json.id}/bookings`, { as: w.hill, body: { seat: 'online' } })).status).toBe(201);
    const mySessions = async () => (await t.request('GET', '/api/me/sessions', { as: w.dale })).json.items.map((i: any) => i.session.title).sort();
    expect(await mySessions()).toEqual(['Dale INSET', 'For Hill', 'Trust network']);

    expect((await t.request('DELETE', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(200);
    expect(await runs(w.dale)).toBe(true);
    expect(await mySessions()).toEqual(['Dale INSET']);
    // The trust's session is still for Dale's staff (so theirs to see, not to run); the one for Hill alone no longer exists for them.
    expect(await managing(w.dale, forTrust.json.id)).toEqual({ attendees: 403, attendance: 403, edit: 403, message: 403, feedback: 403, cancel: 403 });
    expect(await managing(w.dale, forHill.json.id)).toEqual({ attendees: 404, attendance: 404, edit: 404, message: 404, feedback: 404, cancel: 404 });
    expect((await t.request('GET', `/api/sessions/${forHill.json.id}`, { as: w.dale })).status).toBe(404);
    expect((await t.request('GET', `/api/sessions/${forTrust.json.id}/attendees`, { as: w.dale })).text).not.toContain(w.hill.email);
    expect((await t.request('GET', `/api/sessions/${forDale.json.id}/attendees`, { as: w.dale })).status).toBe(200);

    // Made the trust's lead again, they run its sessions again.
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${forTrust.json.id}/attendees`, { as: w.dale })).status).toBe(200);

    // No longer a lead of anything: nothing of it is theirs to run.
    for (const org of [w.trustOrg, w.daleOrg]) expect((await t.request('DELETE', `/api/orgs/${org.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(200);
    expect(await runs(w.dale)).toBe(false);
    expect((await t.request('GET', '/api/me/sessions', { as: w.dale })).status).toBe(403);
    expect(await managing(w.dale, forDale.json.id)).toEqual({ attendees: 403, attendance: 403, edit: 403, message: 403, feedback: 403, cancel: 403 });
    // The sessions themselves are untouched: their trainer is still named, and an administrator runs them.
    expect((await t.request('GET', `/api/sessions/${forDale.json.id}`, { as: w.admin })).json).toMatchObject({ title: 'Dale INSET', status: 'scheduled', trainerIds: [w.dale.id] });
  });

  it('removed as lead of one organisation but still leading another: the session page says which of their sessions they run (youRun), as the server decides', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.daleOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(204);
    const forDale = await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Dale INSET', audience: { kind: 'organisation', orgId: w.daleOrg.id } } });
    const forTrust = await t.request('POST', '/api/sessions', { as: w.dale, body: { ...inset, title: 'Trust network', audience: { kind: 'trust', orgId: w.trustOrg.id } } });
    expect([forDale.status, forTrust.status]).toEqual([201, 201]);
    const youRun = async (who: TestUser, id: string) => {
      const res = await t.request('GET', `/api/sessions/${id}`, { as: who });
      expect(res.status).toBe(200);
      return res.json.youRun;
    };
    expect([await youRun(w.dale, forDale.json.id), await youRun(w.dale, forTrust.json.id)]).toEqual([true, true]);

    expect((await t.request('DELETE', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: w.admin })).status).toBe(200);
    // Still a lead (of Dale), and still named on the trust's session: only the server knows which they run.
    expect(await runs(w.dale)).toBe(true);
    expect((await t.request('GET', `/api/sessions/${forTrust.json.id}`, { as: w.dale })).json.trainerIds).toEqual([w.dale.id]);
    expect(await youRun(w.dale, forTrust.json.id)).toBe(false);
    expect(await youRun(w.dale, forDale.json.id)).toBe(true);
    expect((await t.request('GET', `/api/sessions/${forTrust.json.id}/attendance`, { as: w.dale })).status).toBe(403);
    // A session's trainer and an administrator run it; a member of staff it is for does not.
    expect(await youRun(w.trainer, w.forTrust.id)).toBe(true);
    expect(await youRun(w.admin, w.forTrust.id)).toBe(true);
    expect(await youRun(w.admin, forTrust.json.id)).toBe(true);
    expect(await youRun(w.hill, w.forTrust.id)).toBe(false);
    expect(await youRun(w.hill, forTrust.json.id)).toBe(false);
    expect(await youRun(w.otherTrainer, w.forAll.id)).toBe(false);
    // Lists do not compute it.
    const listed = (await t.request('GET', '/api/sessions', { as: w.dale })).json.items;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((s: any) => !('youRun' in s))).toBe(true);
  });
});

describe('an in-house session whose lead left, given to another lead by its office', () => {
  const inset = { mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 30 } };
  const give = (id: string, userId: string, as: TestUser) => t.request('PUT', `/api/sessions/${id}/trainers/${userId}`, { as });
  const page = async (id: string, as: TestUser) => (await t.request('GET', `/api/sessions/${id}`, { as })).json;
  const unstaffed = async () => (await t.request('GET', '/api/me/sessions?when=unstaffed', { as: (await t.user('admin')) })).json.items.map((i: { session: { id: string } }) => i.session.id);

  it('the school’s office gives it to one of the school’s leads, who runs it from then on; no one else may, and no one but a lead is taken', async () => {
    const w = await world();
    const nia = await t.user('staff', w.hillOrg.id, 'Nia Newlead');
    const off = await t.user('staff', w.hillOrg.id, 'Otto Turnedoff');
    for (const lead of [w.hill, nia, off]) expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${lead.id}`, { as: w.hillOffice })).status).toBe(204);
    const created = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, title: 'Hill INSET on sensory needs', audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    const id = created.json.id as string;
    // While its lead runs it the office may still give it to another, and is told it is run.
    expect(await page(id, w.hillOffice)).toMatchObject({ mayGiveToLead: true, noOneRuns: false, youRun: false });
    expect((await t.request('DELETE', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice })).json.sessionsWithoutTrainer.map((s: { id: string }) => s.id)).toEqual([id]);
    // It says who is named on it, and that they no longer run it.
    expect(await page(id, w.hillOffice)).toMatchObject({ mayGiveToLead: true, noOneRuns: true, namedToRun: [{ userId: w.hill.id, name: w.hill.name, runs: false }] });
    expect((await page(id, w.admin)).namedToRun).toBeUndefined();
    expect((await t.request('GET', `/api/sessions/${id}/attendees`, { as: nia })).status).toBe(403);
    expect(await unstaffed()).toContain(id);
    // The office's own list of its sessions needing a lead has it (the trust's office's and anyone else's do not).
    const needing = (org: string, as: TestUser) => t.request('GET', `/api/orgs/${org}/sessions-needing-lead`, { as });
    expect((await needing(w.hillOrg.id, w.hillOffice)).json).toEqual({ items: [{ id, title: 'Hill INSET on sensory needs', startsAt: '2026-03-10T16:00:00.000Z' }], total: 1 });
    expect((await needing(w.hillOrg.id, w.admin)).json.total).toBe(1);
    for (const who of [w.hill, nia, w.trainer, w.otherOffice, await t.user('office', w.trustOrg.id)]) expect((await needing(w.hillOrg.id, who)).status).toBe(403);

    // Nobody else may give it: staff, a lead, another school's office, the trust's office (a
    // school's own session does not exist for it), a trainer; the session page does not offer it.
    const trustOffice = await t.user('office', w.trustOrg.id);
    expect((await give(id, nia.id, w.hill)).status).toBe(403);
    expect((await give(id, nia.id, nia)).status).toBe(403);
    expect((await give(id, nia.id, w.trainer)).status).toBe(404);
    expect((await give(id, nia.id, w.otherOffice)).status).toBe(404);
    expect((await give(id, nia.id, trustOffice)).status).toBe(404);
    for (const who of [nia, w.trainer]) expect((await page(id, who)).mayGiveToLead).toBeUndefined();

    // Only a lead of the school, account on: not a member of staff who does not lead it, not a
    // lead whose account is off, not someone of another school, nor no one at all.
    await t.db.updateTable('users').set({ disabled_at: '2026-02-01T00:00:00.000Z' }).where('id', '=', off.id).execute();
    // The office's list of leads says whose account is off (the page offers only the others).
    const listed = (await t.request('GET', `/api/orgs/${w.hillOrg.id}/leads`, { as: w.hillOffice })).json.items;
    expect(listed.map((l: { name: string; accountOff: boolean }) => [l.name, l.accountOff])).toEqual([['Nia Newlead', false], ['Otto Turnedoff', true]]);
    // A lead who moved to another school keeps the lead row the move left behind, which grants nothing.
    const moved = await t.user('staff', w.hillOrg.id, 'Mo Moved');
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${moved.id}`, { as: w.hillOffice })).status).toBe(204);
    expect((await t.request('PUT', `/api/users/${moved.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.otherOrg.id } })).status).toBe(200);
    for (const userId of [w.hill.id, off.id, moved.id, w.dale.id, w.other.id, randomUUID()]) {
      const refused = await give(id, userId, w.hillOffice);
      expect(refused.status, userId).toBe(400);
      expect(refused.json.error).toMatchObject({ code: 'validation_failed', message: 'Choose one of Hill Primary’s in-house leads: only they can run its sessions.' });
    }
    expect((await t.db.selectFrom('session_trainers').select('user_id').where('session_id', '=', id).execute()).map((r) => r.user_id)).toEqual([w.hill.id]);

    // Given: Nia runs it (who is coming, My sessions, the session page), it has someone to run
    // it again, and giving it twice changes nothing.
    expect((await give(id, nia.id, w.hillOffice)).status).toBe(204);
    expect((await give(id, nia.id, w.hillOffice)).status).toBe(204);
    // Nia is told once, by email, with a link to the session; the refusals above told no one.
    const told = await t.mails('session_given');
    expect(told.map((m) => m.to_email)).toEqual([nia.email]);
    expect(told[0]!.message.subject).toBe('You now run “Hill INSET on sensory needs”');
    expect(told[0]!.message.text).toContain('As an in-house lead for Hill Primary, you have been given the session “Hill INSET on sensory needs” to run, on Tuesday, 10 March 2026, 16:00 to 17:00 (GMT).');
    expect(told[0]!.message.text).toContain(`http://localhost:3000/sessions/${id}`);
    expect(told[0]!.message.html).toContain(`<a href="http://localhost:3000/sessions/${id}"`);
    expect((await t.request('GET', `/api/sessions/${id}/attendees`, { as: nia })).status).toBe(200);
    expect((await t.request('GET', '/api/me/sessions', { as: nia })).json.items.map((i: { session: { id: string } }) => i.session.id)).toEqual([id]);
    expect(await page(id, nia)).toMatchObject({ youRun: true, noOneRuns: false });
    // Handed over: Hill, who no longer runs it, is taken off it; Nia alone is named.
    expect(await page(id, w.hillOffice)).toMatchObject({ mayGiveToLead: true, noOneRuns: false, trainerIds: [nia.id], namedToRun: [{ userId: nia.id, name: 'Nia Newlead', runs: true }] });
    expect(await unstaffed()).not.toContain(id);
    expect((await needing(w.hillOrg.id, w.hillOffice)).json).toEqual({ items: [], total: 0 });
    // An administrator may too; given to someone beside a lead who still runs it, both run it.
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(204);
    expect((await give(id, w.hill.id, w.admin)).status).toBe(204);
    expect((await page(id, w.hillOffice)).namedToRun.map((n: { name: string; runs: boolean }) => [n.name, n.runs])).toEqual([
      ['Nia Newlead', true],
      [w.hill.name, true],
    ]);
  });

  it.runIf(usePostgres)('a lead removed at the moment their school gives them a session: the giving waits for the removal and refuses them; the session is not given', async () => {
    const w = await world();
    const nia = await t.user('staff', w.hillOrg.id, 'Nia Newlead');
    for (const lead of [w.hill, nia]) expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${lead.id}`, { as: w.hillOffice })).status).toBe(204);
    const id = (await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, title: 'Hill INSET', audience: { kind: 'organisation', orgId: w.hillOrg.id } } })).json.id as string;
    // Nia's removal is under way (not yet committed) as the office gives her the session.
    const release = await holdingLocks(t, (trx) => trx.deleteFrom('inhouse_leads').where('org_id', '=', w.hillOrg.id).where('user_id', '=', nia.id).execute());
    const giving = give(id, nia.id, w.hillOffice);
    try {
      await expect.poll(() => lockWaits(t)).toBe(1);
    } finally {
      await release();
    }
    const answer = await giving;
    expect(answer.status, answer.text).toBe(400);
    expect((await page(id, w.hillOffice)).trainerIds).toEqual([w.hill.id]);
    expect(await t.mails('session_given')).toEqual([]);
  });

  it('a trust’s session goes to the trust’s leads, by the trust’s office only; programme, cancelled and ended sessions are not given', async () => {
    const w = await world();
    const trustOffice = await t.user('office', w.trustOrg.id);
    expect((await t.request('PUT', `/api/orgs/${w.trustOrg.id}/leads/${w.dale.id}`, { as: trustOffice })).status).toBe(204);
    // A school's office does not give its trust's session, though it sees it; the trust's office does.
    expect((await page(w.forTrust.id, w.hillOffice)).mayGiveToLead).toBeUndefined();
    expect((await give(w.forTrust.id, w.dale.id, w.hillOffice)).status).toBe(403);
    expect(await page(w.forTrust.id, trustOffice)).toMatchObject({ mayGiveToLead: true, noOneRuns: false });
    // The trust's list has its own sessions only: none needs a lead while their trainer runs them.
    expect((await t.request('GET', `/api/orgs/${w.trustOrg.id}/sessions-needing-lead`, { as: trustOffice })).json).toEqual({ items: [], total: 0 });
    await t.db.updateTable('users').set({ role: 'staff' }).where('id', '=', w.trainer.id).execute();
    const trustList = (await t.request('GET', `/api/orgs/${w.trustOrg.id}/sessions-needing-lead?limit=1`, { as: trustOffice })).json;
    expect(trustList).toEqual({ items: [{ id: w.forTrust.id, title: 'Oak Trust SENCO network', startsAt: '2026-03-10T16:00:00.000Z' }], total: 1 });
    expect((await t.request('GET', `/api/orgs/${w.hillOrg.id}/sessions-needing-lead`, { as: w.admin })).json.items.map((s: { id: string }) => s.id)).toEqual([w.forHill.id]);
    await t.db.updateTable('users').set({ role: 'trainer' }).where('id', '=', w.trainer.id).execute();
    expect((await give(w.forTrust.id, w.dale.id, trustOffice)).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}/attendees`, { as: w.dale })).status).toBe(200);

    // The programme's sessions have trainers an administrator names.
    expect((await page(w.forAll.id, trustOffice)).mayGiveToLead).toBeUndefined();
    const programme = await give(w.forAll.id, w.dale.id, w.admin);
    expect(programme.status).toBe(403);
    expect(programme.json.error.message).toBe('Only in-house sessions are given to their organisation’s leads; an administrator names the trainers of programme sessions.');
    // Nothing is left to run once it has ended, or was cancelled.
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.hillOffice })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${w.forHill.id}/cancel`, { as: w.trainer, body: {} })).status).toBe(200);
    expect((await page(w.forHill.id, w.hillOffice)).mayGiveToLead).toBeUndefined();
    expect((await give(w.forHill.id, w.hill.id, w.hillOffice)).status).toBe(409);
    t.clock.advance(Date.parse('2026-03-10T17:00:00.000Z') - Date.parse('2026-03-01T09:00:00.000Z'));
    expect((await page(w.forTrust.id, trustOffice)).mayGiveToLead).toBeUndefined();
    const ended = await give(w.forTrust.id, w.dale.id, trustOffice);
    expect(ended.status).toBe(409);
    expect(ended.json.error.message).toBe('This session has ended or been cancelled: there is nothing left to run.');
  });
});

describe('feedback on the sessions someone no longer runs', () => {
  const inset = { mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 30 } };
  const listed = async (who: TestUser) => {
    const res = await t.request('GET', '/api/me/feedback/sessions', { as: who });
    expect(res.status).toBe(200);
    return res.json.items.map((i: any) => i.sessionId);
  };
  /** `runner`'s session `id` held, a colleague of Hill attending it, and their feedback given. */
  async function heldWithFeedback(runner: TestUser, id: string, hillOrgId: string) {
    const colleague = await t.user('staff', hillOrgId);
    const booked = await t.request('POST', `/api/sessions/${id}/bookings`, { as: colleague, body: { seat: 'online' } });
    expect(booked.status).toBe(201);
    t.clock.set('2026-03-10T17:30:00Z');
    expect((await t.request('PUT', `/api/sessions/${id}/attendance/${booked.json.id}`, { as: runner, body: { attended: true, minutes: 60 } })).status).toBe(200);
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('PUT', `/api/sessions/${id}/feedback/mine`, { as: colleague, body: { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'Useful' } })).status).toBe(200);
  }

  it('lists only the ended sessions they still run: not once a lead is moved, removed, or a trainer made staff', async () => {
    const w = await world();
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(204);
    const mine = await t.request('POST', '/api/sessions', { as: w.hill, body: { ...inset, title: 'Our INSET', audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect(mine.status).toBe(201);
    await heldWithFeedback(w.hill, mine.json.id, w.hillOrg.id);
    expect(await listed(w.hill)).toEqual([mine.json.id]);

    // Moved to another school: the session and its feedback are not theirs, nor listed.
    expect((await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.otherOrg.id } })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${mine.json.id}`, { as: w.hill })).status).toBe(404);
    expect((await t.request('GET', `/api/sessions/${mine.json.id}/feedback`, { as: w.hill })).status).toBe(404);
    expect(await listed(w.hill)).toEqual([]);

    // Back at Hill and made its lead again, they run it again, and its feedback is listed again.
    expect((await t.request('PUT', `/api/users/${w.hill.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.hillOrg.id } })).status).toBe(200);
    expect(await listed(w.hill)).toEqual([]);
    expect((await t.request('PUT', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(204);
    expect(await listed(w.hill)).toEqual([mine.json.id]);
    expect((await t.request('GET', `/api/sessions/${mine.json.id}/feedback`, { as: w.hill })).status).toBe(200);

    // Removed as Hill's lead (still at Hill, so the session is still theirs to see): not theirs to run, nor listed.
    expect((await t.request('DELETE', `/api/orgs/${w.hillOrg.id}/leads/${w.hill.id}`, { as: w.admin })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${mine.json.id}`, { as: w.hill })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${mine.json.id}/feedback`, { as: w.hill })).status).toBe(403);
    expect(await listed(w.hill)).toEqual([]);
    expect(await listed(w.admin)).toContain(mine.json.id);
  });

  it('a trainer made a member of staff no longer sees the feedback of the sessions they ran', async () => {
    const w = await world();
    await heldWithFeedback(w.trainer, w.forHill.id, w.hillOrg.id);
    const ran = [w.forHill.id, w.forTrust.id, w.forAll.id].sort();
    expect((await listed(w.trainer)).sort()).toEqual(ran);
    // Staff at Hill now: the session is for them to see, not to run.
    expect((await t.request('PUT', `/api/users/${w.trainer.id}/placement`, { as: w.admin, body: { role: 'staff', orgId: w.hillOrg.id } })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}`, { as: w.trainer })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${w.forHill.id}/feedback`, { as: w.trainer })).status).toBe(403);
    expect(await listed(w.trainer)).toEqual([]);
    // A trainer again: theirs again.
    expect((await t.request('PUT', `/api/users/${w.trainer.id}/placement`, { as: w.admin, body: { role: 'trainer', orgId: null } })).status).toBe(200);
    expect((await listed(w.trainer)).sort()).toEqual(ran);
  });
});

describe('narrowing an in-house session’s audience past its register', () => {
  it('is refused while anyone outside the narrower audience attended or was marked absent', async () => {
    const w = await world();
    const book = async (who: TestUser) => (await t.request('POST', `/api/sessions/${w.forTrust.id}/bookings`, { as: who, body: { seat: 'online' } })).json.id as string;
    const daleBooking = await book(w.dale);
    const hillBooking = await book(w.hill);
    t.clock.set('2026-03-10T17:05:00Z');
    expect((await t.request('PUT', `/api/sessions/${w.forTrust.id}/attendance/${daleBooking}`, { as: w.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${w.forTrust.id}/attendance/${hillBooking}`, { as: w.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    t.clock.set('2026-03-10T18:30:00Z');
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', `/api/bookings/${daleBooking}`, { as: w.dale })).json.status).toBe('attended');

    const narrow = await t.request('PATCH', `/api/sessions/${w.forTrust.id}`, { as: w.trainer, body: { audience: { kind: 'organisation', orgId: w.hillOrg.id } } });
    expect(narrow.status).toBe(409);
    expect(narrow.json.error.code).toBe('audience_excludes_booked');
    expect(narrow.json.error.message).toBe('One person on this session’s register (attended or absent) is outside that audience: choose a wider audience (a register is the record of their training and stays theirs).');
    // Their session, and their record of it, are still theirs.
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}`, { as: w.dale })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${w.forTrust.id}`, { as: w.admin })).json.audience.kind).toBe('trust');
    const both = await t.request('PATCH', `/api/sessions/${w.forTrust.id}`, { as: w.trainer, body: { audience: { kind: 'organisation', orgId: w.otherOrg.id } } });
    expect(both.json.error.message).toMatch(/^2 people on this session’s register \(attended or absent\) are outside that audience/);
  });
});

describe('sessions no one can run, in one query', () => {
  it('who runs a session: every kind of named trainer and audience, asked by id, by anyone, by what they see and list, and the administrators’ list is those no one runs', async () => {
    const w = await world();
    const lead = async (u: TestUser, orgId: string) => t.db.insertInto('inhouse_leads').values({ user_id: u.id, org_id: orgId, created_by: w.admin.id, created_at: t.clock.now().toISOString() }).execute();
    const offTrainer = await t.user('trainer', null, 'Turned-off trainer');
    await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', offTrainer.id).execute();
    const hillLead = await t.user('staff', w.hillOrg.id, 'Hill lead');
    await lead(hillLead, w.hillOrg.id);
    const trustLead = await t.user('office', w.daleOrg.id, 'Trust lead at Dale');
    await lead(trustLead, w.trustOrg.id);
    const strayLead = await t.user('staff', w.daleOrg.id, 'Dale staff leading Hill'); // not in their own chain: grants nothing
    await lead(strayLead, w.hillOrg.id);
    const farLead = await t.user('staff', w.otherOrg.id, 'Far lead');
    await lead(farLead, w.otherOrg.id);
    const offLead = await t.user('staff', w.hillOrg.id, 'Turned-off Hill lead');
    await lead(offLead, w.hillOrg.id);
    await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', offLead.id).execute();
    const trainerLead = await t.user('trainer', null, 'Trainer with a lead row');
    await lead(trainerLead, w.hillOrg.id);
    const named = [w.trainer, w.admin, offTrainer, hillLead, trustLead, strayLead, farLead, offLead, trainerLead, w.hill];
    const audiences = [undefined, { kind: 'organisation', orgId: w.hillOrg.id }, { kind: 'organisation', orgId: w.daleOrg.id }, { kind: 'organisation', orgId: w.otherOrg.id }, { kind: 'trust', orgId: w.trustOrg.id }, { kind: 'organisation', orgId: w.trustOrg.id }];
    // Who runs what, by the rule in DESIGN.md: each named trainer's row, one mark per audience
    // above (programme, Hill, Dale, Far, the trust as a trust, the trust as an organisation).
    const expected: Record<string, string> = {
      [w.trainer.name]: 'xxxxxx',
      [w.admin.name]: 'xxxxxx',
      [offTrainer.name]: '......', // turned off
      [hillLead.name]: '.x....', // leads Hill: Hill's sessions only, never the programme's
      [trustLead.name]: '.xx.xx', // leads the trust: its sessions and its schools'
      [strayLead.name]: '......', // leads outside their own chain
      [farLead.name]: '...x..',
      [offLead.name]: '......', // turned off
      [trainerLead.name]: 'xxxxxx', // a trainer by role
      [w.hill.name]: '......', // staff, leading nothing
    };
    const cases: { id: string; runs: boolean; who: TestUser }[] = [];
    for (const [i, who] of named.entries()) {
      for (const [j, audience] of audiences.entries()) {
        const startsAt = new Date(Date.parse('2026-04-01T09:00:00Z') + (i * audiences.length + j) * 3_600_000).toISOString();
        const s = await t.session({ ...base, title: `${who.name} / ${audience ? `${audience.kind} ${j}` : 'programme'}`, startsAt, endsAt: new Date(Date.parse(startsAt) + 1_800_000).toISOString(), ...(audience ? { audience } : {}) }, w.trainer);
        await t.db.deleteFrom('session_trainers').where('session_id', '=', s.id).execute();
        await t.db.insertInto('session_trainers').values({ session_id: s.id, user_id: who.id }).execute();
        const runs = expected[who.name]![j] === 'x';
        expect(await isTrainerOf(t.db, s.id, who.id), s.title).toBe(runs);
        expect(await anyoneRuns(t.db, s.id), s.title).toBe(runs);
        // The sessions they are shown, and listed as theirs to run, follow the same rule.
        const seen = await t.request('GET', `/api/sessions/${s.id}`, { as: who });
        if (runs) expect(seen.status, s.title).toBe(200);
        cases.push({ id: s.id, runs, who });
      }
    }
    // Each one's own list of the sessions they run (My sessions) is those of theirs that they run;
    // someone who runs nothing has no such list.
    expect((await t.request('GET', '/api/me/sessions', { as: strayLead })).status).toBe(403);
    for (const who of [w.trainer, hillLead, trustLead, farLead, trainerLead]) {
      const mine = await t.request('GET', '/api/me/sessions?when=upcoming&limit=200', { as: who });
      expect(mine.status, `${who.name}: ${mine.text}`).toBe(200);
      const theirs = mine.json.items.map((i: { session: { id: string } }) => i.session.id).filter((id: string) => cases.some((c) => c.id === id));
      expect(theirs, who.name).toEqual(cases.filter((c) => c.who === who && c.runs).map((c) => c.id));
    }
    // Both answers occur, so the comparison above means something.
    expect(cases.filter((c) => c.runs).length).toBeGreaterThan(10);
    expect(cases.filter((c) => !c.runs).length).toBeGreaterThan(10);
    // A second named trainer who runs it takes a session off the list.
    const helped = cases.find((c) => !c.runs)!;
    await t.db.insertInto('session_trainers').values({ session_id: helped.id, user_id: w.trainer.id }).execute();
    expect(await anyoneRuns(t.db, helped.id)).toBe(true);
    helped.runs = true;

    const unstaffed = await t.request('GET', '/api/me/sessions?when=unstaffed&limit=200', { as: w.admin });
    expect(unstaffed.status).toBe(200);
    const listed = unstaffed.json.items.map((i: { session: { id: string } }) => i.session.id);
    expect(listed).toEqual(cases.filter((c) => !c.runs).map((c) => c.id)); // soonest first, as made
    expect(unstaffed.json.total).toBe(listed.length);
    // Anyone else is told it is not theirs to ask.
    for (const who of [w.trainer, hillLead, w.hillOffice]) {
      const refused = await t.request('GET', '/api/me/sessions?when=unstaffed', { as: who });
      expect(refused.status, who.name).toBe(403);
    }
  });

  it('the list leaves out cancelled and ended sessions, and pages', async () => {
    const w = await world();
    const gone = await t.user('trainer', null, 'Gone trainer');
    const at = (d: number) => ({ startsAt: `2026-03-${String(d).padStart(2, '0')}T16:00:00.000Z`, endsAt: `2026-03-${String(d).padStart(2, '0')}T17:00:00.000Z` });
    const made = [];
    for (const d of [5, 3, 9, 7]) made.push(await t.session({ ...base, ...at(d), title: `Day ${d}` }, gone));
    const cancelled = await t.session({ ...base, ...at(4), title: 'Cancelled' }, gone);
    expect((await t.request('POST', `/api/sessions/${cancelled.id}/cancel`, { as: gone, body: {} })).status).toBe(200);
    expect((await t.request('PATCH', `/api/users/${gone.id}`, { as: w.admin, body: { disabled: true } })).status).toBe(200);
    const page = async (offset: number) => (await t.request('GET', `/api/me/sessions?when=unstaffed&limit=2&offset=${offset}`, { as: w.admin })).json;
    expect((await page(0)).items.map((i: any) => i.session.title)).toEqual(['Day 3', 'Day 5']);
    expect((await page(2)).items.map((i: any) => i.session.title)).toEqual(['Day 7', 'Day 9']);
    expect((await page(0)).total).toBe(4);
    t.clock.set('2026-03-06T09:00:00.000Z'); // Days 3 and 5 are over
    expect((await page(0)).items.map((i: any) => i.session.title)).toEqual(['Day 7', 'Day 9']);
    expect((await page(0)).total).toBe(2);
  });
});
