/**
 * Text limits said in plain words, and ranges of days counted as days in England.
 * - Text over a field's limit (shared/common.ts `Line` and `Text`) was refused in zod's own
 *   words ("Too big: expected string to have <=200 characters"): now every such 400 names the
 *   field and says the limit in words ("title is too long: at most 200 characters"), and
 *   changes nothing.
 * - A cover report of 400 days from summer time into winter time (2026-10-01 to 2027-11-04)
 *   was refused as over 400 days, measured in 24-hour stretches (it is 400 days and an hour):
 *   the page allows it, and now the service does too, counting calendar days in England.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext();
});
afterAll(() => t.close());

/** The refusal of one field too long: 400, the field named first in the summary, the limit in words, nothing in zod's own. */
function expectTooLong(res: { status: number; json: any; text: string }, path: string, limit: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.json.error.code).toBe('validation_failed');
  expect(res.json.error.message).toBe(`${path} is too long: at most ${limit} characters`);
  expect(res.json.error.details.issues).toEqual([{ path, message: `is too long: at most ${limit} characters` }]);
  expect(res.text).not.toMatch(/Too big|expected string|<=/);
}

describe('text over its limit', () => {
  it('a session’s title (201 characters) is refused in plain words, on publishing and on changing it; nothing is made or changed', async () => {
    const trainer = await t.user('trainer');
    const title = 'T'.repeat(201);
    const made = await t.request('POST', '/api/sessions', { as: trainer, body: { title, mode: 'online', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z', capacity: { online: 10 } } });
    expectTooLong(made, 'title', '200');
    expect((await t.db.selectFrom('sessions').select('id').where('title', '=', title).execute()).length).toBe(0);

    const s = await t.session({ title: 'Sensory circuits' }, trainer);
    expectTooLong(await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { title } }), 'title', '200');
    // Spaces around it are not counted (the title is kept trimmed): 200 characters and spaces are taken.
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.title).toBe('Sensory circuits');
    const fits = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { title: `  ${'T'.repeat(200)}  ` } });
    expect(fits.status, fits.text).toBe(200);
    expect(fits.json.title).toBe('T'.repeat(200));
  });

  it('a reason for cancelling a session (501 characters) is refused in plain words; the session stays on and no one is told', async () => {
    const s = await t.session({ title: 'Attention autism' });
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const before = (await t.db.selectFrom('outbox').select('id').execute()).length;
    expectTooLong(await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'r'.repeat(501) } }), 'reason', '500');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.status).toBe('scheduled');
    expect((await t.db.selectFrom('outbox').select('id').execute()).length).toBe(before);
  });

  it('a person’s full name (201 characters) is refused in plain words; their name is as it was', async () => {
    const admin = await t.user('admin');
    const staff = await t.user('staff', (await t.org()).id, 'Sam Short');
    expectTooLong(await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { name: 'N'.repeat(201) } }), 'name', '200');
    expect((await t.db.selectFrom('users').select('name').where('id', '=', staff.id).executeTakeFirstOrThrow()).name).toBe('Sam Short');
  });

  it('a trainer’s message to attendees (5,001 characters) is refused in plain words, the limit written as people write numbers; no one is emailed', async () => {
    const s = await t.session({ title: 'Zones of regulation' });
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const before = (await t.db.selectFrom('outbox').select('id').execute()).length;
    expectTooLong(await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'm'.repeat(5001) } }), 'text', '5,000');
    expect((await t.db.selectFrom('outbox').select('id').execute()).length).toBe(before);
  });

  it('an organisation’s name (201 characters) is refused in plain words, on adding one and on renaming one; nothing is added or renamed', async () => {
    const admin = await t.user('admin');
    const name = 'O'.repeat(201);
    expectTooLong(await t.request('POST', '/api/orgs', { as: admin, body: { name } }), 'name', '200');
    expect((await t.db.selectFrom('organisations').select('id').where('name', '=', name).execute()).length).toBe(0);
    const org = await t.org('Oak Primary');
    expectTooLong(await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { name } }), 'name', '200');
    expect((await t.db.selectFrom('organisations').select('name').where('id', '=', org.id).executeTakeFirstOrThrow()).name).toBe('Oak Primary');
  });
});

describe('a cover report across the October clock change', () => {
  it('400 days from summer time into winter time (1 October 2026 to 4 November 2027) is answered, as the page allows; 401 days is refused', async () => {
    const org = await t.org('Elm Primary');
    const office = await t.user('office', org.id);
    const fits = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-10-01&to=2027-11-04`, { as: office });
    expect(fits.status, fits.text).toBe(200);
    expect(fits.json).toMatchObject({ from: '2026-09-30T23:00:00.000Z', to: '2027-11-05T00:00:00.000Z', items: [] });
    const csv = await t.request('GET', `/api/orgs/${org.id}/cover.csv?from=2026-10-01&to=2027-11-04`, { as: office });
    expect(csv.status, csv.text).toBe(200);

    const over = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-10-01&to=2027-11-05`, { as: office });
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({ code: 'validation_failed', message: 'A cover report may span at most 400 days.', details: { issues: [{ path: 'to', message: 'at most 400 days after from' }] } });
    // From winter time into summer time (400 days less an hour), the same count: 400 days taken, 401 refused.
    expect((await t.request('GET', `/api/orgs/${org.id}/cover?from=2027-02-01&to=2028-03-06`, { as: office })).status).toBe(200);
    expect((await t.request('GET', `/api/orgs/${org.id}/cover?from=2027-02-01&to=2028-03-07`, { as: office })).status).toBe(400);
  });
});

describe('a timetable read across the October clock change', () => {
  it('400 days from summer time into winter time is answered, as the cover report counts them; 401 days is refused', async () => {
    const org = await t.org('Elm Primary');
    const office = await t.user('office', org.id);
    const person = await t.user('staff', org.id);
    const read = (to: string) => t.request('GET', `/api/users/${person.id}/timetable?from=2026-10-01&to=${to}`, { as: office });
    const fits = await read('2027-11-04');
    expect(fits.status === 200 || fits.status === 404, fits.text).toBe(true);
    const over = await read('2027-11-05');
    expect(over.status).toBe(400);
    expect(over.json.error.details.issues).toEqual([{ path: 'to', message: 'must be after from, within 400 days' }]);
  });
});
