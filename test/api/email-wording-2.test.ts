/**
 * What booking emails say, from a tester's findings, each proven over a real SMTP exchange
 * with an in-process server on 127.0.0.1 (the text and HTML parts as they arrive):
 *  - a place an office put someone on the waiting list for says so, not "booked this place for you";
 *  - a waiting-list email on a hybrid session names the seat kind that is full, and says when
 *    seats of the other kind are free (or that the seats left are held for other schools);
 *  - the email of a place given up because the account was turned off has no link the person
 *    can no longer use, and says whom to contact instead;
 *  - a "Booked" email for a session booked too late to count as attended says so, as the
 *    session page does before booking.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { startSmtp, type TestSmtp } from '../smtp.js';

let t: TestContext;
let smtp: TestSmtp;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
  smtp = await startSmtp();
});
afterEach(async () => {
  await smtp.close();
  await t.close();
});

const TIMES = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };

/** The leaf parts of a MIME message (enough of RFC 2045/2046 for nodemailer's output). */
function leaves(raw: string): { type: string; body: string }[] {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map(head.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--')).flatMap((p) => leaves(p.replace(/^\r\n/, '')));
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') return [{ type, body: Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') }];
  if (cte === 'quoted-printable') {
    const soft = body.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
    return [{ type, body: Buffer.from(bytes).toString('utf8') }];
  }
  return [{ type, body }];
}

/** Sends what is due over SMTP; the messages that arrived for `to`, as their text and HTML parts (one line each: words may be wrapped). */
async function mailTo(to: TestUser) {
  await deliverDue(t.deps, smtpMailer(smtp.url, 'SEND Live Training <noreply@example.org>'));
  return smtp.received
    .filter((m) => m.to.includes(to.email))
    .map((m) => {
      const parts = leaves(m.raw);
      const part = (re: RegExp) => (parts.find((p) => re.test(p.type))?.body ?? '').replace(/\s+/g, ' ');
      // The calendar invite as its lines read once unfolded (RFC 5545 folds long lines).
      const ics = (parts.find((p) => /^text\/calendar/i.test(p.type))?.body ?? '').replace(/\r?\n[ \t]/g, '');
      return { subject: /^Subject: (.*)$/m.exec(m.raw)?.[1] ?? '', text: part(/^text\/plain/i), html: part(/^text\/html/i), ics };
    });
}

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

describe('an office booking someone says what it did', () => {
  it('a place on the waiting list says "put you on the waiting list", a seat "booked this place for you"', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id, 'Grace Okafor');
    const [ann, ben] = [await t.user('staff', org.id, 'Ann Ash'), await t.user('staff', org.id, 'Ben Ash')];
    const s = await t.session({ title: 'Makaton basics', ...TIMES, capacity: { online: 1 } });
    const res = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [ann.id, ben.id] } });
    expect(res.status, res.text).toBe(201);
    expect((res.json.results as { status: string }[]).map((r) => r.status)).toEqual(['confirmed', 'waitlisted']);

    const [seat] = await mailTo(ann);
    expect(seat!.subject).toBe('Booked: Makaton basics');
    expect(seat!.text).toContain('Grace Okafor booked this place for you.');

    const [queue] = await mailTo(ben);
    expect(queue!.subject).toBe('On the waiting list: Makaton basics');
    for (const part of [queue!.text, queue!.html]) {
      expect(part).toContain('Grace Okafor put you on the waiting list.');
      expect(part).not.toContain('booked this place for you');
    }
  });
});

