/**
 * The API behind the staff and office booking journey (issue 15): keyword search and course
 * filter, an empty timetable instead of 404, invite and CPD downloads named for what they
 * hold, and the office's "Book staff" roster (place, queue number, timetable clash).
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const titles = (r: { json: { items: { title: string }[] } }) => r.json.items.map((s) => s.title);

describe('finding a session', () => {
  it('finds sessions by words in the title, the course or the description, in any case, every word needed; filters by course', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const trainer = await t.user('trainer');
    const course = (await t.request('POST', '/api/courses', { as: trainer, body: { title: 'Speech, Language and Communication' } })).json;
    await t.session({ title: 'Understanding autism', description: 'Sensory needs in the classroom', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' }, trainer);
    await t.session({ title: 'Attachment and trauma', description: 'Relationships first', courseId: course.id, startsAt: '2026-02-11T16:00:00Z', endsAt: '2026-02-11T17:00:00Z' }, trainer);
    await t.session({ title: '100% inclusion_plan', description: '', startsAt: '2026-02-12T16:00:00Z', endsAt: '2026-02-12T17:00:00Z' }, trainer);
    const find = (q: string, extra = '') => t.request('GET', `/api/sessions?from=2026-02-01T00:00:00Z&q=${encodeURIComponent(q)}${extra}`, { as: me });

    expect(titles(await find('AUTISM'))).toEqual(['Understanding autism']);
    expect(titles(await find('sensory classroom'))).toEqual(['Understanding autism']);
    expect(titles(await find('sensory trauma'))).toEqual([]);
    expect(titles(await find('language'))).toEqual(['Attachment and trauma']);
    expect(titles(await find('100%'))).toEqual(['100% inclusion_plan']);
    expect(titles(await find('n_p'))).toEqual(['100% inclusion_plan']);
    expect((await find('%')).json.total).toBe(1);
    expect(titles(await t.request('GET', `/api/sessions?from=2026-02-01T00:00:00Z&courseId=${course.id}`, { as: me }))).toEqual(['Attachment and trauma']);
    expect((await find('x'.repeat(201))).status).toBe(400);
  });

  it('a session has an area, set on publishing and on editing; the list filters by it alongside words and course', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const trainer = await t.user('trainer');
    const course = (await t.request('POST', '/api/courses', { as: trainer, body: { title: 'Speech and language' } })).json;
    const nw = await t.session({ title: 'Autism in Manchester', mode: 'in_person', venue: 'Town Hall, Manchester', capacity: { inPerson: 10 }, area: 'north-west', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' }, trainer);
    expect(nw.area).toBe('north-west');
    await t.session({ title: 'Autism in Lambeth', mode: 'in_person', venue: 'Lambeth Civic Centre', capacity: { inPerson: 10 }, area: 'london', courseId: course.id, startsAt: '2026-02-11T16:00:00Z', endsAt: '2026-02-11T17:00:00Z' }, trainer);
    await t.session({ title: 'Autism webinar', area: 'national', startsAt: '2026-02-12T16:00:00Z', endsAt: '2026-02-12T17:00:00Z' }, trainer);
    const plain = await t.session({ title: 'Autism with no area', startsAt: '2026-02-13T16:00:00Z', endsAt: '2026-02-13T17:00:00Z' }, trainer);
    expect(plain.area).toBeNull();
    const list = (query: string) => t.request('GET', `/api/sessions?from=2026-02-01T00:00:00Z&${query}`, { as: me });

    expect(titles(await list('area=north-west'))).toEqual(['Autism in Manchester']);
    expect((await list('area=north-west')).json.items[0]).toMatchObject({ venue: 'Town Hall, Manchester', area: 'north-west' });
    expect(titles(await list('area=national'))).toEqual(['Autism webinar']);
    expect(titles(await list('area=south-west'))).toEqual([]);
    expect(titles(await list('q=autism&area=london'))).toEqual(['Autism in Lambeth']);
    expect(titles(await list(`courseId=${course.id}&area=north-west`))).toEqual([]);
    expect(titles(await list('q=autism'))).toHaveLength(4);

    // An area that is not on the list: a clear 400 naming the parameter and the choices.
    for (const bad of ['narnia', 'North%20West', 'NORTH-WEST', '']) {
      const r = await list(`area=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.error.code).toBe('validation_failed');
      expect(r.json.error.message).toMatch(/^area must be one of the areas: north-east, north-west, .*national$/);
    }

    // Editing: a new area is kept; null clears it; an unknown one is refused and changes nothing.
    const moved = await t.request('PATCH', `/api/sessions/${nw.id}`, { as: trainer, body: { area: 'yorkshire-humber' } });
    expect(moved.status).toBe(200);
    expect(moved.json.area).toBe('yorkshire-humber');
    expect(titles(await list('area=yorkshire-humber'))).toEqual(['Autism in Manchester']);
    expect(titles(await list('area=north-west'))).toEqual([]);
    const before = (await t.request('GET', `/api/sessions/${nw.id}`, { as: trainer })).json;
    const refused = await t.request('PATCH', `/api/sessions/${nw.id}`, { as: trainer, body: { area: 'Yorkshire', title: 'Renamed' } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.issues).toEqual([{ path: 'area', message: expect.stringMatching(/^must be one of the areas/) }]);
    expect((await t.request('GET', `/api/sessions/${nw.id}`, { as: trainer })).json).toEqual(before);
    const cleared = await t.request('PATCH', `/api/sessions/${nw.id}`, { as: trainer, body: { area: null } });
    expect(cleared.json.area).toBeNull();
    expect(titles(await list('area=yorkshire-humber'))).toEqual([]);

    // Publishing with an unknown area is refused too, and publishes nothing.
    const count = (await list('')).json.total;
    const bad = await t.request('POST', '/api/sessions', { as: trainer, body: { title: 'Nowhere', mode: 'online', area: 'Wales', startsAt: '2026-02-14T16:00:00Z', endsAt: '2026-02-14T17:00:00Z', capacity: { online: 5 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('area');
    expect((await list('')).json.total).toBe(count);
    // A series carries the area to every date.
    const series = await t.request('POST', '/api/sessions/series', {
      as: trainer,
      body: { session: { title: 'Weekly in Bristol', mode: 'in_person', venue: 'Bristol Library', area: 'south-west', capacity: { inPerson: 5 }, startsAt: '2026-02-16T16:00:00Z', endsAt: '2026-02-16T17:00:00Z' }, occurrences: [{ startsAt: '2026-02-16T16:00:00Z', endsAt: '2026-02-16T17:00:00Z' }, { startsAt: '2026-02-23T16:00:00Z', endsAt: '2026-02-23T17:00:00Z' }] },
    });
    expect(series.status).toBe(201);
    expect(titles(await list('area=south-west'))).toEqual(['Weekly in Bristol', 'Weekly in Bristol']);
  });

  it('refusals of a session say what is wrong in words for people; the field paths stay in details', async () => {
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Words', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' }, trainer);
    const patch = (body: object) => t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body });
    const refusals = [
      [await patch({ mode: 'in_person' }), 'The venue is required for in-person seats.', 'venue'],
      [await patch({ endsAt: '2026-02-10T15:00:00Z' }), 'The end time must be after the start time.', 'endsAt'],
      [await patch({ capacity: { inPerson: 5 } }), 'An online session has no in-person seats.', 'capacity.inPerson'],
      [await patch({ courseId: randomUUID() }), 'That course does not exist. It may have been removed.', 'courseId'],
      [await patch({ trainerIds: [staff.id] }), `Only trainers and administrators can run sessions: ${staff.name} is not a trainer.`, 'trainerIds'],
    ] as const;
    for (const [r, message, path] of refusals) {
      expect(r.status).toBe(400);
      expect(r.json.error.message).toBe(message);
      expect(r.json.error.details.issues[0].path).toBe(path);
    }
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json).toMatchObject({ mode: 'online', endsAt: '2026-02-10T17:00:00.000Z', capacity: { inPerson: 0, online: 10 }, courseId: null, trainerIds: [trainer.id] });
  });

  it('GET /api/me/timetable answers 200 with an empty timetable when there is none', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const r = await t.request('GET', '/api/me/timetable', { as: me });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ userId: me.id, source: null, updatedAt: null, weekly: [], dated: [], freeDays: [], busy: [] });
  });
});

describe('downloads named for what they hold', () => {
  it('names the invite after the session and its date (in its own zone)', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Understanding Autism: part 2', startsAt: '2026-02-10T23:30:00Z', endsAt: '2026-02-11T00:30:00Z', timeZone: 'Europe/London' });
    const b = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json;
    const r = await t.request('GET', `/api/bookings/${b.id}/invite.ics`, { as: me });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename=understanding-autism-part-2-2026-02-10.ics');
  });

  it('names the office export after the chosen range', async () => {
    const org = await t.org('Oak Primary');
    const office = await t.user('office', org.id);
    const r = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z`, { as: office });
    expect(r.headers.get('content-disposition')).toBe('attachment; filename=bookings-oak-primary-2026-02-01-to-2026-03-01.csv');
  });

  it('gives a person their CPD record as CSV: attended sessions with minutes, nobody else’s', async () => {
    const org = await t.org();
    const [me, other] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Attachment and trauma', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:30:00Z' });
    const mine = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json;
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: {} });
    t.clock.set('2026-02-10T17:35:00Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${mine.id}`, { as: s.trainer, body: { attended: true, minutes: 80 } })).status).toBe(200);
    t.clock.set('2026-02-10T18:30:00Z');
    await runJobsOnce(t.deps, null);
    const r = await t.request('GET', '/api/me/completions.csv', { as: me });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename=cpd-record-2026-02-10.csv');
    const rows = parse(r.text.replace(/^\uFEFF/, ''), { columns: true });
    expect(rows).toEqual([{ session: 'Attachment and trauma', course: '', date: '2026-02-10', start: '16:00', end: '17:30', seat: 'online', 'minutes present': '80', audience: 'programme' }]);
    const theirs = parse((await t.request('GET', '/api/me/completions.csv', { as: other })).text.replace(/^\uFEFF/, ''), { columns: true });
    expect(theirs).toEqual([]);
    expect((await t.request('GET', '/api/me/completions.csv')).status).toBe(401);
  });
});

describe('the office roster of a session', () => {
  it('shows each person’s place (booked, offered, waiting with their number) and timetable clash with the lesson; only for the office’s own school', async () => {
    const org = await t.org('Oak Primary');
    const office = await t.user('office', org.id);
    const [ana, ben, cai, dee] = [await t.user('staff', org.id, 'Ana'), await t.user('staff', org.id, 'Ben'), await t.user('staff', org.id, 'Cai'), await t.user('staff', org.id, 'Dee')];
    const outsider = await t.user('staff', (await t.org()).id);
    const s = await t.session({ capacity: { online: 1 }, startsAt: '2026-02-10T10:00:00Z', endsAt: '2026-02-10T11:00:00Z' });
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ana, body: {} });
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: outsider, body: {} });
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} });
    await t.request('PUT', '/api/me/timetable', { as: cai, body: 'day,start,end,label\nTuesday,09:30,10:30,Y4 maths\n', headers: { 'content-type': 'text/csv' } });

    const r = await t.request('GET', `/api/sessions/${s.id}/roster`, { as: office });
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.json.items.map((i: any) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['Ana', 'Ben', 'Cai', 'Dee', office.name].sort());
    expect(byName.Ana.booking).toMatchObject({ status: 'confirmed', seat: 'online' });
    expect(byName.Ben.booking).toMatchObject({ status: 'waitlisted', position: 2 });
    expect(byName.Cai.booking).toBeNull();
    expect(byName.Cai.clashes).toEqual([expect.objectContaining({ label: 'Y4 maths' })]);
    expect(byName.Dee).toMatchObject({ booking: null, clashes: [] });
    void dee;

    expect((await t.request('GET', `/api/sessions/${s.id}/roster`, { as: ana })).status).toBe(403);
    const otherOffice = await t.user('office', (await t.org()).id);
    expect((await t.request('GET', `/api/sessions/${s.id}/roster?orgId=${org.id}`, { as: otherOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/00000000-0000-4000-8000-000000000000/roster`, { as: office })).status).toBe(404);
  });
});
