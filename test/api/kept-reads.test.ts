/**
 * The session list keeps pages as read, and calendar feeds their versions, and serves them
 * again while nothing they show can have changed (server/platform/read-cache.ts, issue 17).
 * These tests hold it to what people would notice if it went wrong: every change shows on
 * the next read, whoever made it and however (through the API, another process, the clock
 * passing a release time), and nobody is ever shown a page meant for someone who sees other
 * sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { createPgDatabase, makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';

const FROM = '/api/sessions?from=2026-02-01T00:00:00Z';
let t: TestContext | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

const listed = async (as: TestUser, q = FROM) => {
  const r = await t!.request('GET', q, { as });
  expect(r.status).toBe(200);
  return r.json as { items: { id: string; title: string; seats: { online: Record<string, number> }; fit?: unknown }[]; total: number };
};
const one = async (as: TestUser, id: string) => (await listed(as)).items.find((s) => s.id === id);

/** Two connections to one database, as two server processes have: the app's, and another's. */
async function twoConnections(): Promise<{ app: Db; other: Db }> {
  if (usePostgres) {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const app = openPostgres(created.url, 5);
    await migrateToLatest(app.db);
    const other = openPostgres(created.url, 2);
    cleanups.push(created.drop, other.close);
    return { app, other };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'send-list-'));
  const file = path.join(dir, 'shared.db');
  const app = openSqlite(file);
  await migrateToLatest(app.db);
  const other = openSqlite(file);
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }), other.close);
  return { app, other };
}

describe('the session list never shows a page older than the last change', () => {
  it('bookings, cancellations and a session’s new title show on the very next read, for the person who acted and for a colleague', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const school = await t.org('School A');
    const [ana, ben] = [await t.user('staff', school.id), await t.user('staff', school.id)];
    const s = await t.session({ capacity: { online: 2 } });
    expect((await one(ana, s.id))?.seats.online).toMatchObject({ confirmed: 0, available: 2 });
    expect((await one(ben, s.id))?.seats.online).toMatchObject({ confirmed: 0, available: 2 });
    // Read again with nothing changed: the same page.
    expect(await listed(ana)).toEqual(await listed(ana));

    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} });
    expect(booked.json.status).toBe('confirmed');
    expect((await one(ana, s.id))?.seats.online).toMatchObject({ confirmed: 1, available: 1 });
    expect((await one(ben, s.id))?.seats.online).toMatchObject({ confirmed: 1, available: 1 });

    expect((await t.request('DELETE', `/api/bookings/${booked.json.id}`, { as: ben })).status).toBeLessThan(300);
    expect((await one(ana, s.id))?.seats.online).toMatchObject({ confirmed: 0, available: 2 });

    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism: a new title' } })).status).toBe(200);
    expect((await one(ana, s.id))?.title).toBe('Autism: a new title');
    // A single statement outside any transaction (as a job or an operator's tool makes).
    await t.db.updateTable('sessions').set({ venue: 'Room 4' }).where('id', '=', s.id).execute();
    expect((await listed(ana)).items.find((x) => x.id === s.id)).toMatchObject({ venue: 'Room 4' });
    const later = await t.session({ title: 'Published after the page was read' });
    expect((await listed(ana)).items.map((x) => x.id)).toContain(later.id);
  });

  it('a change committed by another process’s connection shows on the next read', async () => {
    const { app, other } = await twoConnections();
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: app });
    const school = await t.org('School A');
    const ana = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 5 } });
    expect((await one(ana, s.id))?.title).toBe('Understanding autism');
    expect((await one(ana, s.id))?.title).toBe('Understanding autism');
    await other.db.updateTable('sessions').set({ title: 'Changed elsewhere', confirmed_online: 3 }).where('id', '=', s.id).execute();
    const seen = await one(ana, s.id);
    expect(seen?.title).toBe('Changed elsewhere');
    expect(seen?.seats.online).toMatchObject({ confirmed: 3, available: 2 });
    await other.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', s.id).execute();
    expect(await one(ana, s.id)).toBeUndefined();
  });

  it('held seats open to everyone when the release time passes, with no write: the clock alone turns the page (and back, if the clock is set back)', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const [b, c] = [await t.org('School B'), await t.org('School C')];
    const s = await t.session({ capacity: { online: 10 }, holdsReleaseAt: '2026-02-02T09:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: b.id, seat: 'online', seats: 4 } })).status).toBe(204);
    const cStaff = await t.user('staff', c.id);
    expect((await one(cStaff, s.id))?.seats.online).toMatchObject({ available: 6, publicAvailable: 6 });
    t.clock.set('2026-02-02T08:59:59.999Z');
    expect((await one(cStaff, s.id))?.seats.online).toMatchObject({ available: 6 });
    t.clock.set('2026-02-02T09:00:00.000Z');
    expect((await one(cStaff, s.id))?.seats.online).toMatchObject({ available: 10, publicAvailable: 10 });
    t.clock.set('2026-02-01T12:00:00.000Z');
    expect((await one(cStaff, s.id))?.seats.online).toMatchObject({ available: 6 });
  });
});

