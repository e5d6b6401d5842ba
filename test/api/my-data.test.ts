/**
 * A person's copy of their own data (UK GDPR right of access; `GET /api/me/data`): a download
 * holding their account, how they sign in, their places (cancelled ones too), the sessions
 * they attended with minutes, their certificates, the feedback they gave, their timetable and
 * the messages written to them (without the text), and nothing of anyone else's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { MyData } from '../../shared/privacy.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('my data', () => {
  it('is a JSON download of everything held about the person, and nothing of anyone else', async () => {
    const org = await t.org('Hill Primary');
    const me = await t.user('staff', org.id, 'Zoë Ní Bhriain');
    const colleague = await t.user('staff', org.id, 'Colm Colleague');
    const past = await t.session({ title: 'Understanding autism', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    const later = await t.session({ title: 'Sensory circuits', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' });
    const dropped = await t.session({ title: 'Precision teaching', startsAt: '2026-03-12T16:00:00.000Z', endsAt: '2026-03-12T17:00:00.000Z' });
    const mine = (await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: me, body: {} })).json;
    await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: colleague, body: {} });
    expect((await t.request('POST', `/api/sessions/${later.id}/bookings`, { as: me, body: {} })).status).toBe(201);
    const cancelled = (await t.request('POST', `/api/sessions/${dropped.id}/bookings`, { as: me, body: {} })).json;
    expect((await t.request('DELETE', `/api/bookings/${cancelled.id}`, { as: me })).status).toBe(200);
    expect((await t.request('PUT', '/api/me/timetable', { as: me, body: 'day,start,end,label\nMonday,09:00,12:00,Class 4 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    await t.request('PUT', `/api/sessions/${past.id}/attendance/${mine.id}`, { as: past.trainer, body: { attended: true, minutes: 85 } });
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('PUT', `/api/sessions/${past.id}/feedback/mine`, { as: me, body: { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'The visual timetables idea works in class 4' } })).status).toBe(200);

    const res = await t.app.request('/api/me/data', { headers: me.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=my-data-2026-02-10.json');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const text = await res.text();
    const data = MyData.parse(JSON.parse(text));
    expect(data.account).toMatchObject({ id: me.id, name: 'Zoë Ní Bhriain', email: me.email, role: 'staff', orgName: 'Hill Primary' });
    expect(data.signInMethods.password).toBe(true);
    expect(data.bookings.map((b) => [b.session.title, b.status]).sort()).toEqual([
      ['Precision teaching', 'cancelled'],
      ['Sensory circuits', 'confirmed'],
      ['Understanding autism', 'attended'],
    ]);
    expect(data.attendance.map((a) => [a.title, a.minutes])).toEqual([['Understanding autism', 85]]);
    expect(data.certificates.attendance.map((c) => c.title)).toEqual(['Understanding autism']);
    expect(data.feedback).toEqual([expect.objectContaining({ sessionTitle: 'Understanding autism', usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'The visual timetables idea works in class 4' })]);
    expect(data.timetable.weekly.map((w) => w.label)).toEqual(['Class 4 maths']);
    // Their booking notices (confirmation, cancellation...), named by subject, not their text.
    expect(data.messages.length).toBeGreaterThanOrEqual(3);
    expect(data.messages.every((m) => m.to === me.email && m.subject.length > 0)).toBe(true);
    expect(text).not.toContain('"text"');
    // Nobody else's data.
    expect(text).not.toContain(colleague.email);
    expect(text).not.toContain('Colm Colleague');
  });

  it('needs a signed-in person', async () => {
    expect((await t.app.request('/api/me/data')).status).toBe(401);
  });
});
