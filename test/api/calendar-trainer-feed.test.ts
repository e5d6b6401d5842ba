/**
 * A person's own calendar feed holds the sessions they run (named among its trainers, by the
 * one rule of who runs a session), besides their bookings: a trainer who subscribes sees
 * what they deliver. Each such session is one event with a UID of its own (never a
 * booking's), following the session's edits and cancellation; co-trainers added see it and
 * those taken off stop; and every such change raises the feed's revision, so a calendar
 * polling with If-None-Match is sent the new version, not a 304.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../server/accounts/service.js';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { lockWaits, makeTestContext, TEST_PASSWORD, usePostgres, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PAGE = (id: string) => `http://localhost:3000/sessions/${id}`;

async function feedPath(who: TestUser) {
  const res = await t.request('GET', '/api/me/calendar', { as: who });
  expect(res.status).toBe(200);
  return new URL(res.json.url).pathname;
}

async function fetchFeed(who: TestUser) {
  const res = await t.request('GET', await feedPath(who));
  expect(res.status).toBe(200);
  return readCalendar(res.text);
}

/** A feed as a polling calendar sees it: it remembers the last ETag and sends it back. */
async function poller(who: TestUser) {
  const path = await feedPath(who);
  const first = await t.request('GET', path);
  expect(first.status).toBe(200);
  let etag = first.headers.get('etag')!;
  return {
    first: readCalendar(first.text),
    async unchanged() {
      const res = await t.request('GET', path, { headers: { 'if-none-match': etag } });
      expect(res.status).toBe(304);
    },
    async changed() {
      const res = await t.request('GET', path, { headers: { 'if-none-match': etag } });
      expect(res.status).toBe(200);
      const next = res.headers.get('etag')!;
      expect(next).not.toBe(etag);
      etag = next;
      expect((await t.request('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);
      return readCalendar(res.text);
    },
  };
}

/** A person's own feed's stored revision (0: never raised). */
async function revisionOf(userId: string) {
  const r = await t.db.selectFrom('calendar_feed_revisions').select('revision').where('owner_kind', '=', 'user').where('owner_id', '=', userId).executeTakeFirst();
  return Number(r?.revision ?? 0);
}

async function patch(sessionId: string, as: TestUser, body: Record<string, unknown>) {
  const res = await t.request('PATCH', `/api/sessions/${sessionId}`, { as, body });
  expect(res.status, res.text).toBe(200);
  return res.json;
}

describe('a trainer’s own calendar feed', () => {
  it('holds the sessions they run, one event each, whose UID stays the same across edits while the time, title and place follow them', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const online = await t.session({ title: 'Understanding autism' }, tara);
    const inPerson = await t.session({ title: 'Sensory circuits', mode: 'in_person', venue: 'Hill Primary hall', capacity: { inPerson: 12 }, startsAt: '2026-02-12T09:00:00.000Z', endsAt: '2026-02-12T10:00:00.000Z' }, tara);
    // Someone else's session is not in it.
    await t.session({ title: 'Not mine' });

    const before = await fetchFeed(tara);
    expect(before.events).toHaveLength(2);
    const [first, second] = before.events;
    expect(first).toMatchObject({
      uid: `running-${online.id}-${tara.id}@localhost`,
      summary: 'Running: Understanding autism',
      status: 'CONFIRMED',
      transp: 'OPAQUE',
      startUtc: '2026-02-10T16:00:00.000Z',
      endUtc: '2026-02-10T17:30:00.000Z',
      tzid: 'Europe/London',
      location: PAGE(online.id),
      url: PAGE(online.id),
      attendees: [],
    });
    expect(first!.description).toContain('You are running this session.');
    expect(first!.description).toContain(`Join online: ${PAGE(online.id)}`);
    expect(first!.alarms).toEqual([{ action: 'DISPLAY', trigger: '-PT1H' }]);
    expect(second).toMatchObject({ uid: `running-${inPerson.id}-${tara.id}@localhost`, summary: 'Running: Sensory circuits', location: 'Hill Primary hall' });
    expect(second!.description).toContain('Venue: Hill Primary hall');
    // Never a booking's UID: a booking of the same person on the same session would have this one.
    expect(first!.uid).not.toBe(`booking-${online.id}-${tara.id}@localhost`);

    t.clock.advance(MINUTE);
    await patch(online.id, tara, { title: 'Autism in the classroom', startsAt: '2026-02-11T15:00:00.000Z', endsAt: '2026-02-11T16:00:00.000Z' });
    t.clock.advance(MINUTE);
    await patch(inPerson.id, tara, { venue: 'Library' });
    const after = await fetchFeed(tara);
    expect(after.events.map((e) => e.uid)).toEqual(before.events.map((e) => e.uid));
    expect(after.events[0]).toMatchObject({ summary: 'Running: Autism in the classroom', startUtc: '2026-02-11T15:00:00.000Z', endUtc: '2026-02-11T16:00:00.000Z' });
    expect(after.events[0]!.sequence).toBeGreaterThan(first!.sequence);
    expect(after.events[1]).toMatchObject({ location: 'Library' });
    expect(after.events[1]!.sequence).toBeGreaterThan(second!.sequence);
  });

  it('answers If-None-Match with 304 until the session is edited, then 200 with the new version; and so for a co-trainer added', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const cole = await t.user('trainer', null, 'Cole Second');
    const s = await t.session({ title: 'Understanding autism' }, tara);
    const path = await feedPath(tara);
    const first = await t.request('GET', path);
    const etag = first.headers.get('etag')!;
    expect((await t.request('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);

    t.clock.advance(MINUTE);
    await patch(s.id, tara, { title: 'Autism in the classroom' });
    const edited = await t.request('GET', path, { headers: { 'if-none-match': etag } });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('etag')).not.toBe(etag);
    expect(readCalendar(edited.text).events.map((e) => e.summary)).toEqual(['Running: Autism in the classroom']);

    // Cole's feed, polled while he runs another session, changes when he is named on this one.
    // Already named on one, he reads the sessions he runs before and after (the feed's scope,
    // part of its ETag, stays the same): only the stored revision can tell his calendar.
    const own = await t.session({ title: 'Cole’s own', startsAt: '2026-02-20T16:00:00.000Z', endsAt: '2026-02-20T17:00:00.000Z' }, cole);
    const colePath = await feedPath(cole);
    const before = await t.request('GET', colePath);
    expect(readCalendar(before.text).events.map((e) => e.uid)).toEqual([`running-${own.id}-${cole.id}@localhost`]);
    const coleTag = before.headers.get('etag')!;
    expect((await t.request('GET', colePath, { headers: { 'if-none-match': coleTag } })).status).toBe(304);
    t.clock.advance(MINUTE);
    await patch(s.id, tara, { trainerIds: [tara.id, cole.id] });
    const named = await t.request('GET', colePath, { headers: { 'if-none-match': coleTag } });
    expect(named.status).toBe(200);
    expect(readCalendar(named.text).events.map((e) => [e.uid, e.summary])).toEqual([
      [`running-${s.id}-${cole.id}@localhost`, 'Running: Autism in the classroom'],
      [`running-${own.id}-${cole.id}@localhost`, 'Running: Cole’s own'],
    ]);
  });

  it('a co-trainer added sees the session; taken off it, it leaves their feed', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const cole = await t.user('trainer', null, 'Cole Second');
    const s = await t.session({ title: 'Sensory processing' }, tara);
    // Cole runs another session throughout, so his feed's scope (part of its ETag) never
    // changes here: each change below reaches his calendar by the stored revision alone.
    const own = await t.session({ title: 'Cole’s own', startsAt: '2026-02-20T16:00:00.000Z', endsAt: '2026-02-20T17:00:00.000Z' }, cole);
    const ownUid = `running-${own.id}-${cole.id}@localhost`;
    const coles = await poller(cole);
    expect(coles.first.events.map((e) => e.uid)).toEqual([ownUid]);
    const taras = await poller(tara);

    t.clock.advance(MINUTE);
    await patch(s.id, tara, { trainerIds: [tara.id, cole.id] });
    expect((await coles.changed()).events.map((e) => e.uid)).toEqual([`running-${s.id}-${cole.id}@localhost`, ownUid]);
    expect((await taras.changed()).events.map((e) => e.uid)).toEqual([`running-${s.id}-${tara.id}@localhost`]);

    // A change of the session reaches every trainer's feed.
    t.clock.advance(MINUTE);
    await patch(s.id, cole, { startsAt: '2026-02-10T15:00:00.000Z' });
    expect((await coles.changed()).events.map((e) => e.startUtc)).toEqual(['2026-02-10T15:00:00.000Z', '2026-02-20T16:00:00.000Z']);
    expect((await taras.changed()).events.map((e) => e.startUtc)).toEqual(['2026-02-10T15:00:00.000Z']);

    t.clock.advance(MINUTE);
    await patch(s.id, tara, { trainerIds: [tara.id] });
    expect((await coles.changed()).events.map((e) => e.uid)).toEqual([ownUid]);
    expect((await taras.changed()).events).toHaveLength(1);
  });

  it('a session cancelled shows as cancelled, with the same UID, and leaves the feed 30 days later, which changes then', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const s = await t.session({ title: 'Understanding autism' }, tara);
    const taras = await poller(tara);
    const uid = taras.first.events[0]!.uid;

    t.clock.advance(MINUTE);
    const cancelled = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: tara, body: {} });
    expect(cancelled.status, cancelled.text).toBe(200);
    const after = await taras.changed();
    expect(after.events).toHaveLength(1);
    expect(after.events[0]).toMatchObject({ uid, status: 'CANCELLED', transp: 'TRANSPARENT', summary: 'Cancelled: Understanding autism', alarms: [] });
    expect(after.events[0]!.sequence).toBeGreaterThan(taras.first.events[0]!.sequence);
    expect(after.events[0]!.description).toContain('This session you were running has been cancelled.');

    t.clock.advance(29 * DAY);
    await taras.unchanged();
    t.clock.advance(2 * DAY);
    expect((await taras.changed()).events).toEqual([]);
    t.clock.advance(DAY);
    await taras.unchanged();
  });
});

