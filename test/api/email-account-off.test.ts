/**
 * Booking emails as rendered from the outbox (the facts read at sending), for what the person
 * can still do when the message goes:
 *  - a place taken exactly at the last moment that still counts as attended is not said to be
 *    too late to count; one taken 1 ms later is (as attendance decides: attendance/compute.ts);
 *  - someone whose account was turned off after a notice was written is told nothing to do on a
 *    page they can no longer open (move their place, accept an offer), and whose office to ask,
 *    by the kind of their organisation (a trust's staff are not sent to a "school office");
 *  - a waiting-list email sent after the session's booking cut-off does not offer a move to the
 *    other seat kind, which would be refused then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const TIMES = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };
const MOVE = 'move your place';

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

/** The one message of `kind` to `who`, rendered as it would be sent now: its text and HTML parts, each as one line. */
async function mailOf(kind: string, who: TestUser) {
  const found = (await t.mails(kind)).filter((m) => m.user_id === who.id);
  expect(found).toHaveLength(1);
  const m = found[0]!.message;
  return { text: m.text.replace(/\s+/g, ' '), html: m.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
}

/** The calendar invite attached to that message, unfolded and unescaped (ICS folds long lines and escapes commas). */
async function inviteOf(kind: string, who: TestUser) {
  const found = (await t.mails(kind)).filter((m) => m.user_id === who.id);
  const ical = found[0]!.message.parts.ical?.content ?? '';
  return ical.replace(/\r\n[ \t]/g, '').replace(/\\n/g, ' ').replace(/\\([,;\\])/g, '$1');
}

async function turnOff(who: TestUser, by: TestUser) {
  const off = await t.request('PATCH', `/api/users/${who.id}`, { as: by, body: { disabled: true } });
  expect(off.status, off.text).toBe(200);
}

describe('a "Booked" email at the last moment that still counts', () => {
  it('booked at 09:00 of 08:45 to 09:45 at 75% (present from then to the end counts): nothing said; at 09:00 and 1 ms: "will not count"', async () => {
    const org = await t.org();
    const [onTime, late] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Just in time', startsAt: '2026-03-02T08:45:00.000Z', endsAt: '2026-03-02T09:45:00.000Z', attendanceThreshold: 0.75 });
    expect((await book(s.id, onTime)).status).toBe('confirmed');
    t.clock.set('2026-03-02T09:00:00.001Z');
    expect((await book(s.id, late)).status).toBe('confirmed');
    const ok = await mailOf('confirmed', onTime);
    expect(ok.text).toContain('Your place is confirmed.');
    expect(ok.text).not.toContain('will not count as attended');
    const tooLate = await mailOf('confirmed', late);
    for (const part of [tooLate.text, tooLate.html]) expect(part).toContain('Less than 75% of this session was left when this place became yours. You can still join for what remains, but it will not count as attended: at least 75% of it must be attended.');
  });
});

describe('an email to an account turned off after it was written', () => {
  it('a waiting-list email: no move to the other seat kind, no bookings page; whom to ask', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id);
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: 'Hall A', ...TIMES, capacity: { inPerson: 1, online: 5 } });
    await book(s.id, ann, { seat: 'in_person' });
    expect((await book(s.id, ben, { seat: 'in_person' })).status).toBe('waitlisted');
    expect((await mailOf('waitlisted', ben)).text).toContain(MOVE);
    await turnOff(ben, office);
    const m = await mailOf('waitlisted', ben);
    for (const part of [m.text, m.html]) {
      expect(part).toContain('All in-person seats are taken, so you are on the waiting list for an in-person seat at number 1.');
      expect(part).not.toContain(MOVE);
      expect(part).not.toContain('bookings page');
      expect(part).toContain('You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact your');
    }
  });

  it('"A place is free for you": when it is held until, and no "Accept it from your bookings page"', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id);
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Makaton', ...TIMES, capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const a = await book(s.id, ann);
    await book(s.id, ben);
    expect((await t.request('DELETE', `/api/bookings/${a.id}`, { as: ann })).status).toBe(200);
    expect((await mailOf('offered', ben)).text).toContain('Accept it from your bookings page before then, or it passes to the next person.');
    await turnOff(ben, office);
    const m = await mailOf('offered', ben);
    for (const part of [m.text, m.html]) {
      expect(part).toContain('A place came up. It is held for you until Monday 2 March at 10:00 GMT.');
      expect(part).not.toContain('Accept it');
      expect(part).not.toContain('bookings page');
    }
  });
});

// These read facts the outbox gives compose (the person's organisation's kind, the session's
// booking_ends_at): see the report's patch to server/notifications/outbox.ts noticeFacts.
describe('facts read from the outbox', () => {
  it('a turned-off account is told to ask its own kind of office: a school’s staff their school office, a trust’s its trust’s office', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Riverside Learning Trust', kind: 'trust' } })).json as { id: string };
    const school = await t.org('Ash Primary');
    const [tess, jo] = [await t.user('staff', trust.id, 'Tess Trust'), await t.user('staff', school.id, 'Jo Ash')];
    const s = await t.session({ title: 'Makaton basics', ...TIMES });
    await book(s.id, tess);
    await book(s.id, jo);
    await turnOff(tess, admin);
    await turnOff(jo, admin);
    const trustMail = await mailOf('confirmed', tess);
    for (const part of [trustMail.text, trustMail.html]) {
      expect(part).toContain('You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact your trust’s office.');
      expect(part).not.toContain('school office');
    }
    expect((await mailOf('confirmed', jo)).text).toContain('please contact your school office.');
    // The calendar invite with it says the same.
    expect(await inviteOf('confirmed', tess)).toContain('please contact your trust’s office.');
    expect(await inviteOf('confirmed', jo)).toContain('please contact your school office.');
  });

  it('a waiting-list email sent after the booking cut-off does not offer a move the server would refuse', async () => {
    const org = await t.org();
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: 'Hall A', ...TIMES, bookingClosesAt: '2026-03-09T12:00:00.000Z', capacity: { inPerson: 1, online: 5 } });
    await book(s.id, ann, { seat: 'in_person' });
    const b = await book(s.id, ben, { seat: 'in_person' });
    expect(b.status).toBe('waitlisted');
    expect((await mailOf('waitlisted', ben)).text).toContain('Online seats are still free. If joining online suits you, you can move your place to an online seat from your bookings page.');
    // Sent (say after a mail-server outage) once the cut-off has passed: the move is refused then.
    t.clock.set('2026-03-09T12:00:00.000Z');
    const refused = await t.request('POST', `/api/bookings/${b.id}/seat`, { as: ben, body: { seat: 'online' } });
    expect(refused.status).toBe(409);
    const m = await mailOf('waitlisted', ben);
    for (const part of [m.text, m.html]) {
      expect(part).toContain('All in-person seats are taken, so you are on the waiting list for an in-person seat at number 1.');
      expect(part).not.toContain(MOVE);
      expect(part).toContain('If a place comes up we will let you know straight away.');
    }
  });
});
