/**
 * Booking emails as rendered from the outbox (the facts read at sending), for what the person
 * can still do when the message goes:
 *  - a place taken exactly at the last moment that still counts as attended is not said to be
 *    too late to count; one taken 1 ms later is (as attendance decides: attendance/compute.ts);
 *  - a notice of a place, an offer or a queue place written before the person's account was
 *    turned off, whose place went with it, is not sent (kept as no longer applying): the
 *    cancellation that follows says what is true, over SMTP and filed alike;
 *  - someone whose account was turned off after a notice was written, keeping the place (its
 *    session was over), is told nothing to do on a page they can no longer open, and whose
 *    office to ask, by the kind of their organisation (a trust's staff are not sent to a
 *    "school office");
 *  - a waiting-list email sent after the session's booking cut-off does not offer a move to the
 *    other seat kind, which would be refused then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, PLACE_GIVEN_UP, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { mimeText, startSmtp } from '../smtp.js';

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


/**
 * Delivers what is due, over SMTP to a real in-process server or (no mail server) filed in the
 * local outbox; then what each person was sent, as subject and one-line text (over SMTP, as it arrived).
 */
async function deliver(via: 'smtp' | 'filed'): Promise<(who: TestUser) => Promise<{ subject: string; text: string }[]>> {
  if (via === 'filed') {
    await deliverDue(t.deps, null, 50);
    return async (who) => {
      const rows = await t.db.selectFrom('outbox').select(['subject', 'text_body']).where('user_id', '=', who.id).where('status', '=', 'local').orderBy('id').execute();
      return rows.map((r) => ({ subject: r.subject ?? '', text: (r.text_body ?? '').replace(/\s+/g, ' ') }));
    };
  }
  const smtp = await startSmtp();
  try {
    await deliverDue(t.deps, smtpMailer(smtp.url, 'noreply@example.org'), 50);
  } finally {
    await smtp.close();
  }
  return async (who) => smtp.received.filter((m) => m.to.includes(who.email)).map((m) => ({ subject: /^Subject: (.*)$/m.exec(m.raw)![1]!.trim(), text: mimeText(m.raw) }));
}

const GIVEN_UP = 'Your account has been turned off, so your place has been given up for someone else.';

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

