/**
 * Who needs cover, for those who deliver a session: an in-house lead (or any of the
 * organisation's people named on a session who runs it) is away from their class as surely
 * as someone booked on it. The cover report (JSON and CSV) lists them as delivering, once,
 * only for the organisation they belong to, only on sessions its reader may see (DESIGN.md
 * invariant 12), never for a cancelled session, and counts them against the report's bound.
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

// Tuesday 10 March 2026 (GMT): the sessions run 16:00 to 17:00.
const at = { startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' };
const hybrid = { ...at, mode: 'hybrid', venue: 'Main hall', capacity: { inPerson: 5, online: 5 } };
const online = { ...at, mode: 'online', venue: null, capacity: { online: 5 } };
const week = 'from=2026-03-09&to=2026-03-13';

/** A trust with two schools; a lead at each school, and one for the whole trust at Dale. */
async function world() {
  const trust = await t.org('Oak Trust');
  const hill = await t.org('Hill Primary');
  const dale = await t.org('Dale Academy');
  await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', 'in', [hill.id, dale.id]).execute();
  const admin = await t.user('admin');
  const people = {
    hillOffice: await t.user('office', hill.id),
    hillLead: await t.user('staff', hill.id, 'Lena Lead'),
    hillTeacher: await t.user('staff', hill.id, 'Tom Teacher'),
    daleOffice: await t.user('office', dale.id),
    trustLead: await t.user('staff', dale.id, 'Dev Dale'),
    trustOffice: await t.user('office', trust.id),
    trainer: await t.user('trainer', null, 'Pat Programme'),
  };
  expect((await t.request('PUT', `/api/orgs/${hill.id}/leads/${people.hillLead.id}`, { as: admin })).status).toBe(204);
  expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${people.trustLead.id}`, { as: admin })).status).toBe(204);
  // Everyone teaches 15:00 to 15:45 that Tuesday: a clash only with time to travel.
  for (const who of [people.hillLead, people.hillTeacher, people.trustLead]) {
    const put = await t.request('PUT', `/api/users/${who.id}/timetable`, { as: admin, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nTuesday,15:00,15:45,Year 4 maths\n' });
    expect(put.status).toBe(200);
  }
  return { admin, trust, hill, dale, ...people };
}

async function publish(lead: TestUser, body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/sessions', { as: lead, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; title: string };
}

const cover = async (orgId: string, who: TestUser) => {
  const res = await t.request('GET', `/api/orgs/${orgId}/cover?${week}`, { as: who });
  expect(res.status, res.text).toBe(200);
  return res.json.items as Record<string, any>[];
};
const rows = async (orgId: string, who: TestUser) => {
  const res = await t.request('GET', `/api/orgs/${orgId}/cover.csv?${week}`, { as: who });
  expect(res.status, res.text).toBe(200);
  return res.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
};

describe('cover for staff who deliver a session', () => {
  it('lists an in-house lead with a lesson at the time of the session they run as delivering, in JSON and CSV, with time to travel for a hybrid session', async () => {
    const w = await world();
    const inset = await publish(w.hillLead, { ...hybrid, title: 'Hill INSET: zones of regulation', audience: { kind: 'organisation', orgId: w.hill.id } });
    // Online, no travel: 16:00 does not touch a lesson ending at 15:45.
    await publish(w.hillLead, { ...online, title: 'Hill twilight online', audience: { kind: 'organisation', orgId: w.hill.id } });

    const items = await cover(w.hill.id, w.hillOffice);
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual({
      role: 'delivering',
      userId: w.hillLead.id,
      userName: 'Lena Lead',
      userEmail: w.hillLead.email,
      seat: 'in_person',
      travelBufferMinutes: 30,
      session: { id: inset.id, title: 'Hill INSET: zones of regulation', mode: 'hybrid', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', venue: 'Main hall' },
      clashes: [{ label: 'Year 4 maths', startsAt: '2026-03-10T15:00:00.000Z', endsAt: '2026-03-10T15:45:00.000Z' }],
    });
    // No booking, so neither a booking id nor a booking status.
    expect(items[0]).not.toHaveProperty('bookingId');
    expect(items[0]).not.toHaveProperty('status');

    const csv = await rows(w.hill.id, w.hillOffice);
    expect(csv[0]).toBe('Staff member,Email,Session,Session date,Session start,Session end,Taking part as,Attending,Booking status,Travel buffer (minutes),Lesson needing cover,Lesson date,Lesson start,Lesson end');
    expect(csv.slice(1)).toEqual([`Lena Lead,${w.hillLead.email},Hill INSET: zones of regulation,2026-03-10,16:00,17:00,Delivering,In person,,30,Year 4 maths,2026-03-10,15:00,15:45`]);
    // An administrator reads the same.
    expect(await cover(w.hill.id, w.admin)).toEqual(items);
  });

  it('lists someone both booked on and delivering a session once, as delivering; a colleague booked on it as booked', async () => {
    const w = await world();
    const inset = await publish(w.hillLead, { ...hybrid, title: 'Hill INSET', audience: { kind: 'organisation', orgId: w.hill.id } });
    for (const who of [w.hillLead, w.hillTeacher]) {
      const booked = await t.request('POST', `/api/sessions/${inset.id}/bookings`, { as: w.hillOffice, body: { userId: who.id, seat: 'in_person' } });
      expect(booked.status, booked.text).toBe(201);
    }
    const items = await cover(w.hill.id, w.hillOffice);
    expect(items.map((i) => [i.userName, i.role, i.session.id])).toEqual([
      ['Lena Lead', 'delivering', inset.id],
      ['Tom Teacher', 'booked', inset.id],
    ]);
    expect(items[1]).toMatchObject({ status: 'confirmed', seat: 'in_person', bookingId: expect.any(String) });
    const csv = await rows(w.hill.id, w.hillOffice);
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 1).concat(l.split(',').slice(6, 9)))).toEqual([
      ['Lena Lead', 'Delivering', 'In person', ''],
      ['Tom Teacher', 'Booked', 'In person', 'confirmed'],
    ]);
  });

  it('orders those booked and those delivering together by time and then by name as people read names, on both databases', async () => {
    const w = await world();
    const inset = await publish(w.hillLead, { ...hybrid, title: 'Hill INSET', audience: { kind: 'organisation', orgId: w.hill.id } });
    // A name written in lower case: by bytes (SQLite) it sorts after every capital, by PostgreSQL's locale beside its letter.
    for (const name of ['Zoe Zed', 'adam Ash']) {
      const who = await t.user('staff', w.hill.id, name);
      expect((await t.request('PUT', `/api/users/${who.id}/timetable`, { as: w.admin, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nTuesday,15:00,15:45,Year 4 maths\n' })).status).toBe(200);
      expect((await t.request('POST', `/api/sessions/${inset.id}/bookings`, { as: w.hillOffice, body: { userId: who.id, seat: 'in_person' } })).status).toBe(201);
    }
    const items = await cover(w.hill.id, w.hillOffice);
    expect(items.map((i) => `${i.userName} (${i.role})`)).toEqual(['adam Ash (booked)', 'Lena Lead (delivering)', 'Zoe Zed (booked)']);
  });

  it('lists a deliverer only in their own organisation’s report, and only on sessions its reader may see', async () => {
    const w = await world();
    // The trust's lead (at Dale) runs a session for the trust, and one for Hill alone; a
    // programme trainer (of no school) runs one for everyone.
    const network = await publish(w.trustLead, { ...hybrid, title: 'Oak Trust SENCO network', audience: { kind: 'trust', orgId: w.trust.id } });
    const forHill = await publish(w.trustLead, { ...hybrid, title: 'For Hill, from the trust', audience: { kind: 'organisation', orgId: w.hill.id } });
    await t.session({ ...hybrid, title: 'Programme: autism awareness' }, w.trainer);
    const hillOwn = await publish(w.hillLead, { ...hybrid, title: 'Hill INSET', audience: { kind: 'organisation', orgId: w.hill.id } });

    const seen = async (orgId: string, who: TestUser) => (await cover(orgId, who)).map((i) => `${i.userName}: ${i.session.title} (${i.role})`);
    // Hill: its own lead, never Dale's, whoever's session it is.
    expect(await seen(w.hill.id, w.hillOffice)).toEqual(['Lena Lead: Hill INSET (delivering)']);
    // Dale's office sees the trust's session its lead runs, not the one for Hill alone (a
    // session for Hill does not exist for Dale); an administrator sees both.
    expect(await seen(w.dale.id, w.daleOffice)).toEqual(['Dev Dale: Oak Trust SENCO network (delivering)']);
    expect((await cover(w.dale.id, w.admin)).map((i) => i.session.id).sort()).toEqual([network.id, forHill.id].sort());
    // The trust's office acts for Hill, but Hill's own in-house session is not the trust's to see.
    expect(await seen(w.hill.id, w.trustOffice)).toEqual([]);
    expect((await rows(w.hill.id, w.trustOffice)).join('\n')).not.toMatch(/Hill INSET/);
    expect((await rows(w.dale.id, w.daleOffice)).join('\n')).not.toMatch(/For Hill/);
    expect((await cover(w.hill.id, w.admin)).map((i) => i.session.id)).toEqual([hillOwn.id]);
  });

  it('leaves out a cancelled session, and a session its named lead no longer runs', async () => {
    const w = await world();
    const cancelled = await publish(w.hillLead, { ...hybrid, title: 'Called off', audience: { kind: 'organisation', orgId: w.hill.id } });
    await publish(w.hillLead, { ...hybrid, title: 'Still on', audience: { kind: 'organisation', orgId: w.hill.id } });
    expect((await cover(w.hill.id, w.hillOffice)).map((i) => i.session.title).sort()).toEqual(['Called off', 'Still on']);
    expect((await t.request('POST', `/api/sessions/${cancelled.id}/cancel`, { as: w.hillLead, body: {} })).status).toBe(200);
    expect((await cover(w.hill.id, w.hillOffice)).map((i) => i.session.title)).toEqual(['Still on']);
    expect((await rows(w.hill.id, w.hillOffice)).join('\n')).not.toMatch(/Called off/);
    // Removed as lead, they will not be there to run it: the session needs a trainer instead.
    expect((await t.request('DELETE', `/api/orgs/${w.hill.id}/leads/${w.hillLead.id}`, { as: w.admin })).status).toBe(200);
    expect(await cover(w.hill.id, w.hillOffice)).toEqual([]);
  });

  it('counts the sessions delivered against the bound a report reads, refusing a range holding more rather than cutting it short', async () => {
    const w = await world();
    const inset = await publish(w.hillLead, { ...hybrid, title: 'Hill INSET', audience: { kind: 'organisation', orgId: w.hill.id } });
    await publish(w.hillLead, { ...online, title: 'Hill twilight online', audience: { kind: 'organisation', orgId: w.hill.id } });
    const path = `/api/orgs/${w.hill.id}/cover?${week}`;
    // No bookings at all: two sessions delivered (one needing cover) are two rows read.
    t.deps.config.maxReportBookings = 2;
    expect((await t.request('GET', path, { as: w.hillOffice })).json.items).toHaveLength(1);
    t.deps.config.maxReportBookings = 1;
    for (const p of [path, path.replace('/cover?', '/cover.csv?')]) {
      const res = await t.request('GET', p, { as: w.hillOffice });
      expect(res.status).toBe(422);
      expect(res.json.error).toMatchObject({ code: 'report_too_large', message: 'There are more than 1 bookings and sessions delivered between these dates, too many for one report: choose a shorter range.', details: { max: 1 } });
    }
    // A booking of the lead on a session they deliver is one row, not two; a colleague's is another.
    expect((await t.request('POST', `/api/sessions/${inset.id}/bookings`, { as: w.hillOffice, body: { userId: w.hillLead.id, seat: 'in_person' } })).status).toBe(201);
    t.deps.config.maxReportBookings = 2;
    expect((await t.request('GET', path, { as: w.hillOffice })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${inset.id}/bookings`, { as: w.hillOffice, body: { userId: w.hillTeacher.id, seat: 'in_person' } })).status).toBe(201);
    expect((await t.request('GET', path, { as: w.hillOffice })).status).toBe(422);
    t.deps.config.maxReportBookings = 3;
    expect((await t.request('GET', path, { as: w.hillOffice })).json.items.map((i: { role: string }) => i.role)).toEqual(['delivering', 'booked']);
  });
});
