import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';
import { SessionList } from '../../shared/sessions.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const valid = {
  title: 'Speech, language and communication',
  mode: 'in_person',
  startsAt: '2026-03-29T09:00:00+01:00',
  endsAt: '2026-03-29T10:30:00+01:00',
  venue: 'Hilltop Academy, Main Hall',
  capacity: { inPerson: 30 },
};

describe('publishing sessions', () => {
  it('stores UTC instants from any offset and keeps the time zone', async () => {
    const trainer = await t.user('trainer');
    const res = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, timeZone: 'Europe/London' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      startsAt: '2026-03-29T08:00:00.000Z',
      endsAt: '2026-03-29T09:30:00.000Z',
      timeZone: 'Europe/London',
      mode: 'in_person',
      capacity: { inPerson: 30, online: 0 },
      trainerIds: [trainer.id],
      status: 'scheduled',
      seats: { inPerson: { capacity: 30, confirmed: 0, available: 30 }, online: { capacity: 0 } },
    });
  });

  it('keeps a time zone by its IANA name however it was typed (case, an alias), for sessions and organisations alike, so invites carry it', async () => {
    const trainer = await t.user('trainer');
    const admin = await t.user('admin');
    for (const typed of ['europe/london', 'GB', 'Europe/Belfast']) {
      const res = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, timeZone: typed } });
      expect(res.status).toBe(201);
      expect(res.json.timeZone).toBe('Europe/London');
      // Its times keep their zone in a calendar invite, not UTC for a zone no client knows by that name.
      const staff = await t.user('staff', (await t.org()).id);
      const booked = await t.request('POST', `/api/sessions/${res.json.id}/bookings`, { as: staff, body: {} });
      const invite = await t.request('GET', `/api/bookings/${booked.json.id}/invite.ics`, { as: staff });
      expect(invite.text).toContain('DTSTART;TZID=Europe/London:20260329T090000');
      const org = await t.request('POST', '/api/orgs', { as: admin, body: { name: `Zone School ${typed}`, timeZone: typed } });
      expect(org.status).toBe(201);
      expect(org.json.timeZone).toBe('Europe/London');
      const changed = await t.request('PATCH', `/api/orgs/${org.json.id}`, { as: admin, body: { timeZone: typed.toUpperCase() === typed ? 'europe/london' : typed.toUpperCase() } });
      expect(changed.json.timeZone).toBe('Europe/London');
    }
  });

  it('refuses a time zone that is not one in plain words (region and city), not as "IANA"', async () => {
    const trainer = await t.user('trainer');
    const res = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, timeZone: 'London' } });
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues).toContainEqual(expect.objectContaining({ path: 'timeZone', message: 'must be written as region and city, such as Europe/London' }));
  });

  it.each([
    ['end before start', { endsAt: '2026-03-29T08:00:00+01:00' }, 'endsAt'],
    ['no offset', { startsAt: '2026-03-29T09:00:00' }, 'startsAt'],
    ['not a real time zone', { timeZone: 'Europe/Atlantis' }, 'timeZone'],
    ['fractional capacity', { capacity: { inPerson: 2.5 } }, 'capacity.inPerson'],
    ['negative capacity', { capacity: { inPerson: -1 } }, 'capacity.inPerson'],
    ['online seats on an in-person session', { capacity: { inPerson: 5, online: 5 } }, 'capacity.online'],
    ['in-person session without a venue', { venue: undefined }, 'venue'],
    ['hybrid without online capacity', { mode: 'hybrid' }, 'capacity.online'],
    ['unknown mode', { mode: 'telepathy' }, 'mode'],
    ['empty title', { title: '   ' }, 'title'],
    ['unknown field', { colour: 'red' }, ''],
  ])('refuses %s with a clear 400 and stores nothing', async (_name, change, path) => {
    const trainer = await t.user('trainer');
    const res = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, ...change } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    if (path) expect(res.json.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await t.db.selectFrom('sessions').select('id').execute()).toHaveLength(0);
  });

  it('only trainers and admins publish', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', '/api/sessions', { as: staff, body: valid })).status).toBe(403);
    expect((await t.request('POST', '/api/sessions', { body: valid })).status).toBe(401);
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const res = await t.request('POST', '/api/sessions', { as: admin, body: { ...valid, trainerIds: [trainer.id] } });
    expect(res.status).toBe(201);
    expect(res.json.trainerIds).toEqual([trainer.id]);
    const notTrainer = await t.request('POST', '/api/sessions', { as: admin, body: { ...valid, trainerIds: [staff.id] } });
    expect(notTrainer.status).toBe(400);
  });

  it('a number past its limit is refused in words a person reads (seats, held seats, travel time), not the validator’s own', async () => {
    const trainer = await t.user('trainer');
    const admin = await t.user('admin');
    const big = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, mode: 'online', capacity: { online: 100_001 } } });
    expect(big.status).toBe(400);
    expect(big.json.error.details.issues).toContainEqual({ path: 'capacity.online', message: 'must be 100,000 or fewer' });
    const s = await t.session({ ...valid, mode: 'online', capacity: { online: 5 } }, trainer);
    const org = await t.org();
    const hold = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: org.id, seat: 'online', seats: 100_001 } });
    expect(hold.status).toBe(400);
    expect(hold.json.error.details.issues).toContainEqual({ path: 'seats', message: 'must be 100,000 or fewer' });
    const travel = await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { travelBufferMinutes: 241 } } });
    expect(travel.status).toBe(400);
    expect(travel.json.error.details.issues).toContainEqual({ path: 'settings.travelBufferMinutes', message: 'must be 240 minutes (4 hours) or fewer' });
    for (const r of [big, hold, travel]) expect(JSON.stringify(r.json)).not.toMatch(/Too big|expected number/);
  });

  it('belongs to a course when given one', async () => {
    const trainer = await t.user('trainer');
    const course = await t.request('POST', '/api/courses', { as: trainer, body: { title: 'Autism and sensory needs' } });
    expect(course.status).toBe(201);
    const res = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, courseId: course.json.id } });
    expect(res.json.courseId).toBe(course.json.id);
    expect((await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, courseId: 'nope' } })).status).toBe(400);
  });
});