describe('a notice of a place written before the account was turned off, the place given up with it', () => {
  for (const via of ['smtp', 'filed'] as const) {
    it(`is not sent, and is kept as no longer applying; the cancellation is (${via === 'smtp' ? 'over SMTP' : 'no mail server: filed'})`, async () => {
      const org = await t.org('Ash Primary');
      const [office, admin] = [await t.user('office', org.id), await t.user('admin')];
      const [ann, ben, cal] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
      // An offer: Ben waits, Ann gives her place up, it is held for Ben until 10:00.
      const offer = await t.session({ title: 'Makaton', ...TIMES, capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
      const a = await book(offer.id, ann);
      expect((await book(offer.id, ben)).status).toBe('waitlisted');
      expect((await t.request('DELETE', `/api/bookings/${a.id}`, { as: ann })).status).toBe(200);
      expect((await mailOf('offered', ben)).text).toContain('A place came up. It is held for you until Monday 2 March at 10:00 GMT. Accept it from your bookings page before then, or it passes to the next person.');
      // A queue place, and a seat whose session then changed.
      const queue = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: 'Hall A', ...TIMES, capacity: { inPerson: 1, online: 5 } });
      await book(queue.id, cal, { seat: 'in_person' });
      expect((await book(queue.id, ben, { seat: 'in_person' })).status).toBe('waitlisted');
      const seat = await t.session({ title: 'Strategies', ...TIMES });
      expect((await book(seat.id, ben)).status).toBe('confirmed');
      expect((await t.request('PATCH', `/api/sessions/${seat.id}`, { as: admin, body: { startsAt: '2026-03-10T15:00:00.000Z' } })).status).toBe(200);
      // (The offer's expiry warning, written with it, was already not sent to a turned-off account.)
      const before = (await t.db.selectFrom('outbox').select('kind').where('user_id', '=', ben.id).where('kind', '<>', 'offer_expiring').execute()).map((r) => r.kind).sort();
      expect(before).toEqual(['confirmed', 'offered', 'session_changed', 'waitlisted', 'waitlisted']);

      await turnOff(ben, office);
      const got = await (await deliver(via))(ben);

      // Only the cancellations went, each saying what is true now.
      expect(got.map((m) => m.subject).sort()).toEqual(['Cancelled: Makaton', 'Cancelled: Strategies', 'Left the waiting list: Team Teach']);
      for (const m of got) {
        expect(m.text).toContain(GIVEN_UP);
        expect(m.text).toContain('You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact your school office.');
        for (const promise of ['A place came up', 'held for you', 'If a place comes up', 'Your place is confirmed', 'This session has changed']) expect(m.text).not.toContain(promise);
      }
      // Those written before are kept, never sent, with why (the Mail page: "Not sent: it no longer applied").
      const rows = await t.db.selectFrom('outbox').select(['kind', 'status', 'last_error', 'sent_at']).where('user_id', '=', ben.id).where('kind', '<>', 'offer_expiring').execute();
      const dropped = rows.filter((r) => r.status === 'dropped');
      expect(dropped.map((r) => r.kind).sort()).toEqual(before);
      for (const r of dropped) expect(r).toMatchObject({ last_error: `No longer applies: ${PLACE_GIVEN_UP}`, sent_at: null });
      expect(rows.filter((r) => r.status !== 'dropped').map((r) => [r.kind, r.status]).sort()).toEqual([['cancelled', via === 'smtp' ? 'sent' : 'local'], ['cancelled', via === 'smtp' ? 'sent' : 'local'], ['left_waitlist', via === 'smtp' ? 'sent' : 'local']]);
      const logged = t.logger.lines.filter((l) => l.msg === 'notice no longer applies: not sent' && l.kind !== 'offer_expiring');
      expect(logged.map((l) => l.reason)).toEqual(before.map(() => PLACE_GIVEN_UP));
      // Everyone else's notices went as written.
      const others = await t.db.selectFrom('outbox').select(['kind', 'status']).where('user_id', 'in', [ann.id, cal.id]).execute();
      expect(others.length).toBeGreaterThan(0);
      for (const r of others) expect(r.status, r.kind).toBe(via === 'smtp' ? 'sent' : 'local');
    });
  }

  for (const via of ['smtp', 'filed'] as const) {
    it(`known by why the place went, not by the account as it is now: turned on again, the offer of a place given up still does not go; a place given up by its person before keeps its notices (${via === 'smtp' ? 'over SMTP' : 'filed'})`, async () => {
      const org = await t.org('Ash Primary');
      const office = await t.user('office', org.id);
      const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
      const offer = await t.session({ title: 'Makaton', ...TIMES, capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
      const a = await book(offer.id, ann);
      expect((await book(offer.id, ben)).status).toBe('waitlisted');
      expect((await t.request('DELETE', `/api/bookings/${a.id}`, { as: ann })).status).toBe(200);
      // A place Ben gives up himself, before his account is turned off: booked, then cancelled.
      const own = await t.session({ title: 'Strategies', ...TIMES });
      const mine = await book(own.id, ben);
      expect((await t.request('DELETE', `/api/bookings/${mine.id}`, { as: ben })).status).toBe(200);
      // Turned off by mistake and on again before anything went: his places stay given up.
      await turnOff(ben, office);
      const on = await t.request('PATCH', `/api/users/${ben.id}`, { as: office, body: { disabled: false } });
      expect(on.status, on.text).toBe(200);
      const got = await (await deliver(via))(ben);
      const subjects = got.map((m) => m.subject);
      expect(subjects).toContain('Cancelled: Makaton');
      expect(subjects.filter((x) => x === 'Booked: Strategies' || x === 'Cancelled: Strategies').sort()).toEqual(['Booked: Strategies', 'Cancelled: Strategies']);
      for (const m of got) for (const promise of ['A place came up', 'held for you']) expect(m.text).not.toContain(promise);
      const rows = await t.db.selectFrom('outbox').select(['kind', 'session_id', 'status', 'last_error']).where('user_id', '=', ben.id).execute();
      const offered = rows.filter((r) => r.kind === 'offered');
      expect(offered).toEqual([expect.objectContaining({ status: 'dropped', last_error: `No longer applies: ${PLACE_GIVEN_UP}` })]);
      // Nothing of the place he gave up himself was held back, with the account's reason or any other.
      expect(rows.filter((r) => r.session_id === own.id).map((r) => [r.kind, r.status]).sort()).toEqual([['cancelled', via === 'smtp' ? 'sent' : 'local'], ['confirmed', via === 'smtp' ? 'sent' : 'local']]);
    });
  }

  it('a place kept (its session was over when the account was turned off): its notices still go, with nothing to do on a page and whom to ask', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id);
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: 'Hall A', startsAt: '2026-03-02T09:30:00.000Z', endsAt: '2026-03-02T10:30:00.000Z', capacity: { inPerson: 1, online: 5 } });
    await book(s.id, ann, { seat: 'in_person' });
    expect((await book(s.id, ben, { seat: 'in_person' })).status).toBe('waitlisted');
    // Held back (an outage, say) until after the session: the places are kept when the accounts are turned off.
    t.clock.set('2026-03-02T11:00:00.000Z');
    await turnOff(ann, office);
    await turnOff(ben, office);
    const sentTo = await deliver('smtp');
    const contact = 'You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact your school office.';
    const [annGot, benGot] = [await sentTo(ann), await sentTo(ben)];
    expect(annGot.map((m) => m.subject)).toEqual(['Booked: Team Teach']);
    expect(annGot[0]!.text).toContain('Your place is confirmed.');
    expect(benGot.map((m) => m.subject)).toEqual(['On the waiting list: Team Teach']);
    for (const m of [...annGot, ...benGot]) {
      expect(m.text).toContain(contact);
      expect(m.text).not.toContain('bookings page');
      expect(m.text).not.toContain('Manage your booking');
    }
    expect(benGot[0]!.text).toContain('All in-person seats are taken, so you are on the waiting list for an in-person seat at number 1.');
    expect(benGot[0]!.text).not.toContain(MOVE);
    const rows = await t.db.selectFrom('outbox').select(['kind', 'status']).where('user_id', 'in', [ann.id, ben.id]).execute();
    expect(rows.map((r) => [r.kind, r.status]).sort()).toEqual([['confirmed', 'sent'], ['waitlisted', 'sent']]);
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
    // Turned off once the session is over, so their places and these emails are kept (a place
    // given up with the account is told by its cancellation instead: see above).
    t.clock.set('2026-03-11T09:00:00.000Z');
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
