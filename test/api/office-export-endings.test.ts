/**
 * An office's bookings spreadsheet (GET /api/orgs/:id/bookings.csv) says how each cancelled
 * place ended, in the words My bookings uses (an offer turned down or run out, cancelled by
 * the person or by their office), in a column of its own after the columns it always had,
 * whose codes (status `cancelled`, mode `hybrid`, seat `in_person`, audience `programme`) stay
 * as integrations read them; the mode, seat and audience are also given in words. A cell
 * starting with a formula character is still kept as text. And a staff import whose CSV has
 * a name with double quotes in it (pasted `=HYPERLINK("…")`) says which line and how to write it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const csvRows = (text: string) => parse(text, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
const TIMES = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };
const MINUTE = 60_000;

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}
async function ok(method: string, path: string, as: TestUser) {
  const res = await t.request(method, path, { as });
  expect(res.status, res.text).toBeLessThan(300);
}

describe('the bookings spreadsheet says how each place ended', () => {
  it('an offer declined or run out, a place cancelled by its person or their office: each in My bookings’ words; the old columns as they were', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const names = ['Ann Ash', 'Ben Ash', 'Cy Ash', 'Dee Ash', '=HYPERLINK("http://evil.example","Eve")', 'Fay Ash'];
    const [ann, ben, cy, dee, eve, fay] = await Promise.all(names.map((n) => t.user('staff', org.id, n)));
    const s = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: 'Hall A', ...TIMES, capacity: { inPerson: 1, online: 5 }, waitlistPolicy: 'offer', offerHoldMinutes: 10 });

    // Ann's seat goes; Ben is offered it and lets the offer run out; Eve is offered it next and turns it down.
    const anns = await book(s.id, ann!, { seat: 'in_person' });
    const bens = await book(s.id, ben!, { seat: 'in_person' });
    const eves = await book(s.id, eve!, { seat: 'in_person' });
    expect([bens.status, eves.status]).toEqual(['waitlisted', 'waitlisted']);
    await ok('DELETE', `/api/bookings/${anns.id}`, ann!);
    t.clock.advance(11 * MINUTE);
    await runJobsOnce(t.deps, null);
    await ok('POST', `/api/bookings/${eves.id}/decline`, eve!);
    // Cy cancels an online seat themselves; their office cancels Dee's; Fay keeps hers.
    const cys = await book(s.id, cy!, { seat: 'online' });
    const dees = await book(s.id, dee!, { seat: 'online' });
    await book(s.id, fay!, { seat: 'online' });
    await ok('DELETE', `/api/bookings/${cys.id}`, cy!);
    await ok('DELETE', `/api/bookings/${dees.id}`, office);

    const res = await t.request('GET', `/api/orgs/${org.id}/bookings.csv`, { as: office });
    expect(res.status, res.text).toBe(200);
    const rows = csvRows(res.text);
    const header = Object.keys(rows[0]!);
    // The columns it always had, in their order, then the new ones.
    expect(header.slice(0, 14)).toEqual(['name', 'email', 'session title', 'start', 'end', 'time zone', 'mode', 'seat', 'venue', 'status', 'waitlist position', 'booked at', 'audience', 'organisation']);
    expect(header.slice(14)).toEqual(['how it ended', 'mode (in words)', 'seat (in words)', 'audience (in words)']);
    const of = (name: string) => rows.find((r) => r.name === name)!;

    expect(of('Ben Ash')).toMatchObject({ status: 'cancelled', 'how it ended': 'The seat offered to Ben Ash was not accepted in time: the offer ran out at 2026-03-02 09:10, so it went to the next person waiting.' });
    expect(of('Ann Ash')).toMatchObject({ status: 'cancelled', 'how it ended': 'Ann Ash cancelled this place themselves.' });
    expect(of('Cy Ash')).toMatchObject({ status: 'cancelled', 'how it ended': 'Cy Ash cancelled this place themselves.' });
    expect(of('Dee Ash')).toMatchObject({ status: 'cancelled', 'how it ended': 'Cancelled by Olu Office (Ash Primary’s office).' });
    expect(of('Fay Ash')).toMatchObject({ status: 'confirmed', 'how it ended': '' });
    // A name that reads as a formula stays text, in the new column as in the name's.
    const evil = of(`'${names[4]}`);
    expect(evil).toMatchObject({ status: 'cancelled', 'how it ended': `'${names[4]} turned down the seat offered to them.` });

    // The codes integrations read are as they were; the words are beside them.
    expect(of('Fay Ash')).toMatchObject({ mode: 'hybrid', seat: 'online', audience: 'programme', 'mode (in words)': 'Hybrid (in person or online)', 'seat (in words)': 'Online', 'audience (in words)': 'Everyone in the programme' });
    expect(of('Ben Ash')).toMatchObject({ seat: 'in_person', 'seat (in words)': 'In person' });
  });
});

describe('a staff import with double quotes in a name', () => {
  it('names the line and says how to write a value with quotes, commas or line breaks; adds nobody', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const body = 'name,email,role\nPat Smith,pat@example.org,staff\n=HYPERLINK("http://evil.example","Click"),eve@example.org,staff\n';
    const res = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    const message = res.json.error.message as string;
    expect(message).toMatch(/^The CSV file could not be read \(line 3\): /);
    expect(message).not.toContain('not a well-formed CSV file');
    expect(message).toContain('a value containing double quotes, commas or line breaks must be wrapped in double quotes, with each double quote inside it written twice ("")');
    expect(await t.db.selectFrom('users').select('id').where('email', 'in', ['pat@example.org', 'eve@example.org']).execute()).toEqual([]);
    // Written as the message says, the same name is read.
    const fixed = 'name,email,role\n"=HYPERLINK(""http://evil.example"",""Click"")",eve@example.org,staff\n';
    const dry = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body: fixed, headers: { 'content-type': 'text/csv' } });
    expect(dry.status, dry.text).toBe(200);
  });
});