describe('listing sessions', () => {
  it('filters by date range, mode and course, soonest first, in pages', async () => {
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    const course = (await t.request('POST', '/api/courses', { as: trainer, body: { title: 'C' } })).json;
    for (let d = 10; d < 20; d++) {
      await t.session({ title: `Day ${d}`, startsAt: `2026-03-${d}T16:00:00Z`, endsAt: `2026-03-${d}T17:00:00Z`, courseId: d % 2 ? course.id : undefined, ...(d % 3 === 0 ? { mode: 'in_person', venue: 'Hall', capacity: { inPerson: 5 } } : {}) }, trainer);
    }
    const page1 = await t.request('GET', '/api/sessions?limit=4', { as: staff });
    expect(page1.json.total).toBe(10);
    // Someone with no timetable gets the page as written out once for everyone like them:
    // a SessionList by the shared schema, each session's fit null, sent as JSON.
    expect(page1.headers.get('content-type')).toMatch(/^application\/json/);
    expect(SessionList.parse(page1.json).items.map((s) => s.fit)).toEqual([null, null, null, null]);
    expect((await t.request('GET', '/api/sessions?limit=4', { as: staff })).text).toBe(page1.text);
    expect(page1.json.items.map((s: { title: string }) => s.title)).toEqual(['Day 10', 'Day 11', 'Day 12', 'Day 13']);
    const page3 = await t.request('GET', '/api/sessions?limit=4&offset=8', { as: staff });
    expect(page3.json.items.map((s: { title: string }) => s.title)).toEqual(['Day 18', 'Day 19']);
    const range = await t.request('GET', `/api/sessions?from=${encodeURIComponent('2026-03-12T00:00:00Z')}&to=${encodeURIComponent('2026-03-14T00:00:00Z')}`, { as: staff });
    expect(range.json.items.map((s: { title: string }) => s.title)).toEqual(['Day 12', 'Day 13']);
    // Dates alone are days in England, the last one included.
    const days = await t.request('GET', '/api/sessions?from=2026-03-12&to=2026-03-13', { as: staff });
    expect(days.json.items.map((s: { title: string }) => s.title)).toEqual(['Day 12', 'Day 13']);
    expect((await t.request('GET', '/api/sessions?from=12/03/2026', { as: staff })).status).toBe(400);
    const inPerson = await t.request('GET', '/api/sessions?mode=in_person', { as: staff });
    expect(inPerson.json.items.map((s: { title: string }) => s.title)).toEqual(['Day 12', 'Day 15', 'Day 18']);
    const byCourse = await t.request('GET', `/api/sessions?courseId=${course.id}`, { as: staff });
    expect(byCourse.json.total).toBe(5);
    expect((await t.request('GET', '/api/sessions?limit=500', { as: staff })).status).toBe(400);
    expect((await t.request('GET', '/api/sessions')).status).toBe(401);
  });

  it('bookingOpen=true lists only sessions still open for booking: not one whose cut-off has passed, nor one over or cancelled', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    // The clock is 2026-03-01T09:00Z.
    await t.session({ title: 'Open', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' });
    await t.session({ title: 'Cut-off to come', startsAt: '2026-03-11T16:00:00Z', endsAt: '2026-03-11T17:00:00Z', bookingClosesAt: '2026-03-05T12:00:00Z' });
    await t.session({ title: 'Cut-off passed', startsAt: '2026-03-12T16:00:00Z', endsAt: '2026-03-12T17:00:00Z', bookingClosesAt: '2026-02-28T12:00:00Z' });
    // Under way: open until it ends (CONTRACT), whatever is left of it to attend.
    await t.session({ title: 'Running now', startsAt: '2026-03-01T08:30:00Z', endsAt: '2026-03-01T10:00:00Z' });
    await t.session({ title: 'Just begun', startsAt: '2026-03-01T08:55:00Z', endsAt: '2026-03-01T10:25:00Z' });
    await t.session({ title: 'Over', startsAt: '2026-02-20T16:00:00Z', endsAt: '2026-02-20T17:00:00Z' });
    const cancelled = await t.session({ title: 'Cancelled', startsAt: '2026-03-13T16:00:00Z', endsAt: '2026-03-13T17:00:00Z' });
    await t.request('POST', `/api/sessions/${cancelled.id}/cancel`, { as: cancelled.trainer });
    const titles = async (query: string) => {
      const r = await t.request('GET', `/api/sessions?${query}`, { as: staff });
      expect(r.status).toBe(200);
      expect(r.json.total).toBe(r.json.items.length);
      return r.json.items.map((s: { title: string }) => s.title);
    };
    const from = encodeURIComponent('2026-03-01T09:00:00Z');
    expect(await titles(`from=${from}`)).toEqual(['Running now', 'Just begun', 'Open', 'Cut-off to come', 'Cut-off passed']);
    expect(await titles(`from=${from}&bookingOpen=true`)).toEqual(['Running now', 'Just begun', 'Open', 'Cut-off to come']);
    expect(await titles('bookingOpen=true&includeCancelled=true')).toEqual(['Running now', 'Just begun', 'Open', 'Cut-off to come']);
    expect(await titles('bookingOpen=false')).toEqual(['Over', 'Running now', 'Just begun', 'Open', 'Cut-off to come', 'Cut-off passed']);
    // The list moves with the clock: once one has ended, it is closed.
    t.clock.set('2026-03-01T10:00:00Z');
    expect(await titles('bookingOpen=true')).toEqual(['Just begun', 'Open', 'Cut-off to come']);
    // At the cut-off the session is no longer open.
    t.clock.set('2026-03-05T12:00:00Z');
    expect(await titles('bookingOpen=true')).toEqual(['Open']);
    expect((await t.request('GET', '/api/sessions?bookingOpen=yes', { as: staff })).status).toBe(400);
    // Documented in the OpenAPI document.
    const doc = (await t.request('GET', '/api/openapi.json')).json;
    const param = doc.paths['/api/sessions'].get.parameters.find((p: { name: string }) => p.name === 'bookingOpen');
    expect(param).toMatchObject({ in: 'query', schema: { enum: ['true', 'false'] } });
    expect(JSON.stringify(param)).toMatch(/booking cut-off/);
    expect(JSON.stringify(param)).toMatch(/else their end/);
  });

  it('leaves cancelled sessions out unless asked', async () => {
    const s = await t.session();
    const staff = await t.user('staff', (await t.org()).id);
    await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer });
    expect((await t.request('GET', '/api/sessions', { as: staff })).json.total).toBe(0);
    expect((await t.request('GET', '/api/sessions?includeCancelled=true', { as: staff })).json.items[0].status).toBe('cancelled');
  });
});

