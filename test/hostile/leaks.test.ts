/**
 * Smaller leaks (issue 13, point 8): answers to a signed-in person are never cached; error
 * messages are written for people, never a parser's or JavaScript's own text; seat holds are
 * seen only by the session's trainers, admins and the holding school's office; session
 * times far outside the programme's life are refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestContext, TEST_PASSWORD, type TestUser } from '../helpers.js';

const t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
afterAll(() => t.close());

/** Fragments of developer-facing text: JavaScript errors, parser internals, setting names. */
const INTERNAL = /Cannot read|undefined|propertyGroups|invalid line|no token|extract integer|Invalid Record|Opening Quote|Closing Quote|relax_|columns length|TypeError|SyntaxError|at line \d+ column|Unexpected token/i;

describe('Cache-Control', () => {
  it('every answer to a signed-in person, errors included, and the sign-in answer are no-store', async () => {
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const s = await t.session();
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/sessions'],
      ['GET', `/api/sessions/${s.id}`],
      ['GET', '/api/me/bookings'],
      ['GET', '/api/sessions/00000000-0000-4000-8000-000000000000'],
      ['POST', `/api/sessions/${s.id}/bookings`],
    ] as const) {
      const res = await t.request(method, path, { as: me, body: method === 'POST' ? { seat: 'online' } : undefined });
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      expect(res.headers.get('cache-control'), `${method} ${path}`).toBe('no-store');
    }
    const login = await t.request('POST', '/api/auth/login', { body: { email: me.email, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    // A route that sets its own keeps it (the private feed is revalidated, not forbidden).
    const feed = await t.request('GET', '/api/me/calendar', { as: me });
    const own = await t.request('GET', new URL(feed.json.url).pathname);
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('private, no-cache');
  });
});

describe('error messages are for people', () => {
  const uploads: [string, string, string][] = [
    ['text/calendar', '{"lessons":[1,2,3]}', 'a JSON body sent as a calendar'],
    ['text/calendar', 'hello', 'a line with no property'],
    ['text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260105T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'a repeat rule with a word for a number'],
    ['text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n', 'a calendar cut short'],
    ['text/csv', 'day,start,end\n"Monday,09:00,10:00\n', 'a quote never closed'],
    ['text/csv', 'day,start,end\nMonday,09:00,10:00,extra,more\n', 'a row with too many columns'],
  ];
  for (const [type, body, what] of uploads) {
    it(`a timetable upload with ${what} gets a 400 in plain words`, async () => {
      const me = await t.user('staff', (await t.org()).id);
      const res = await t.request('PUT', '/api/me/timetable', { as: me, body, headers: { 'content-type': type } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.message).not.toMatch(INTERNAL);
      expect(JSON.stringify(res.json.error.details ?? '')).not.toMatch(INTERNAL);
      expect(res.json.error.message).toMatch(/timetable was not changed/);
    });
  }

  it('a people import whose CSV cannot be read says why in plain words', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    for (const body of ['name,email,role\n"Pat,pat@example.org,staff\n', 'name,email,role\nPat,pat@example.org,staff,extra\n']) {
      const res = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: admin, body, headers: { 'content-type': 'text/csv' } });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/^The CSV file could not be read/);
      expect(res.json.error.message).not.toMatch(INTERNAL);
    }
  });

  it('a body that is not JSON, or not the JSON expected, gets a plain message', async () => {
    const admin = await t.user('admin');
    const bad = await t.request('POST', '/api/orgs', { as: admin, body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'malformed_json', message: 'The request body is not valid JSON.' });
    const wrong = await t.request('POST', '/api/orgs', { as: admin, body: [1, 2] });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).not.toMatch(INTERNAL);
  });
});

describe('seat holds', () => {
  it('are seen by the session’s trainers and admins in full, by an office only for its own school, and by no one else', async () => {
    const oak = await t.org('Oak Primary');
    const elm = await t.org('Elm Academy');
    const s = await t.session({ capacity: { online: 6 } });
    for (const org of [oak, elm]) {
      expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 2 } })).status).toBe(204);
    }
    const names = (items: { orgName: string }[]) => items.map((i) => i.orgName).sort();
    const holds = (as: TestUser) => t.request('GET', `/api/sessions/${s.id}/holds`, { as });

    expect(names((await holds(s.trainer)).json.items)).toEqual(['Elm Academy', 'Oak Primary']);
    expect(names((await holds(await t.user('admin'))).json.items)).toEqual(['Elm Academy', 'Oak Primary']);
    const oakOffice = await holds(await t.user('office', oak.id));
    expect(oakOffice.status).toBe(200);
    expect(oakOffice.json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 2, claimed: 0 }]);
    expect((await holds(await t.user('office', (await t.org()).id))).json.items).toEqual([]);
    for (const who of [await t.user('staff', oak.id), await t.user('staff', elm.id), await t.user('trainer')]) {
      const res = await holds(who);
      expect(res.status).toBe(403);
      expect(res.text).not.toMatch(/Oak|Elm/);
    }
    // The session itself says how many seats anyone may book, not who holds the rest.
    const view = await t.request('GET', `/api/sessions/${s.id}`, { as: await t.user('staff', elm.id) });
    expect(view.text).not.toMatch(/Oak|Elm/);
  });
});

describe('session times', () => {
  it('outside the years 2000 to 2100 are refused with 400 on create and on change, and nothing is stored', async () => {
    const trainer = await t.user('trainer');
    const base = { title: 'Far away', mode: 'online', capacity: { online: 5 } };
    const before = (await t.db.selectFrom('sessions').select('id').execute()).length;
    for (const [startsAt, endsAt] of [
      ['1601-01-01T09:00:00Z', '1601-01-01T10:00:00Z'],
      ['1999-12-31T23:00:00Z', '2000-01-01T00:30:00Z'],
      ['2101-01-01T09:00:00Z', '2101-01-01T10:00:00Z'],
      ['2026-03-01T09:00:00Z', '9999-01-01T10:00:00Z'],
    ]) {
      const res = await t.request('POST', '/api/sessions', { as: trainer, body: { ...base, startsAt, endsAt } });
      expect(res.status, `${startsAt} to ${endsAt}`).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.message).toMatch(/between the years 2000 and 2100/);
    }
    expect((await t.db.selectFrom('sessions').select('id').execute()).length).toBe(before);
    const ok = await t.request('POST', '/api/sessions', { as: trainer, body: { ...base, startsAt: '2000-01-03T09:00:00Z', endsAt: '2000-01-03T10:00:00Z' } });
    expect(ok.status).toBe(201);
    const moved = await t.request('PATCH', `/api/sessions/${ok.json.id}`, { as: trainer, body: { startsAt: '1900-01-03T09:00:00Z' } });
    expect(moved.status).toBe(400);
    expect((await t.request('GET', `/api/sessions/${ok.json.id}`, { as: trainer })).json.startsAt).toBe('2000-01-03T09:00:00.000Z');
  });
});
