/**
 * Time zones stored as typed before they were canonicalised on input ('europe/london', 'GB'):
 * the migration that follows rewrites every stored zone to its IANA name.
 */
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/connect.js';
import { migrations } from '../../db/migrations/index.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const BEFORE = '20261208_01_offers_due';

describe('stored time zones', () => {
  it('are rewritten to their IANA names by migration, so sessions, organisations and timetables show and send Europe/London, not as typed', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const org = await t.org('Rowan Primary');
    const paris = await t.org('École Saint-Jean');
    const staff = await t.user('staff', org.id);
    const s = await t.session({ startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' });
    const pacific = await t.session({ startsAt: '2026-03-11T16:00:00.000Z', endsAt: '2026-03-11T17:00:00.000Z' });
    const kept = await t.session({ startsAt: '2026-03-12T16:00:00.000Z', endsAt: '2026-03-12T17:00:00.000Z' });
    const unknown = await t.session({ startsAt: '2026-03-13T16:00:00.000Z', endsAt: '2026-03-13T17:00:00.000Z' });
    expect((await t.request('PUT', '/api/me/timetable', { as: staff, body: 'day,start,end\nMonday,09:00,10:00\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
    expect(booked.status).toBe(201);

    // The schema as it was before the migration, holding zones as they were once typed.
    const migrator = new Migrator({ db: t.db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo(BEFORE);
    expect(down.error).toBeUndefined();
    const typed = async (table: 'sessions' | 'organisations' | 'users' | 'timetables', key: 'id' | 'user_id', id: string, zone: string) => {
      await (t!.db as any).updateTable(table).set({ time_zone: zone }).where(key, '=', id).execute();
    };
    await typed('sessions', 'id', s.id, 'europe/london');
    await typed('sessions', 'id', pacific.id, 'US/Pacific');
    await typed('sessions', 'id', kept.id, 'Europe/London');
    await typed('sessions', 'id', unknown.id, 'Mars/Olympus_Mons');
    await typed('organisations', 'id', org.id, 'GB');
    await typed('organisations', 'id', paris.id, 'EUROPE/PARIS');
    await typed('users', 'id', staff.id, 'europe/london');
    await typed('timetables', 'user_id', staff.id, 'Etc/UTC');

    const feedRevision = async () => (await t!.db.selectFrom('calendar_feed_revisions').select('revision').where('owner_kind', '=', 'user').where('owner_id', '=', staff.id).executeTakeFirstOrThrow()).revision;
    const revisionBefore = await feedRevision();
    await migrateToLatest(t.db);
    // Their calendar feed names the zone otherwise now: its version moves on, so a calendar keeping it fetches it again.
    expect(await feedRevision()).toBeGreaterThan(revisionBefore);

    const zoneOf = async (path: string) => (await t!.request('GET', path, { as: staff })).json.timeZone;
    expect(await zoneOf(`/api/sessions/${s.id}`)).toBe('Europe/London');
    expect(await zoneOf(`/api/sessions/${pacific.id}`)).toBe('America/Los_Angeles');
    expect(await zoneOf(`/api/sessions/${kept.id}`)).toBe('Europe/London');
    const orgs = await t.db.selectFrom('organisations').select(['id', 'time_zone']).where('id', 'in', [org.id, paris.id]).execute();
    expect(Object.fromEntries(orgs.map((o) => [o.id, o.time_zone]))).toEqual({ [org.id]: 'Europe/London', [paris.id]: 'Europe/Paris' });
    expect((await t.db.selectFrom('users').select('time_zone').where('id', '=', staff.id).executeTakeFirstOrThrow()).time_zone).toBe('Europe/London');
    expect(await zoneOf('/api/me/timetable')).toBe('UTC');
    // A value that names no zone at all is left as it is (nothing to rewrite it to), and the migration still runs.
    expect((await t.db.selectFrom('sessions').select('time_zone').where('id', '=', unknown.id).executeTakeFirstOrThrow()).time_zone).toBe('Mars/Olympus_Mons');

    // The invite now names the zone as calendars know it.
    const ics = await t.request('GET', `/api/bookings/${booked.json.id}/invite.ics`, { as: staff });
    expect(ics.text).toContain('TZID=Europe/London');
  });
});