describe('editing sessions', () => {
  it('lets its trainer change time and venue, validated against the merged result', async () => {
    const trainer = await t.user('trainer');
    const s = (await t.request('POST', '/api/sessions', { as: trainer, body: valid })).json;
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { startsAt: '2026-10-25T09:00:00Z', endsAt: '2026-10-25T10:00:00Z', venue: 'Library' } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ startsAt: '2026-10-25T09:00:00.000Z', venue: 'Library' });
    const backwards = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { endsAt: '2026-10-25T08:00:00Z' } });
    expect(backwards.status).toBe(400);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.endsAt).toBe('2026-10-25T10:00:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: {} })).status).toBe(400);
  });

  it('allows sessions in the past (a record of a session already held), and editing them', async () => {
    const trainer = await t.user('trainer');
    const past = await t.request('POST', '/api/sessions', { as: trainer, body: { ...valid, startsAt: '2025-11-01T09:00:00Z', endsAt: '2025-11-01T10:00:00Z' } });
    expect(past.status).toBe(201);
    expect((await t.request('PATCH', `/api/sessions/${past.json.id}`, { as: trainer, body: { title: 'Held: SLCN' } })).json.title).toBe('Held: SLCN');
  });

  it('cannot change a cancelled session, and says so', async () => {
    const s = await t.session();
    await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer });
    const res = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Back on' } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('session_cancelled');
  });

  it('404s for a session that does not exist', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const res = await t.request('GET', '/api/sessions/00000000-0000-4000-8000-000000000000', { as: staff });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });
});

