/**
 * A delivery pass renders its messages together: a few queries for the whole pass, not seven
 * for each message (read one by one, filing a booking's email cost the server about nine
 * times the booking itself, while a rush of bookings was being answered). Each message says
 * exactly what it says rendered alone: the person's own clash titles, who booked or cancelled
 * for them, the session as last told. Sending over SMTP, messages still to go are rendered
 * again once the pass's rendering is five seconds old, so a slow mail server never sends
 * words read long before. A pass whose rendering together fails logs why, once, before it
 * renders each message alone. The words of each main kind are checked against fixed lines,
 * filed and sent, not only against a message rendered alone (which goes through the same
 * rendering). On the database under test (SQLite, or PostgreSQL with TEST_DATABASE).
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.js';
import { deliverDue, smtpMailer, type Mailer } from '../../server/notifications/delivery.js';
import { renderNotice } from '../../server/notifications/outbox.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { mimeText, startSmtp } from '../smtp.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

/** A calendar someone links themselves: its titles are theirs alone (shown only to them). */
const personalCalendar = (summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Personal//EN', 'BEGIN:VEVENT', `UID:${summary.replace(/\W/g, '')}@example.org`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260120T153000Z', 'DTEND:20260120T163000Z', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string; results?: { id: string }[] };
}

/** Every pending notice, each rendered alone as it would be sent now. */
async function renderedAlone() {
  const rows = await t.db.selectFrom('outbox').selectAll().where('status', '=', 'pending').orderBy('id').execute();
  return new Map(await Promise.all(rows.map(async (r) => [r.id, (await renderNotice(t.db, t.deps, r))!] as const)));
}