describe('an in-house lead’s own calendar feed', () => {
  it('a lead booked on a session their office then gives them to run has one event for it, the one of running it; no longer a lead, their booking again', async () => {
    const school = await t.org('Hill Primary');
    const office = await t.user('office', school.id);
    const admin = await t.user('admin');
    const lee = await t.user('staff', school.id, 'Lee Lead');
    const s = await t.session({ title: 'Hill INSET: zones of regulation', audience: { kind: 'organisation', orgId: school.id } });
    // A lead already, running a session of their own: their feed's scope (part of its ETag)
    // is the same before and after they are given another, so only the stored revision can
    // tell their calendar of it.
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lee.id}`, { as: admin })).status).toBe(204);
    const own = await t.request('POST', '/api/sessions', {
      as: lee,
      body: { title: 'Hill twilight', mode: 'online', startsAt: '2026-02-24T16:00:00.000Z', endsAt: '2026-02-24T17:00:00.000Z', capacity: { online: 10 }, audience: { kind: 'organisation', orgId: school.id } },
    });
    expect(own.status, own.text).toBe(201);
    const ownEvent = [`running-${own.json.id}-${lee.id}@localhost`, 'Running: Hill twilight'];
    // Booked on it, and on a programme session they will only ever attend.
    const other = await t.session({ title: 'Programme webinar', startsAt: '2026-03-03T16:00:00.000Z', endsAt: '2026-03-03T17:00:00.000Z' });
    for (const id of [s.id, other.id]) {
      const booked = await t.request('POST', `/api/sessions/${id}/bookings`, { as: lee, body: {} });
      expect(booked.status, booked.text).toBe(201);
    }
    const lees = await poller(lee);
    expect(lees.first.events.map((e) => e.uid)).toEqual([`booking-${s.id}-${lee.id}@localhost`, `booking-${other.id}-${lee.id}@localhost`, ownEvent[0]]);
    const orgFeedUrl = (await t.request('GET', `/api/orgs/${school.id}/calendar`, { as: office })).json.url;
    const orgFeed = async () => readCalendar((await t.request('GET', new URL(orgFeedUrl).pathname)).text);

    t.clock.advance(MINUTE);
    expect((await t.request('PUT', `/api/sessions/${s.id}/trainers/${lee.id}`, { as: office })).status).toBe(204);
    // Both booked and running: shown once, as the session they run (whatever becomes of the place they booked, they run it).
    const running = await lees.changed();
    expect(running.events.map((e) => [e.uid, e.summary])).toEqual([
      [`booking-${other.id}-${lee.id}@localhost`, 'Programme webinar'],
      [`running-${s.id}-${lee.id}@localhost`, 'Running: Hill INSET: zones of regulation'],
      ownEvent,
    ]);
    // The school's feed holds its staff's bookings, as before: Lee's places are among them, and nothing they run.
    expect((await orgFeed()).events.map((e) => e.uid)).toEqual([`booking-${s.id}-${lee.id}@localhost`, `booking-${other.id}-${lee.id}@localhost`]);

    // An edit of it changes the lead's feed.
    t.clock.advance(MINUTE);
    await patch(s.id, s.trainer, { description: 'Bring your class list.' });
    expect((await lees.changed()).events.find((e) => e.uid.startsWith('running-'))!.description).toContain('Bring your class list.');

    // No longer leading, they run it no longer: their booking is back in their feed.
    t.clock.advance(MINUTE);
    expect((await t.request('DELETE', `/api/orgs/${school.id}/leads/${lee.id}`, { as: admin })).status).toBe(200);
    const asBooked = await lees.changed();
    expect(asBooked.events.map((e) => [e.uid, e.status])).toEqual([
      [`booking-${s.id}-${lee.id}@localhost`, 'CONFIRMED'],
      [`booking-${other.id}-${lee.id}@localhost`, 'CONFIRMED'],
    ]);
  });

  it('a lead made so again runs the sessions they are named on again, and their feed changes with it', async () => {
    const school = await t.org('Hill Primary');
    const admin = await t.user('admin');
    const lee = await t.user('staff', school.id, 'Lee Lead');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lee.id}`, { as: admin })).status).toBe(204);
    const made = await t.request('POST', '/api/sessions', {
      as: lee,
      body: { title: 'Hill twilight', mode: 'online', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', capacity: { online: 10 }, audience: { kind: 'organisation', orgId: school.id } },
    });
    expect(made.status, made.text).toBe(201);
    const lees = await poller(lee);
    expect(lees.first.events.map((e) => e.summary)).toEqual(['Running: Hill twilight']);
    t.clock.advance(MINUTE);
    expect((await t.request('DELETE', `/api/orgs/${school.id}/leads/${lee.id}`, { as: admin })).status).toBe(200);
    expect((await lees.changed()).events).toEqual([]);
    t.clock.advance(MINUTE);
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lee.id}`, { as: admin })).status).toBe(204);
    expect((await lees.changed()).events.map((e) => e.summary)).toEqual(['Running: Hill twilight']);
  });

  it('a lead whose account was off while their office gave one of their sessions to another lead no longer holds it once turned on again', async () => {
    const school = await t.org('Hill Primary');
    const office = await t.user('office', school.id);
    const admin = await t.user('admin');
    const lee = await t.user('staff', school.id, 'Lee Lead');
    const kim = await t.user('staff', school.id, 'Kim Lead');
    for (const who of [lee, kim]) expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${who.id}`, { as: admin })).status).toBe(204);
    const publish = async (title: string, startsAt: string, endsAt: string) => {
      const res = await t.request('POST', '/api/sessions', { as: lee, body: { title, mode: 'online', startsAt, endsAt, capacity: { online: 10 }, audience: { kind: 'organisation', orgId: school.id } } });
      expect(res.status, res.text).toBe(201);
      return res.json.id as string;
    };
    const x = await publish('Hill twilight', '2026-02-10T16:00:00.000Z', '2026-02-10T17:00:00.000Z');
    const y = await publish('Hill INSET', '2026-02-17T16:00:00.000Z', '2026-02-17T17:00:00.000Z');
    // No bookings: nothing but what they run is in their feed.
    const lees = await poller(lee);
    expect(lees.first.events.map((e) => e.summary)).toEqual(['Running: Hill twilight', 'Running: Hill INSET']);

    t.clock.advance(MINUTE);
    expect((await t.request('PATCH', `/api/users/${lee.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    // Turned off, Lee runs neither: the office gives one to Kim, which takes Lee off it, and
    // raises Lee's feed as it does (each of the two raises on its own would do for the
    // calendar below: both are asked for, so that neither goes unseen).
    t.clock.advance(MINUTE);
    const beforeGiven = await revisionOf(lee.id);
    expect((await t.request('PUT', `/api/sessions/${x}/trainers/${kim.id}`, { as: office })).status).toBe(204);
    expect((await t.db.selectFrom('session_trainers').select('user_id').where('session_id', '=', x).execute()).map((r) => r.user_id)).toEqual([kim.id]);
    const given = await revisionOf(lee.id);
    expect(given).toBeGreaterThan(beforeGiven);
    // Turning the account on raises it again.
    t.clock.advance(MINUTE);
    expect((await t.request('PATCH', `/api/users/${lee.id}`, { as: admin, body: { disabled: false } })).status).toBe(200);
    expect(await revisionOf(lee.id)).toBeGreaterThan(given);
    // On again, Lee's calendar (still sending the ETag it had) is sent the feed without it.
    expect((await lees.changed()).events.map((e) => [e.uid, e.summary])).toEqual([[`running-${y}-${lee.id}@localhost`, 'Running: Hill INSET']]);
  });

  it('someone named on a session they no longer run, made the administrator at start-up (ADMIN_EMAIL), runs it again, and their feed changes with it', async () => {
    const school = await t.org('Hill Primary');
    const admin = await t.user('admin');
    const sam = await t.user('staff', school.id, 'Sam Staff');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${sam.id}`, { as: admin })).status).toBe(204);
    const made = await t.request('POST', '/api/sessions', {
      as: sam,
      body: { title: 'Hill twilight', mode: 'online', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', capacity: { online: 10 }, audience: { kind: 'organisation', orgId: school.id } },
    });
    expect(made.status, made.text).toBe(201);
    t.clock.advance(MINUTE);
    expect((await t.request('DELETE', `/api/orgs/${school.id}/leads/${sam.id}`, { as: admin })).status).toBe(200);
    // Still named on it (their feed's scope the same throughout), they run it no longer.
    const sams = await poller(sam);
    expect(sams.first.events).toEqual([]);
    t.clock.advance(MINUTE);
    await ensureAdmin(t.deps, sam.email, TEST_PASSWORD);
    expect((await sams.changed()).events.map((e) => [e.uid, e.summary])).toEqual([[`running-${made.json.id}-${sam.id}@localhost`, 'Running: Hill twilight']]);
  });

  it('a school leaving its trust takes its in-house sessions out of the feeds of the trust’s leads, who run them no more, and of its own staff who led the trust', async () => {
    const trust = await t.org('Oak Trust');
    const hill = await t.org('Hill Primary');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', hill.id).execute();
    const admin = await t.user('admin');
    const tess = await t.user('staff', trust.id, 'Tess Trust');
    const hal = await t.user('staff', hill.id, 'Hal Hill');
    for (const who of [tess, hal]) expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${who.id}`, { as: admin })).status).toBe(204);
    const body = { mode: 'online', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', capacity: { online: 10 } };
    const forHill = await t.request('POST', '/api/sessions', { as: tess, body: { ...body, title: 'Hill twilight', audience: { kind: 'organisation', orgId: hill.id } } });
    expect(forHill.status, forHill.text).toBe(201);
    const network = await t.request('POST', '/api/sessions', { as: hal, body: { ...body, title: 'Trust network', audience: { kind: 'trust', orgId: trust.id } } });
    expect(network.status, network.text).toBe(201);
    const tesses = await poller(tess);
    const hals = await poller(hal);
    expect(tesses.first.events.map((e) => e.summary)).toEqual(['Running: Hill twilight']);
    expect(hals.first.events.map((e) => e.summary)).toEqual(['Running: Trust network']);

    t.clock.advance(MINUTE);
    expect((await t.request('PATCH', `/api/orgs/${hill.id}`, { as: admin, body: { parentId: null } })).status).toBe(200);
    expect((await tesses.changed()).events).toEqual([]);
    expect((await hals.changed()).events).toEqual([]);
  });

  it.runIf(usePostgres)('a school leaving its trust while an edit raises the feeds of two of those who run its sessions: neither waits on the other for good (no deadlock)', async () => {
    const trust = await t.org('Oak Trust');
    const hill = await t.org('Hill Primary');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', hill.id).execute();
    const admin = await t.user('admin');
    const tess = await t.user('staff', trust.id, 'Tess Trust');
    // Hal after Tess in the feeds' key order (by id), as a statement raising both takes them.
    let hal = await t.user('staff', hill.id, 'Hal Hill');
    while (hal.id < tess.id) hal = await t.user('staff', hill.id, 'Hal Hill');
    for (const who of [tess, hal]) expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${who.id}`, { as: admin })).status).toBe(204);
    const body = { mode: 'online', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', capacity: { online: 10 } };
    // Tess runs one of Hill's sessions; Hal, one of the trust's, and has a place on another of the trust's, given up by the move.
    expect((await t.request('POST', '/api/sessions', { as: tess, body: { ...body, title: 'Hill twilight', audience: { kind: 'organisation', orgId: hill.id } } })).status).toBe(201);
    expect((await t.request('POST', '/api/sessions', { as: hal, body: { ...body, title: 'Trust network', audience: { kind: 'trust', orgId: trust.id } } })).status).toBe(201);
    const trustWide = await t.session({ title: 'Trust INSET', audience: { kind: 'trust', orgId: trust.id } });
    expect((await t.request('POST', `/api/sessions/${trustWide.id}/bookings`, { as: hal, body: {} })).status).toBe(201);
    for (const id of [tess.id, hal.id]) {
      await t.db.insertInto('calendar_feed_revisions').values({ owner_kind: 'user', owner_id: id, revision: 1, changed_at: t.clock.now().toISOString(), last_cancelled_at: null }).onConflict((oc) => oc.doNothing()).execute();
    }
    const lockFeed = (trx: Transaction<Database>, id: string) => sql`select owner_id from calendar_feed_revisions where owner_kind = 'user' and owner_id = ${id} for update`.execute(trx);

    // Another writer's one statement raising Tess's and Hal's feeds (an edit of a session both
    // run, say), in key order: it has taken Tess's row when the move begins.
    let tookTess!: () => void;
    let goOn!: () => void;
    const tessTaken = new Promise<void>((r) => (tookTess = r));
    const mayGoOn = new Promise<void>((r) => (goOn = r));
    const edit = t.db.transaction().execute(async (trx) => {
      await lockFeed(trx, tess.id);
      tookTess();
      await mayGoOn;
      await lockFeed(trx, hal.id);
    });
    await tessTaken;
    t.clock.advance(MINUTE);
    const move = t.request('PATCH', `/api/orgs/${hill.id}`, { as: admin, body: { parentId: null } });
    // The move waits for Tess's feed; the edit then comes to Hal's. Had the move taken Hal's
    // (giving up Hal's place raises it) before waiting for Tess's, each would wait on the
    // other, and PostgreSQL would fail one of them.
    await expect.poll(() => lockWaits(t)).toBe(1);
    goOn();
    await expect(edit).resolves.toBeUndefined();
    const moved = await move;
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ parentId: null, placesGivenUp: 1 });
  });
});
