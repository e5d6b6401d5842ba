/**
 * "Who is booked where" a page at a time: GET /api/orgs/{id}/bookings takes limit (1..500,
 * 100 unless given) and offset, answers { items, total, hasMore, live, cancelled } over the
 * whole range, in a stable order (soonest first, then name, then booking id), in a fixed number
 * of statements; the .csv and .ics exports still hold every booking.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext, openTestDb, statementCounter, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
const counter = statementCounter();
let office: TestUser, otherOffice: TestUser;
let org: { id: string };
/** Every booking of the organisation, with its person's name, session start and status. */
const made: { id: string; name: string; startsAt: string; status: 'confirmed' | 'cancelled' }[] = [];

const pad = (i: number, n = 3) => String(i).padStart(n, '0');

beforeAll(async () => {
  const database = await openTestDb();
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: { ...database, db: database.db.withPlugin(counter.plugin) } });
  org = await t.org('Paging College');
  const other = await t.org('Other School');
  office = await t.user('office', org.id);
  otherOffice = await t.user('office', other.id);
  // 130 staff, two of each name ("Person 00" twice…: told apart by booking id), and one of another school.
  const user = (id: string, name: string, orgId: string) => ({
    id, email: `${id}@example.org`, name, role: 'staff' as const, org_id: orgId,
    password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
  });
  await t.db.insertInto('users').values([...Array.from({ length: 130 }, (_, i) => user(`pg-user-${pad(i)}`, `Person ${pad(Math.floor(i / 2), 2)}`, org.id)), user('pg-other', 'Other Person', other.id)]).execute();
  // Three sessions: the first 50 people on the first, 50 on the second, 30 on the third; every 13th booking cancelled.
  const days = ['2026-02-10', '2026-02-11', '2026-02-12'];
  const sessions: { id: string; startsAt: string }[] = [];
  for (const day of days) {
    const s = await t.session({ title: `Session ${day}`, startsAt: `${day}T16:00:00.000Z`, endsAt: `${day}T17:00:00.000Z`, capacity: { online: 200 } });
    sessions.push({ id: s.id, startsAt: s.startsAt as string });
  }
  const at = '2026-01-20T09:00:00.000Z';
  const rows = Array.from({ length: 130 }, (_, i) => {
    const s = i < 50 ? 0 : i < 100 ? 1 : 2;
    // Booking ids run against the names, so the id order within a name is not the insertion order.
    const id = `pg-booking-${pad(999 - i)}`;
    const status = i % 13 === 0 ? ('cancelled' as const) : ('confirmed' as const);
    made.push({ id, name: `Person ${pad(Math.floor(i / 2), 2)}`, startsAt: sessions[s]!.startsAt, status });
    return {
      id, session_id: sessions[s]!.id, user_id: `pg-user-${pad(i)}`, seat: 'online' as const, status, queue_seq: i + 1, hold_org_id: null, offer_expires_at: null,
      booked_by: null, revision: 1, created_at: at, updated_at: at, cancelled_at: status === 'cancelled' ? at : null,
    };
  });
  rows.push({ ...rows[0]!, id: 'pg-booking-other', user_id: 'pg-other', queue_seq: 500, status: 'confirmed', cancelled_at: null });
  await t.db.insertInto('bookings').values(rows).execute();
});
afterAll(async () => {
  await t.close();
});

const get = (query = '', as = office) => t.request('GET', `/api/orgs/${org.id}/bookings${query}`, { as });
const expectedOrder = () => [...made].sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((b) => b.id);

describe('GET /api/orgs/{id}/bookings a page at a time', () => {
  it('answers 100 by default, with the total, whether more follow and the live and cancelled counts over the whole range', async () => {
    const res = await get();
    expect(res.status, res.text).toBe(200);
    expect(res.json.items).toHaveLength(100);
    expect(res.json).toMatchObject({ total: 130, hasMore: true, live: 120, cancelled: 10 });
    expect(res.json.items.map((b: { id: string }) => b.id)).toEqual(expectedOrder().slice(0, 100));
    const last = await get('?offset=100');
    expect(last.json.items).toHaveLength(30);
    expect(last.json).toMatchObject({ total: 130, hasMore: false, live: 120, cancelled: 10 });
  });

  it('lists every booking once across pages, soonest first, then by name, then by booking id', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 40) {
      const res = await get(`?limit=40&offset=${offset}`);
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(130);
      seen.push(...res.json.items.map((b: { id: string }) => b.id));
      if (!res.json.hasMore) break;
    }
    expect(seen).toEqual(expectedOrder());
    expect(new Set(seen).size).toBe(130);
  });

  it('counts within the date range, and past the end answers no rows with the total', async () => {
    const day = await get('?from=2026-02-11&to=2026-02-11');
    expect(day.json).toMatchObject({ total: 50, hasMore: false });
    expect(day.json.live + day.json.cancelled).toBe(50);
    expect(day.json.cancelled).toBe(made.filter((b) => b.startsAt.startsWith('2026-02-11') && b.status === 'cancelled').length);
    const past = await get('?offset=500');
    expect(past.json).toMatchObject({ items: [], total: 130, hasMore: false, live: 120, cancelled: 10 });
  });

  it('costs the same number of statements for a page of 5 as for a page of 130', async () => {
    counter.count = 0;
    await get('?limit=5');
    const small = counter.count;
    counter.count = 0;
    await get('?limit=500');
    expect(counter.count).toBe(small);
  });

  it('refuses a bad limit, offset or range (400), and another school’s bookings (403)', async () => {
    for (const q of ['?limit=0', '?limit=501', '?limit=ten', '?offset=-1', '?offset=1000001', '?from=2026-03-01&to=2026-02-01']) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      expect(res.json.error.code, q).toBe('validation_failed');
    }
    expect((await get('', otherOffice)).status).toBe(403);
  });

  it('still exports every booking as a spreadsheet and a calendar', async () => {
    const csv = await t.request('GET', `/api/orgs/${org.id}/bookings.csv`, { as: office });
    expect(csv.status).toBe(200);
    const rows = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(130);
    const ics = await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office });
    expect(ics.status).toBe(200);
    expect(readCalendar(ics.text).events).toHaveLength(130);
  });
});