/** `db` counting the statements run through it (a transaction begun on it too). */
function counting(db: Kysely<Database>) {
  const seen = { selects: 0, all: 0 };
  const counted = db.withPlugin({
    transformQuery: (args) => {
      seen.all++;
      if (args.node.kind === 'SelectQueryNode') seen.selects++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  return { counted, seen };
}

describe('a delivery pass', () => {
  it('files many kinds of message together, each saying what it says rendered alone', async () => {
    const school = await t.org('Hill Primary');
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Vale Learning Trust', kind: 'trust' } })).json as { id: string };
    const office = await t.user('office', school.id, 'Olly Office');
    const [pat, sam, kim, lee] = [await t.user('staff', school.id, 'Pat Private'), await t.user('staff', school.id, 'Sam Second'), await t.user('staff', trust.id, 'Kim Trust'), await t.user('staff', school.id, 'Lee Later')];
    // Two people, each with their own private calendar clashing with the session.
    expect((await t.request('PUT', '/api/me/timetable', { as: pat, body: personalCalendar('GP appointment'), headers: { 'content-type': 'text/calendar' } })).status).toBe(200);
    expect((await t.request('PUT', '/api/me/timetable', { as: sam, body: personalCalendar('Dentist'), headers: { 'content-type': 'text/calendar' } })).status).toBe(200);
    const s = await t.session({ title: 'Autism and anxiety', mode: 'hybrid', venue: 'Hall A', startsAt: '2026-01-20T16:00:00Z', endsAt: '2026-01-20T17:00:00Z', capacity: { inPerson: 1, online: 2 } });
    await book(s.id, pat, { seat: 'in_person' });
    await book(s.id, sam, { seat: 'in_person' }); // waiting
    const byOffice = await book(s.id, office, { userId: lee.id, seat: 'online' }); // booked for them by their office
    const kims = await book(s.id, kim, { seat: 'online' });
    expect((await t.request('DELETE', `/api/bookings/${kims.id}`, { as: admin })).status).toBe(200); // cancelled by an administrator
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { venue: 'Hall B' } })).status).toBe(200);
    expect(byOffice.status).toBe('confirmed');

    const alone = await renderedAlone();
    const kinds = new Set((await t.db.selectFrom('outbox').select('kind').where('id', 'in', [...alone.keys()]).execute()).map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['cancelled', 'confirmed', 'session_changed', 'waitlisted']);
    // What only the person sees, in their own email: their own calendar's title.
    const texts = [...alone.values()].map((m) => m.text);
    expect(texts.some((x) => x.includes('GP appointment'))).toBe(true);
    expect(texts.some((x) => x.includes('Dentist'))).toBe(true);

    expect(await deliverDue(t.deps, null, 50)).toEqual({ sent: alone.size, failed: 0 });
    const filed = await t.db.selectFrom('outbox').selectAll().where('id', 'in', [...alone.keys()]).execute();
    expect(filed).toHaveLength(alone.size);
    for (const row of filed) {
      const m = alone.get(row.id)!;
      expect(row.status, row.kind).toBe('local');
      expect({ kind: row.kind, subject: row.subject, text: row.text_body, html: row.html_body, parts: JSON.parse(row.attachments ?? '{}') }).toEqual({ kind: row.kind, subject: m.subject, text: m.text, html: m.html, parts: m.parts });
    }
  });

  it('reads as many times for 40 messages as for 5 (a few statements for the pass, not seven per message)', async () => {
    const org = await t.org();
    const reads: number[] = [];
    for (const n of [5, 40]) {
      const s = await t.session({ title: `Session of ${n}`, capacity: { online: n } });
      for (let i = 0; i < n; i++) await book(s.id, await t.user('staff', org.id));
      const { counted, seen } = counting(t.db);
      expect(await deliverDue({ ...t.deps, db: counted }, null, 50)).toEqual({ sent: n, failed: 0 });
      reads.push(seen.selects);
      // Every message filed with its words and its calendar invite.
      const rows = await t.db.selectFrom('outbox').selectAll().where('session_id', '=', s.id).execute();
      expect(rows.every((r) => r.status === 'local' && r.subject === `Booked: Session of ${n}` && JSON.parse(r.attachments!).ical.content.includes('BEGIN:VEVENT'))).toBe(true);
    }
    expect(reads[1]).toBe(reads[0]);
    expect(reads[0]).toBeLessThan(12);
  });

  it('a message that cannot be written out fails alone: the others of its pass are filed, or sent, with their words', async () => {
    const org = await t.org();
    const s = await t.session({ title: 'Makaton basics', capacity: { online: 5 } });
    const [bad, good, other] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    for (const who of [bad, good, other]) await book(s.id, who);
    // Facts no message can be written from (a time zone that does not exist, as a bad import might leave).
    await t.db.updateTable('users').set({ time_zone: 'Not/A_Zone' }).where('id', '=', bad.id).execute();
    expect(await deliverDue(t.deps, null, 50)).toEqual({ sent: 3, failed: 0 });
    const filed = await t.db.selectFrom('outbox').select(['user_id', 'status', 'subject']).where('session_id', '=', s.id).execute();
    const byUser = new Map(filed.map((r) => [r.user_id, r]));
    expect(byUser.get(good.id)).toMatchObject({ status: 'local', subject: 'Booked: Makaton basics' });
    expect(byUser.get(other.id)).toMatchObject({ status: 'local', subject: 'Booked: Makaton basics' });
    expect(byUser.get(bad.id)).toMatchObject({ status: 'local', subject: null });

    // Over SMTP: the bad one fails and backs off; the others go.
    const later = await t.session({ title: 'Zones of regulation', capacity: { online: 5 } });
    for (const who of [bad, good, other]) await book(later.id, who);
    const smtp = await startSmtp();
    try {
      expect(await deliverDue(t.deps, smtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'noreply@example.org'), 50)).toEqual({ sent: 2, failed: 1 });
      expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([good.email, other.email].sort());
    } finally {
      await smtp.close();
    }
  });

  it('a failed rendering together is logged once a pass, at warn level with its error, before each is rendered alone', async () => {
    const org = await t.org();
    const [bad, good] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Makaton basics', capacity: { online: 5 } });
    for (const who of [bad, good]) await book(s.id, who);
    await t.db.updateTable('users').set({ time_zone: 'Not/A_Zone' }).where('id', '=', bad.id).execute();
    const told = () => t.logger.lines.filter((l) => l.msg === 'rendering notices together failed: rendering each alone');
    // Filed (no mail server): one pass, one warning.
    expect(await deliverDue(t.deps, null, 50)).toEqual({ sent: 2, failed: 0 });
    expect(told()).toHaveLength(1);
    expect(told()[0]).toMatchObject({ level: 'warn', rows: 2 });
    expect(String(told()[0]!.error)).toContain('Not/A_Zone');

    // Over SMTP: a pass that claims twice (a booking written while it sends), each claim's
    // rendering together failing, warns once.
    const later = await t.session({ title: 'Zones of regulation', capacity: { online: 5 } });
    const last = await t.session({ title: 'Attention autism', capacity: { online: 5 } });
    for (const who of [bad, good]) await book(later.id, who);
    const smtp = await startSmtp();
    try {
      const real = smtpMailer(smtp.url, 'noreply@example.org');
      let sends = 0;
      const booking: Mailer = {
        async send(row, message) {
          await real.send(row, message);
          if (sends++ === 0) await book(last.id, bad);
        },
      };
      expect(await deliverDue(t.deps, booking, 50)).toEqual({ sent: 1, failed: 2 });
      expect(told()).toHaveLength(2);
      expect(told()[1]).toMatchObject({ level: 'warn' });
      expect(String(told()[1]!.error)).toContain('Not/A_Zone');
      // Each message that could not be written is logged as it failed.
      expect(t.logger.lines.filter((l) => l.msg === 'mail delivery failed')).toHaveLength(2);
    } finally {
      await smtp.close();
    }
  });

  it('sending over SMTP: messages still to go are rendered again once the pass’s rendering is five seconds old', async () => {
    const smtp = await startSmtp();
    try {
      const org = await t.org();
      const admin = await t.user('admin');
      const s = await t.session({ title: 'Makaton basics', capacity: { online: 5 } });
      const [first, second] = [await t.user('staff', org.id), await t.user('staff', org.id)];
      await book(s.id, first);
      await book(s.id, second);
      const real = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'noreply@example.org');
      let sends = 0;
      // A slow mail server: the first message takes six seconds, meanwhile the session is renamed.
      const slow: Mailer = {
        async send(row, message) {
          await real.send(row, message);
          if (sends++ === 0) {
            expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { title: 'Makaton: signs for every day' } })).status).toBe(200);
            t.clock.advance(6_000);
          }
        },
      };
      await deliverDue(t.deps, slow, 50);
      // (The new title's own notices follow in the same pass.)
      const subjects = smtp.received.map((m) => /^Subject: (.*)$/m.exec(m.raw)![1]).filter((x) => x!.startsWith('Booked'));
      expect(subjects).toEqual(['Booked: Makaton basics', 'Booked: Makaton: signs for every day']);
    } finally {
      await smtp.close();
    }
  });
});