describe('a waiting-list email names the seats that are full', () => {
  it('on a hybrid session with only its in-person seats taken: "All in-person seats are taken", and the online seats are free', async () => {
    const org = await t.org();
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: 'Hall A', ...TIMES, capacity: { inPerson: 1, online: 5 } });
    await book(s.id, ann, { seat: 'in_person' });
    expect((await book(s.id, ben, { seat: 'in_person' })).status).toBe('waitlisted');
    const [m] = await mailTo(ben);
    for (const part of [m!.text, m!.html]) {
      expect(part).toContain('All in-person seats are taken, so you are on the waiting list for an in-person seat at number 1.');
      expect(part).toContain('Online seats are still free. If joining online suits you, you can move your place to an online seat from your bookings page.');
      expect(part).not.toContain('The session is full');
    }
  });

  it('on a hybrid session with every seat of both kinds taken: the kind waited for, and nothing said free', async () => {
    const org = await t.org();
    const [ann, ben, cy] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Team Teach 2', mode: 'hybrid', venue: 'Hall A', ...TIMES, capacity: { inPerson: 1, online: 1 } });
    await book(s.id, ann, { seat: 'in_person' });
    await book(s.id, ben, { seat: 'online' });
    expect((await book(s.id, cy, { seat: 'online' })).status).toBe('waitlisted');
    const [m] = await mailTo(cy);
    expect(m!.text).toContain('All online seats are taken, so you are on the waiting list for an online seat at number 1.');
    expect(m!.text).not.toContain('still free');
    expect(m!.text).not.toContain('The session is full');
  });

  it('seats of the kind still empty but held for another school: said so, not "taken"', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Primary')];
    const ann = await t.user('staff', elm.id);
    const s = await t.session({ title: 'Held seats', mode: 'hybrid', venue: 'Hall A', ...TIMES, capacity: { inPerson: 1, online: 1 }, holdsReleaseAt: '2026-03-09T09:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'in_person', seats: 1 } })).status).toBeLessThan(300);
    const other = await t.user('staff', elm.id);
    await book(s.id, other, { seat: 'online' });
    expect((await book(s.id, ann, { seat: 'in_person' })).status).toBe('waitlisted');
    const [m] = await mailTo(ann);
    expect(m!.text).toContain('The in-person seats not yet taken are held for other schools, so you are on the waiting list for an in-person seat at number 1.');
    expect(m!.text).not.toContain('All in-person seats are taken');
  });

  it('a session of one kind of seat still says it is full', async () => {
    const org = await t.org();
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Online only', ...TIMES, capacity: { online: 1 } });
    await book(s.id, ann);
    await book(s.id, ben);
    const [m] = await mailTo(ben);
    expect(m!.text).toContain('The session is full, so you are on the waiting list at number 1.');
  });
});

describe('an email to a turned-off account', () => {
  it('the place given up as the account was turned off: no "Manage your booking" link, and whom to contact instead', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id);
    const jo = await t.user('staff', org.id, 'Jo Ash');
    const s = await t.session({ title: 'Makaton basics', ...TIMES });
    const b = await book(s.id, jo);
    const [booked] = await mailTo(jo);
    // Until then, the link is there, in the email and its invite.
    expect(booked!.text).toContain(`Manage your booking: http://localhost:3000/bookings/${b.id}`);
    expect(booked!.ics).toContain(`Manage your booking: http://localhost:3000/bookings/${b.id}`);

    const off = await t.request('PATCH', `/api/users/${jo.id}`, { as: office, body: { disabled: true } });
    expect(off.status, off.text).toBe(200);
    const mails = await mailTo(jo);
    expect(mails).toHaveLength(2);
    const ended = mails[1]!;
    expect(ended.subject).toBe('Cancelled: Makaton basics');
    for (const part of [ended.text, ended.html]) {
      expect(part).toContain('Your account has been turned off, so your place has been given up for someone else.');
      expect(part).toContain('please contact your school office');
      expect(part).not.toContain('Manage your booking');
      expect(part).not.toContain(`/bookings/${b.id}`);
    }
    // Its calendar invite (the event cancelled) points to no page of theirs either, and says whom to ask.
    expect(ended.ics).toContain('METHOD:CANCEL');
    expect(ended.ics).not.toContain('Manage your booking');
    expect(ended.ics).not.toContain(`/bookings/${b.id}`);
    expect(ended.ics).toContain('please contact your school office');
    // The session's details are still there.
    expect(ended.text).toContain('Session: Makaton basics');
  });
});

describe('a booking too late to count as attended', () => {
  it('the "Booked" email says it will not count as attended, as the session page does; one booked in time says nothing of it', async () => {
    const org = await t.org();
    const [late, early] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    // Under way since 08:00 to 09:30; at 09:00 a third of it is left, less than the 75% needed.
    const s = await t.session({ title: 'Under way', startsAt: '2026-03-02T08:00:00.000Z', endsAt: '2026-03-02T09:30:00.000Z', attendanceThreshold: 0.75 });
    expect((await book(s.id, late)).status).toBe('confirmed');
    const [m] = await mailTo(late);
    expect(m!.subject).toBe('Booked: Under way');
    for (const part of [m!.text, m!.html]) {
      expect(part).toContain('Less than 75% of this session was left when this place became yours. You can still join for what remains, but it will not count as attended: at least 75% of it must be attended.');
    }

    // Booked while more than 75% of it is still to come (at 09:00 of 08:50 to 10:20): nothing of the kind.
    const s2 = await t.session({ title: 'In time', startsAt: '2026-03-02T08:50:00.000Z', endsAt: '2026-03-02T10:20:00.000Z', attendanceThreshold: 0.75 });
    await book(s2.id, early);
    const [ok] = await mailTo(early);
    expect(ok!.text).toContain('Your place is confirmed.');
    expect(ok!.text).not.toContain('will not count as attended');
  });
});