describe('a page is only ever shown to people who see the same sessions', () => {
  it('someone who runs a session elsewhere sees it in their list; a colleague of the same school, before and after them, does not', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const [a, other] = [await t.org('School A'), await t.org('School Other')];
    const lead = await t.user('trainer');
    const inHouse = await t.session({ title: 'Other school only', audience: { kind: 'organisation', orgId: other.id } }, lead);
    const [runner, colleague] = [await t.user('staff', a.id), await t.user('staff', a.id)];
    // A person of school A who leads in-house training for the trust both schools are in,
    // named among the session's trainers: they run it (a staff member who does not lead
    // sees it no more than their colleague does: inhouse.test.ts "no longer leads").
    const trust = await t.org('Both Schools Trust');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', 'in', [a.id, other.id]).execute();
    expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${runner.id}`, { as: await t.user('admin') })).status).toBe(204);
    await t.db.insertInto('session_trainers').values({ session_id: inHouse.id, user_id: runner.id }).execute();
    const ids = async (who: TestUser) => (await listed(who)).items.map((s) => s.id);
    expect(await ids(colleague)).not.toContain(inHouse.id);
    expect(await ids(runner)).toContain(inHouse.id);
    expect(await ids(colleague)).not.toContain(inHouse.id);
    expect(await ids(await t.user('staff', other.id))).toContain(inHouse.id);
    expect(await ids(await t.user('admin'))).toContain(inHouse.id);
  });

  it('each school sees its own held seats on a shared page, and each person their own timetable fit', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const [b, c] = [await t.org('School B'), await t.org('School C')];
    const s = await t.session({ capacity: { online: 10 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: b.id, seat: 'online', seats: 4 } });
    const [bStaff, cStaff] = [await t.user('staff', b.id), await t.user('staff', c.id)];
    for (let round = 0; round < 2; round++) {
      expect((await one(bStaff, s.id))?.seats.online).toMatchObject({ available: 10, heldForViewer: 4 });
      expect((await one(cStaff, s.id))?.seats.online).toMatchObject({ available: 6, heldForViewer: 0 });
    }
    // A timetable with a lesson at the session's time: only its owner is told of the clash.
    const lesson = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:l1@test', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260210T160000Z', 'DTEND:20260210T170000Z', 'SUMMARY:Year 9', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const up = await t.request('PUT', '/api/me/timetable', { as: bStaff, body: lesson, headers: { 'content-type': 'text/calendar' } });
    expect(up.status).toBeLessThan(300);
    const bFit = (await one(bStaff, s.id))?.fit as { fits: boolean } | null;
    expect(bFit?.fits).toBe(false);
    const other = await t.user('staff', b.id);
    expect((await one(other, s.id))?.fit).toBeNull();
  });
});

describe('a calendar polling its feed', () => {
  it('gets 304 while nothing changes, and the new feed as soon as another server process changes the session', async () => {
    const { app, other } = await twoConnections();
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: app });
    const elsewhere = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: other });
    const school = await t.org('School A');
    const ana = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ana, body: {} })).json.status).toBe('confirmed');
    const feed = new URL((await t.request('GET', '/api/me/calendar', { as: ana })).json.url).pathname;
    const first = await t.request('GET', feed);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    for (let i = 0; i < 3; i++) expect((await t.request('GET', feed, { headers: { 'if-none-match': etag } })).status).toBe(304);

    expect((await elsewhere.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Moved to a new title' } })).status).toBe(200);
    const changed = await t.request('GET', feed, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('Moved to a new title');
    expect(changed.headers.get('etag')).not.toBe(etag);

    // A feed address rotated by the other process stops working here at once.
    expect((await elsewhere.request('POST', '/api/me/calendar/rotate', { as: ana })).status).toBe(200);
    expect((await t.request('GET', feed, { headers: { 'if-none-match': changed.headers.get('etag')! } })).status).toBe(404);
  });
});