/**
 * The words of one message of each main kind, as a pass files or sends them: fixed lines, so
 * that a change in what a message says (rendering a pass together, say) fails here, where
 * comparing with a message rendered alone would not (both are rendered the same way).
 */
describe('the words of each main kind, in a pass', () => {
  for (const via of ['filed', 'smtp'] as const) {
    it(`a booking, a waiting-list place, an offer and a cancellation say their own words (${via === 'smtp' ? 'sent over SMTP' : 'filed: no mail server'})`, async () => {
      const org = await t.org('Hill Primary');
      const [ann, ben, cal] = [await t.user('staff', org.id, 'Ann Able'), await t.user('staff', org.id, 'Ben Baker'), await t.user('staff', org.id, 'Cal Cole')];
      const s = await t.session({ title: 'Makaton basics', startsAt: '2026-01-20T16:00:00Z', endsAt: '2026-01-20T17:00:00Z', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
      const a = await book(s.id, ann);
      expect((await book(s.id, ben)).status).toBe('waitlisted');
      expect((await book(s.id, cal)).status).toBe('waitlisted');
      expect((await t.request('DELETE', `/api/bookings/${a.id}`, { as: ann })).status).toBe(200); // Ben is offered the place

      let got: { to: string; subject: string; text: string }[];
      if (via === 'filed') {
        await deliverDue(t.deps, null, 50);
        const rows = await t.db.selectFrom('outbox').selectAll().where('session_id', '=', s.id).orderBy('id').execute();
        got = rows.map((r) => ({ to: r.to_email, subject: r.subject ?? '', text: (r.text_body ?? '').replace(/\s+/g, ' ') }));
      } else {
        const smtp = await startSmtp();
        try {
          await deliverDue(t.deps, smtpMailer(smtp.url, 'noreply@example.org'), 50);
        } finally {
          await smtp.close();
        }
        got = smtp.received.map((m) => ({ to: m.to[0]!, subject: /^Subject: (.*)$/m.exec(m.raw)![1]!.trim(), text: mimeText(m.raw) }));
      }
      const one = (to: TestUser, subject: string) => {
        const found = got.filter((m) => m.to === to.email && m.subject === subject);
        expect(found, `${subject} to ${to.name}`).toHaveLength(1);
        return found[0]!.text;
      };
      const when = 'When: Tuesday, 20 January 2026, 16:00 to 17:00 (GMT)';

      const booked = one(ann, 'Booked: Makaton basics');
      for (const line of ['Hello Ann Able,', 'Your place is confirmed.', 'Session: Makaton basics', when, 'Where: Online (join from the session page)', `Manage your booking: http://localhost:3000/bookings/${a.id}`]) expect(booked).toContain(line);

      const waiting = one(ben, 'On the waiting list: Makaton basics');
      for (const line of ['Hello Ben Baker,', 'The session is full, so you are on the waiting list at number 1.', 'If a place comes up we will let you know straight away.', when]) expect(waiting).toContain(line);
      expect(one(cal, 'On the waiting list: Makaton basics')).toContain('The session is full, so you are on the waiting list at number 2.');

      const offered = one(ben, 'A place is free for you: Makaton basics');
      for (const line of ['Hello Ben Baker,', 'A place came up. It is held for you until Monday 12 January at 10:00 GMT.', 'Accept it from your bookings page before then, or it passes to the next person.', when]) expect(offered).toContain(line);

      const cancelled = one(ann, 'Cancelled: Makaton basics');
      for (const line of ['Hello Ann Able,', 'Your booking has been cancelled.', when]) expect(cancelled).toContain(line);
      expect(cancelled).not.toContain('Your place is confirmed.');
    });
  }
});