describe('booking cut-off and hold release are not after the end', () => {
  const online = { title: 'x', mode: 'online', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:30:00.000Z', capacity: { online: 5 } };

  it('a cut-off or hold release after the end is refused on create; at or before the end is accepted', async () => {
    const trainer = await t.user('trainer');
    const late = await t.request('POST', '/api/sessions', { as: trainer, body: { ...online, bookingClosesAt: '2026-04-10T16:00:00.000Z' } });
    expect(late.status).toBe(400);
    expect(JSON.stringify(late.json.error)).toContain('bookingClosesAt');
    expect((await t.request('POST', '/api/sessions', { as: trainer, body: { ...online, holdsReleaseAt: '2026-03-10T17:31:00.000Z' } })).status).toBe(400);
    const ok = await t.request('POST', '/api/sessions', { as: trainer, body: { ...online, bookingClosesAt: '2026-03-10T17:30:00.000Z', holdsReleaseAt: '2026-03-09T16:00:00.000Z' } });
    expect(ok.status).toBe(201);
  });

  it('in a series, each date’s moved cut-off must not be after that date’s end', async () => {
    const trainer = await t.user('trainer');
    const session = { ...online, bookingClosesAt: '2026-03-10T17:00:00.000Z' };
    const bad = await t.request('POST', '/api/sessions/series', { as: trainer, body: { session, occurrences: [{ startsAt: '2026-03-17T16:00:00.000Z', endsAt: '2026-03-17T16:30:00.000Z' }] } });
    expect(bad.status).toBe(400);
    const good = await t.request('POST', '/api/sessions/series', { as: trainer, body: { session, occurrences: [{ startsAt: '2026-03-17T16:00:00.000Z', endsAt: '2026-03-17T17:30:00.000Z' }] } });
    expect(good.status).toBe(201);
    expect(good.json.items[0].bookingClosesAt).toBe('2026-03-17T17:00:00.000Z');
    // Across the change of the clocks (28/29 March), a cut-off at the template's end moves to
    // 03:00 UTC on 5 April, after that date's 02:00 UTC end: refused, nothing made.
    const before = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.total;
    const late = { ...online, startsAt: '2026-03-28T22:00:00.000Z', endsAt: '2026-03-29T03:00:00.000Z', bookingClosesAt: '2026-03-29T03:00:00.000Z', holdsReleaseAt: '2026-03-29T03:00:00.000Z' };
    const acrossTheChange = await t.request('POST', '/api/sessions/series', { as: trainer, body: { session: late, occurrences: [{ startsAt: '2026-04-04T21:00:00.000Z', endsAt: '2026-04-05T02:00:00.000Z' }] } });
    expect(acrossTheChange.status).toBe(400);
    expect(acrossTheChange.json.error.message).toBe('On one date the booking cut-off or hold release would come after the session ends (the clocks change between the dates): choose an earlier time.');
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(before);
  });

  it('when booking closes (bookingEndsAt) follows every change of times, cut-off and threshold, in a series each date its own; the open list follows it', async () => {
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    // 16:00 to 17:00 on 10 March: booking closes at its end, whatever its threshold (CONTRACT).
    const s = (await t.request('POST', '/api/sessions', { as: trainer, body: { ...online, title: 'Moving target', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' } })).json;
    expect(s.bookingEndsAt).toBe('2026-03-10T17:00:00.000Z');
    const edit = async (body: Record<string, unknown>) => {
      const r = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body });
      expect(r.status).toBe(200);
      return r.json.bookingEndsAt;
    };
    expect(await edit({ attendanceThreshold: 0.5 })).toBe('2026-03-10T17:00:00.000Z');
    expect(await edit({ startsAt: '2026-03-11T16:00:00.000Z', endsAt: '2026-03-11T18:00:00.000Z' })).toBe('2026-03-11T18:00:00.000Z');
    expect(await edit({ bookingClosesAt: '2026-03-09T12:00:00.000Z' })).toBe('2026-03-09T12:00:00.000Z');
    expect(await edit({ bookingClosesAt: null, attendanceThreshold: 0 })).toBe('2026-03-11T18:00:00.000Z');
    const openTitles = async () => (await t.request('GET', '/api/sessions?bookingOpen=true&q=Moving', { as: staff })).json.items.map((x: { title: string }) => x.title);
    t.clock.set('2026-03-11T17:59:00.000Z');
    expect(await openTitles()).toEqual(['Moving target']);
    await edit({ attendanceThreshold: 0.75 });
    expect(await openTitles()).toEqual(['Moving target']);
    await edit({ bookingClosesAt: '2026-03-11T17:30:00.000Z' });
    expect(await openTitles()).toEqual([]);
    t.clock.set('2026-03-01T09:00:00.000Z');
    const series = await t.request('POST', '/api/sessions/series', { as: trainer, body: { session: { ...online, attendanceThreshold: 1 }, occurrences: [{ startsAt: '2026-03-17T16:00:00.000Z', endsAt: '2026-03-17T17:00:00.000Z' }, { startsAt: '2026-03-24T09:00:00.000Z', endsAt: '2026-03-24T12:00:00.000Z' }] } });
    expect(series.status).toBe(201);
    expect(series.json.items.map((x: { bookingEndsAt: string }) => x.bookingEndsAt)).toEqual(['2026-03-17T17:00:00.000Z', '2026-03-24T12:00:00.000Z']);
  });

  it('an edit may not set a cut-off or hold release after the (new) end', async () => {
    const s = await t.session({ ...online });
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { bookingClosesAt: '2026-03-11T09:00:00.000Z' } })).status).toBe(400);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { holdsReleaseAt: '2026-03-11T09:00:00.000Z' } })).status).toBe(400);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-03T16:00:00.000Z', endsAt: '2026-03-03T17:30:00.000Z', bookingClosesAt: '2026-03-09T09:00:00.000Z' } });
    expect(moved.status).toBe(400);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json).toMatchObject({ startsAt: '2026-03-10T16:00:00.000Z', bookingClosesAt: null });
  });

  it('moving a session moves its cut-off and hold release with the start, also when the form sends them back unchanged', async () => {
    const s = await t.session({ ...online, startsAt: '2026-03-20T16:00:00.000Z', endsAt: '2026-03-20T17:30:00.000Z', bookingClosesAt: '2026-03-19T16:00:00.000Z', holdsReleaseAt: '2026-03-18T16:00:00.000Z' });
    const earlier = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:30:00.000Z' } });
    expect(earlier.status).toBe(200);
    expect(earlier.json).toMatchObject({ bookingClosesAt: '2026-03-09T16:00:00.000Z', holdsReleaseAt: '2026-03-08T16:00:00.000Z' });
    // The edit form sends the prefilled cut-off and release back as they were.
    const later = await t.request('PATCH', `/api/sessions/${s.id}`, {
      as: s.trainer,
      body: { startsAt: '2026-04-10T15:00:00.000Z', endsAt: '2026-04-10T16:30:00.000Z', bookingClosesAt: '2026-03-09T16:00:00.000Z', holdsReleaseAt: '2026-03-08T16:00:00.000Z' },
    });
    expect(later.status).toBe(200);
    expect(later.json).toMatchObject({ bookingClosesAt: '2026-04-09T15:00:00.000Z', holdsReleaseAt: '2026-04-08T15:00:00.000Z' });
    // A new cut-off given with the move is taken as given.
    const chosen = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-04-11T15:00:00.000Z', endsAt: '2026-04-11T16:30:00.000Z', bookingClosesAt: '2026-04-11T12:00:00.000Z' } });
    expect(chosen.json).toMatchObject({ bookingClosesAt: '2026-04-11T12:00:00.000Z', holdsReleaseAt: '2026-04-09T15:00:00.000Z' });
    // Shortened so a cut-off moved with the start would fall after the end: it closes at the end.
    await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { bookingClosesAt: '2026-04-11T16:00:00.000Z' } });
    const shorter = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { endsAt: '2026-04-11T15:30:00.000Z' } });
    expect(shorter.status).toBe(200);
    expect(shorter.json.bookingClosesAt).toBe('2026-04-11T15:30:00.000Z');
  });
});

describe('a cut-off moving with its session across a change of the clocks', () => {
  it('in a series, each date’s cut-off is the same time on England’s clock before its start: Friday 12:00 stays Friday 12:00', async () => {
    const trainer = await t.user('trainer');
    const session = { ...valid, mode: 'online', venue: null, capacity: { online: 5 }, startsAt: '2026-03-16T16:00:00Z', endsAt: '2026-03-16T17:00:00Z', bookingClosesAt: '2026-03-13T12:00:00Z', holdsReleaseAt: '2026-03-12T09:00:00Z' };
    const res = await t.request('POST', '/api/sessions/series', {
      as: trainer,
      body: {
        session,
        occurrences: [
          { startsAt: '2026-03-16T16:00:00Z', endsAt: '2026-03-16T17:00:00Z' },
          // Monday 30 March, 16:00 BST: the clocks went forward on Sunday 29 March; its Friday, 27 March, is still GMT.
          { startsAt: '2026-03-30T15:00:00Z', endsAt: '2026-03-30T16:00:00Z' },
          // Monday 6 April, 16:00 BST, cut-off on Friday 3 April, BST too: 12:00 BST is 11:00Z.
          { startsAt: '2026-04-06T15:00:00Z', endsAt: '2026-04-06T16:00:00Z' },
        ],
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.items.map((i: { bookingClosesAt: string }) => i.bookingClosesAt)).toEqual(['2026-03-13T12:00:00.000Z', '2026-03-27T12:00:00.000Z', '2026-04-03T11:00:00.000Z']);
    expect(res.json.items.map((i: { holdsReleaseAt: string }) => i.holdsReleaseAt)).toEqual(['2026-03-12T09:00:00.000Z', '2026-03-26T09:00:00.000Z', '2026-04-02T08:00:00.000Z']);
  });

  it('an edit moving a session a week on, across the change, keeps its cut-off at Friday 12:00 in England (the form sends it back unchanged)', async () => {
    const s = await t.session({ startsAt: '2026-03-23T16:00:00Z', endsAt: '2026-03-23T17:00:00Z', bookingClosesAt: '2026-03-20T12:00:00Z' });
    const res = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-30T16:00:00+01:00', endsAt: '2026-03-30T17:00:00+01:00', bookingClosesAt: '2026-03-20T12:00:00.000Z' } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.bookingClosesAt).toBe('2026-03-27T12:00:00.000Z');
    // And back, across it the other way.
    const back = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-23T16:00:00Z', endsAt: '2026-03-23T17:00:00Z' } });
    expect(back.json.bookingClosesAt).toBe('2026-03-20T12:00:00.000Z');
  });
});

describe('searching titles with letters beyond ASCII', () => {
  it('finds “École readiness” by École, école, ÉCOLE and readiness', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    await t.session({ title: 'École readiness', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' });
    await t.session({ title: 'Ecole without accent', startsAt: '2026-03-11T16:00:00Z', endsAt: '2026-03-11T17:00:00Z' });
    for (const q of ['École', 'école', 'ÉCOLE', 'readiness', 'ÉCOLE READINESS']) {
      const res = await t.request('GET', `/api/sessions?q=${encodeURIComponent(q)}`, { as: staff });
      expect(res.status).toBe(200);
      expect(res.json.items.map((s: { title: string }) => s.title), q).toEqual(['École readiness']);
    }
  });

  it('an accent typed as a letter and a combining mark (as a Mac may paste it) is the same letter, in titles and searches alike', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const decomposed = 'Zoe\u0308 and the e\u0301cole approach';
    const typed = await t.session({ title: decomposed, startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' });
    // Kept composed, as it is shown.
    expect(typed.title).toBe('Zoë and the école approach');
    // Text stored decomposed before that (written past the API) is found too.
    const older = await t.session({ title: 'Older', startsAt: '2026-03-11T16:00:00Z', endsAt: '2026-03-11T17:00:00Z' });
    await t.db.updateTable('sessions').set({ title: 'Chloe\u0308 and the Zoe\u0308 method' }).where('id', '=', older.id).execute();
    for (const [q, want] of [
      ['Zoë', 2],
      ['Zoe\u0308', 2],
      ['ÉCOLE', 1],
      ['chloë', 1],
      ['Zoe', 0],
    ] as const) {
      const res = await t.request('GET', `/api/sessions?q=${encodeURIComponent(q)}`, { as: staff });
      expect(res.status).toBe(200);
      expect(res.json.total, q).toBe(want);
    }
  });
});
