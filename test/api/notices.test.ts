/**
 * What notices say and whether they still go out: a trainer's message keeps its layout, a
 * reminder names the right day and is not sent to someone who got their seat on the day,
 * and a time-bound notice held back (a mail-server outage) is not sent once it no longer
 * applies, but kept in the outbox, marked as such.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { sendReminders, warnExpiringOffers } from '../../server/bookings/jobs.js';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { startSmtp } from '../smtp.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const subjectOf = (raw: string) => /^Subject: (.*)$/m.exec(raw)?.[1];

describe('message layout', () => {
  it('A: text part keeps the blank line between paragraphs', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({}, trainer);
    const p = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    const text = 'Please bring:\n- a laptop\n- your class list\n\nParking is at the back.';
    expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text } })).status).toBe(201);
    const [m] = await t.mails('trainer_message');
    expect(m!.message.text).toContain('- your class list\n\nParking is at the back.');
  });

  it('A2: HTML part keeps the trainer’s line breaks', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({}, trainer);
    const p = await t.user('staff', (await t.org()).id);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
    await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text: 'Please bring:\n- a laptop\n- your class list' } });
    const [m] = await t.mails('trainer_message');
    expect(m!.message.html).toMatch(/<p>Please bring:(<br>|<br \/>)/);
    expect(m!.message.html).toContain('<p>Please bring:<br>\n- a laptop<br>\n- your class list</p>');
  });

  it('A3: every notice separates its paragraphs with a blank line, and escapes what it is given', async () => {
    const s = await t.session({ title: 'Full <one>', capacity: { online: 1 } });
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} });
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: {} });
    const [m] = await t.mails('waitlisted');
    expect(m!.message.text).toContain(
      `Hello ${b.name},\n\nThe session is full, so you are on the waiting list at number 1.\n\nIf a place comes up we will let you know straight away.\n\nSession: Full <one>\nWhen: `,
    );
    expect(m!.message.text).toMatch(/\nWhere: Online \(join from the session page\)\n\nManage your booking: http:\/\/localhost:3000\/bookings\/[^\n]+\n\nSEND Live Training$/);
    expect(m!.message.html).toContain('<dd>Full &lt;one&gt;</dd>');
  });
});

describe('when a notice says the session is', () => {
  const whenOf = async (startsAt: string, endsAt: string) => {
    const s = await t.session({ startsAt, endsAt });
    const p = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    const m = (await t.mails('confirmed')).find((x) => x.user_id === p.id)!;
    return /\nWhen: ([^\n]+)\n/.exec(m.message.text)?.[1];
  };

  it('names the day once, the times and the zone', async () => {
    expect(await whenOf('2026-02-10T16:00:00Z', '2026-02-10T17:30:00Z')).toBe('Tuesday, 10 February 2026, 16:00 to 17:30 (GMT)');
    expect(await whenOf('2026-06-11T15:00:00Z', '2026-06-11T16:00:00Z')).toBe('Thursday, 11 June 2026, 16:00 to 17:00 (BST)');
  });

  it('across the clocks going back, names each time’s zone: two hours are not shown as one', async () => {
    // 00:30 BST on Sunday 25 October 2026, then the clocks go back at 02:00 BST: 01:30 GMT is two hours later.
    expect(await whenOf('2026-10-24T23:30:00Z', '2026-10-25T01:30:00Z')).toBe('Sunday, 25 October 2026, 00:30 (BST) to 01:30 (GMT)');
  });

  it('ending on a later day, names that day too', async () => {
    expect(await whenOf('2026-03-06T22:00:00Z', '2026-03-07T01:00:00Z')).toBe('Friday, 6 March 2026, 22:00 to Saturday, 7 March 2026, 01:00 (GMT)');
  });
});

describe('reminders name the day, and go to those who had their seat by then', () => {
  it('C: a person promoted from the waiting list on the day is not reminded "Tomorrow" for a session that starts today', async () => {
    const s = await t.session({ capacity: { online: 1 }, startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const first = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: {} })).json.status).toBe('waitlisted');
    t.clock.set('2026-02-04T08:00:00.000Z');
    expect((await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a })).status).toBe(200);
    await runJobsOnce(t.deps, null);
    // Decided against once, and filed as such (see D): never sent.
    const filed = (await t.mails('reminder_24h')).filter((m) => m.to_email === b.email);
    expect(filed.map((m) => m.status)).toEqual(['dropped']);
    const reminders = filed.filter((m) => m.status !== 'dropped');
    expect(reminders.map((m) => m.message.subject)).not.toContain(`Tomorrow: ${s.title}`);
    expect(reminders).toEqual([]);
    expect((await t.mails('promoted')).map((m) => m.to_email)).toEqual([b.email]);
    // The hour before, they are reminded like everyone seated by then.
    t.clock.set('2026-02-04T15:10:00.000Z');
    await runJobsOnce(t.deps, null);
    expect((await t.mails('reminder_1h')).map((m) => m.to_email)).toEqual([b.email]);
  });

  it('C2: promoted before the 24-hour point, seat moved after it: still reminded a day ahead', async () => {
    const s = await t.session({ capacity: { online: 1, inPerson: 2 }, mode: 'hybrid', venue: 'Hall', startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
    const org = await t.org();
    const [a, b, c] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const first = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: { seat: 'online' } });
    expect(first.status, first.text).toBe(201);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: c, body: { seat: 'in_person' } })).status).toBe(201);
    const bb = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: { seat: 'online' } });
    expect(bb.json.status).toBe('waitlisted');
    t.clock.set('2026-02-02T08:00:00.000Z'); // b is promoted well before the 24-hour point
    expect((await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a })).status).toBe(200);
    expect((await t.mails('promoted')).map((m) => m.to_email)).toEqual([b.email]);
    t.clock.set('2026-02-03T17:59:00.000Z'); // and moved to an in-person seat after it
    const moved = await t.request('POST', `/api/bookings/${bb.json.id}/seat`, { as: s.trainer, body: { seat: 'in_person' } });
    expect(moved.status, moved.text).toBe(200);
    t.clock.set('2026-02-03T18:00:00.000Z');
    await runJobsOnce(t.deps, null);
    const reminders = await t.mails('reminder_24h');
    expect(reminders.map((m) => m.to_email).sort()).toEqual([b.email, c.email].sort());
    expect(reminders.map((m) => m.message.subject)).toEqual([`Tomorrow: ${s.title}`, `Tomorrow: ${s.title}`]);
  });

  it('C3: a day-ahead reminder delivered late, on the day of the session, says "Today"', async () => {
    const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
    const p = await t.user('staff', (await t.org()).id);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
    await deliverDue(t.deps, null);
    t.clock.set('2026-02-03T16:30:00.000Z');
    await sendReminders(t.deps);
    t.clock.set('2026-02-04T08:00:00.000Z');
    await deliverDue(t.deps, null);
    const [m] = await t.mails('reminder_24h');
    expect(m!.message.subject).toBe(`Today: ${s.title}`);
  });

  it('C4: the reader’s own date decides: 23:30 UTC in summer is already tomorrow in London', async () => {
    const s = await t.session({ startsAt: '2026-06-11T15:00:00Z', endsAt: '2026-06-11T16:00:00Z' });
    const p = await t.user('staff', (await t.org()).id);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
    t.clock.set('2026-06-10T23:30:00.000Z'); // 00:30 on 11 June, BST
    await runJobsOnce(t.deps, null);
    const [m] = await t.mails('reminder_24h');
    expect(m!.message.subject).toBe(`Today: ${s.title}`);
  });
});

/** `deps` with its database watched: each query `sendReminders` starts (by its table) and each transaction it opens. */
function watched(deps: TestContext['deps']) {
  const started: string[] = [];
  const noted = new Set<PropertyKey>(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'transaction']);
  const db = new Proxy(deps.db, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function' || !noted.has(prop)) return v;
      return (...args: unknown[]) => {
        started.push(`${String(prop)}${typeof args[0] === 'string' ? ` ${args[0]}` : ''}`);
        return v.apply(target, args);
      };
    },
  });
  return { deps: { ...deps, db }, started };
}

describe('a reminder is decided once', () => {
  it('D: the day-ahead reminder not due to someone promoted on the day is filed once as dropped; later passes neither look at the booking again nor write or send anything', async () => {
    const s = await t.session({ capacity: { online: 1 }, startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
    const other = await t.session({ title: 'Later that day', startsAt: '2026-02-04T18:00:00Z', endsAt: '2026-02-04T19:00:00Z' });
    const org = await t.org();
    const [a, b, c] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const first = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} });
    const promoted = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: {} });
    expect(promoted.json.status).toBe('waitlisted');
    expect((await t.request('POST', `/api/sessions/${other.id}/bookings`, { as: c, body: {} })).status).toBe(201);
    t.clock.set('2026-02-04T08:00:00.000Z'); // b gets the seat well after the 24-hour point
    expect((await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a })).status).toBe(200);
    await sendReminders(t.deps);

    // The decision is written down, under the reminder's own key, never to be sent.
    const rows = await t.db.selectFrom('outbox').select(['booking_id', 'dedupe_key', 'status', 'last_error', 'sent_at']).where('kind', '=', 'reminder_24h').orderBy('to_email').execute();
    expect(rows.find((r) => r.booking_id === promoted.json.id)).toEqual({
      booking_id: promoted.json.id,
      dedupe_key: `reminder_24h:${promoted.json.id}:2026-02-04T16:00:00.000Z`,
      status: 'dropped',
      last_error: 'No longer applies: the seat became theirs after the reminder was due, and the notice that gave it to them said when the session is',
      sent_at: null,
    });
    expect(rows.filter((r) => r.booking_id !== promoted.json.id).map((r) => r.status)).toEqual(['pending']); // c's, as usual
    const outboxBefore = await t.db.selectFrom('outbox').select(['id', 'status']).orderBy('id').execute();

    // Every later pass, until the reminder's window closes: only the two look-ups of bookings
    // due a reminder, and no booking among them already reminded (or decided against).
    for (const at of ['2026-02-04T08:00:05.000Z', '2026-02-04T12:00:00.000Z']) {
      t.clock.set(at);
      const w = watched(t.deps);
      await sendReminders(w.deps);
      expect(w.started).toEqual(['selectFrom bookings as b', 'selectFrom bookings as b']);
    }
    expect(await t.db.selectFrom('outbox').select(['id', 'status']).orderBy('id').execute()).toEqual(outboxBefore);
    await deliverDue(t.deps, null);
    expect((await t.mails('reminder_24h')).map((m) => [m.to_email, m.status]).sort()).toEqual([[b.email, 'dropped'], [c.email, 'local']].sort());
  });
});

describe('time-bound notices that no longer apply are not sent', () => {
  it('B: a reminder held back by a mail-server outage is not sent after the session was cancelled', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
      const p = await t.user('staff', (await t.org()).id);
      await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 1, failed: 0 });
      smtp.received.splice(0);
      t.clock.set('2026-02-04T15:20:00.000Z');
      smtp.refuse('421-mail');
      await sendReminders(t.deps);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 1 });
      t.clock.advance(5_000);
      expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Trainer ill' } })).status).toBe(200);
      smtp.refuse('none');
      t.clock.advance(60_000);
      await deliverDue(t.deps, mailer);
      const subjects = smtp.received.map((m) => subjectOf(m.raw));
      expect(subjects).toContain(`Session cancelled: ${s.title}`);
      expect(subjects).not.toContain(`Starting within the hour: ${s.title}`);

      // Kept, never to be sent, and visible as such on the Mail page.
      const [row] = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'reminder_1h').execute();
      expect(row).toMatchObject({ status: 'dropped', sent_at: null, locked_until: null, last_error: 'No longer applies: the session was cancelled' });
      t.clock.advance(3_600_000);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received.map((m) => subjectOf(m.raw))).not.toContain(`Starting within the hour: ${s.title}`);
      const admin = await t.user('admin');
      const page = await t.request('GET', `/api/outbox?to=${encodeURIComponent(p.email)}`, { as: admin });
      expect(page.json.items.find((m: { kind: string }) => m.kind === 'reminder_1h')).toMatchObject({ status: 'dropped', lastError: 'No longer applies: the session was cancelled', sentAt: null });
      expect((await t.request('POST', `/api/outbox/${row!.id}/retry`, { as: admin })).status).toBe(404);
    } finally {
      await smtp.close();
    }
  });

  it('B1: a session cancelled after its end (before outcomes are written) is told as one that did not take place, not as a cancellation ahead', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ title: 'Phonics for all', capacity: { online: 1 }, startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
      const org = await t.org();
      const [ann, bo] = [await t.user('staff', org.id, 'Ann Jones'), await t.user('staff', org.id, 'Bo Li')];
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: {} })).json.status).toBe('confirmed');
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: bo, body: {} })).json.status).toBe('waitlisted');
      await deliverDue(t.deps, mailer);
      smtp.received.splice(0);
      // No one came; the trainer records that it did not happen, five minutes after its end.
      t.clock.set('2026-02-04T17:05:00.000Z');
      expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Trainer ill' } })).status).toBe(200);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 2, failed: 0 });
      const byTo = new Map(smtp.received.map((m) => [m.to.join(','), m.raw]));
      for (const who of [ann, bo]) {
        const raw = byTo.get(who.email)!;
        expect(subjectOf(raw)).toBe('Did not take place: Phonics for all');
        expect(raw.replace(/=\r?\n/g, '').replace(/\s+/g, ' ')).toContain('recorded as cancelled after the time it was due: it did not take place, so it does not count towards your training');
        expect(raw).not.toContain('Sorry');
        expect(raw).toContain('Reason given: Trainer ill');
      }
      // Ann's calendar event goes (a CANCEL); Bo, who was waiting, never had one.
      expect(byTo.get(ann.email)).toContain('METHOD:CANCEL');
      expect(byTo.get(bo.email)).not.toContain('text/calendar');

      // Cancelled before its end: the notice is the usual one.
      t.clock.set('2026-02-01T09:00:00.000Z');
      const ahead = await t.session({ title: 'Phonics again', startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
      expect((await t.request('POST', `/api/sessions/${ahead.id}/bookings`, { as: ann, body: {} })).status).toBe(201);
      await deliverDue(t.deps, mailer);
      smtp.received.splice(0);
      t.clock.set('2026-02-05T16:59:00.000Z');
      expect((await t.request('POST', `/api/sessions/${ahead.id}/cancel`, { as: ahead.trainer, body: {} })).status).toBe(200);
      await deliverDue(t.deps, mailer);
      expect(smtp.received.map((m) => subjectOf(m.raw))).toEqual(['Session cancelled: Phonics again']);
    } finally {
      await smtp.close();
    }
  });

  it('B2: after an outage, no reminder to someone who cancelled, nor an expiry warning to someone who accepted', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
      const org = await t.org();
      const p = await t.user('staff', org.id);
      const mine = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
      const o = await t.session({ title: 'Offered one', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 600, startsAt: '2026-02-06T16:00:00Z', endsAt: '2026-02-06T17:00:00Z' });
      const [x, y] = [await t.user('staff', org.id), await t.user('staff', org.id)];
      const xb = await t.request('POST', `/api/sessions/${o.id}/bookings`, { as: x, body: {} });
      const yb = await t.request('POST', `/api/sessions/${o.id}/bookings`, { as: y, body: {} });
      await t.request('DELETE', `/api/bookings/${xb.json.id}`, { as: x });
      await deliverDue(t.deps, mailer);
      smtp.received.splice(0);
      smtp.refuse('421-mail');
      t.clock.set('2026-02-01T17:30:00.000Z');
      await runJobsOnce(t.deps, mailer);
      expect((await t.mails('offer_expiring')).map((m) => m.to_email)).toEqual([y.email]);
      t.clock.set('2026-02-01T17:31:00.000Z');
      expect((await t.request('POST', `/api/bookings/${yb.json.id}/accept`, { as: y })).status).toBe(200);
      t.clock.set('2026-02-03T16:30:00.000Z');
      await runJobsOnce(t.deps, mailer);
      expect((await t.mails('reminder_24h')).map((m) => m.to_email)).toEqual([p.email]);
      t.clock.set('2026-02-03T16:31:00.000Z');
      expect((await t.request('DELETE', `/api/bookings/${mine.json.id}`, { as: p })).status).toBe(200);
      smtp.refuse('none');
      t.clock.set('2026-02-03T18:00:00.000Z');
      await deliverDue(t.deps, mailer);
      const got = smtp.received.map((m) => [m.to[0] === p.email ? 'p' : m.to[0] === y.email ? 'y' : 'x', subjectOf(m.raw)]);
      expect(got).not.toContainEqual(['p', `Tomorrow: ${s.title}`]);
      expect(got).not.toContainEqual(['y', `Your offered place expires soon: Offered one`]);
      // What did go: the cancellation and the acceptance.
      expect(got).toContainEqual(['p', `Cancelled: ${s.title}`]);
      expect(got).toContainEqual(['y', `Booked: Offered one`]);
      const dropped = await t.db.selectFrom('outbox').select(['kind', 'status', 'last_error']).where('kind', 'in', ['reminder_24h', 'offer_expiring']).orderBy('kind').execute();
      expect(dropped).toEqual([
        { kind: 'offer_expiring', status: 'dropped', last_error: 'No longer applies: the offer is no longer open (the booking is confirmed)' },
        { kind: 'reminder_24h', status: 'dropped', last_error: 'No longer applies: the booking is no longer confirmed (it is cancelled)' },
      ]);
    } finally {
      await smtp.close();
    }
  });

  it('B3: a reminder for a session moved since it was written is not sent; the new time is reminded of', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
      const p = await t.user('staff', (await t.org()).id);
      await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
      await deliverDue(t.deps, mailer);
      smtp.received.splice(0);
      smtp.refuse('421-mail');
      t.clock.set('2026-02-03T16:30:00.000Z');
      await sendReminders(t.deps);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 1 });
      // Moved in the database as a session edit does (start and end), a week later.
      await t.db.updateTable('sessions').set({ starts_at: '2026-02-11T16:00:00.000Z', ends_at: '2026-02-11T17:00:00.000Z', booking_ends_at: '2026-02-11T16:15:00.000Z' }).where('id', '=', s.id).execute();
      smtp.refuse('none');
      t.clock.advance(60_000);
      await deliverDue(t.deps, mailer);
      expect(smtp.received.map((m) => subjectOf(m.raw))).toEqual([]);
      const [row] = await t.db.selectFrom('outbox').select(['status', 'last_error']).where('kind', '=', 'reminder_24h').execute();
      expect(row).toEqual({ status: 'dropped', last_error: 'No longer applies: the session has moved to another time' });
      t.clock.set('2026-02-10T16:30:00.000Z');
      await runJobsOnce(t.deps, mailer);
      expect(smtp.received.map((m) => subjectOf(m.raw))).toEqual([`Tomorrow: ${s.title}`]);
    } finally {
      await smtp.close();
    }
  });

  it('B3b: a reminder held back by an outage until the session has started is not sent ("Starting within the hour" would be wrong)', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:30:00Z' });
      const p = await t.user('staff', (await t.org()).id);
      await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
      await deliverDue(t.deps, mailer);
      smtp.received.splice(0);
      smtp.refuse('421-mail');
      t.clock.set('2026-02-04T15:20:00.000Z');
      await sendReminders(t.deps);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 1 });
      // The mail server is back 40 minutes into the session.
      smtp.refuse('none');
      t.clock.set('2026-02-04T16:40:00.000Z');
      await deliverDue(t.deps, mailer);
      expect(smtp.received.map((m) => subjectOf(m.raw))).toEqual([]);
      const [row] = await t.db.selectFrom('outbox').select(['status', 'last_error']).where('kind', '=', 'reminder_1h').execute();
      expect(row).toEqual({ status: 'dropped', last_error: 'No longer applies: the session has started' });
    } finally {
      await smtp.close();
    }
  });

  it('B3c: a booking made and cancelled while the mail server is down reaches the person in that order, "Booked" before "Cancelled", however the retries fall', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
      const p = await t.user('staff', (await t.org()).id);
      smtp.refuse('421-mail');
      const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 1 });
      // Cancelled while "Booked" waits out its back-off (15 s); the server is back at once.
      t.clock.advance(5_000);
      expect((await t.request('DELETE', `/api/bookings/${booked.json.id}`, { as: p })).status).toBe(200);
      smtp.refuse('none');
      // "Cancelled" is due now but waits for the earlier "Booked" of the same booking.
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 0 });
      t.clock.advance(15_000);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 2, failed: 0 });
      expect(smtp.received.map((m) => subjectOf(m.raw))).toEqual([`Booked: ${s.title}`, `Cancelled: ${s.title}`]);
      // Invites in that order too: the cancellation's sequence is the later one.
      expect(smtp.received.map((m) => /METHOD:(\w+)/.exec(m.raw)?.[1])).toEqual(['REQUEST', 'CANCEL']);
    } finally {
      await smtp.close();
    }
  });

  it('B4: an expiry warning for an offer that has already run out is not sent; without a mail server the stale notice is marked too', async () => {
    const o = await t.session({ title: 'Offered one', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 600, startsAt: '2026-02-06T16:00:00Z', endsAt: '2026-02-06T17:00:00Z' });
    const org = await t.org();
    const [x, y] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const xb = await t.request('POST', `/api/sessions/${o.id}/bookings`, { as: x, body: {} });
    await t.request('POST', `/api/sessions/${o.id}/bookings`, { as: y, body: {} });
    await t.request('DELETE', `/api/bookings/${xb.json.id}`, { as: x });
    await deliverDue(t.deps, null);
    t.clock.set('2026-02-01T17:30:00.000Z');
    await warnExpiringOffers(t.deps);
    t.clock.set('2026-02-01T19:00:01.000Z'); // the offer (until 19:00) has run out; not yet swept
    await deliverDue(t.deps, null);
    const [row] = await t.db.selectFrom('outbox').select(['status', 'last_error', 'sent_at']).where('kind', '=', 'offer_expiring').execute();
    expect(row).toEqual({ status: 'dropped', last_error: 'No longer applies: the offer has expired', sent_at: null });
  });

  it('B5: a feedback request for someone no longer marked attended is not sent; one still attended is', { timeout: 20_000 }, async () => {
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, 'noreply@example.org');
      const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
      const org = await t.org();
      const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
      const ab = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} });
      const bb = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: {} });
      await deliverDue(t.deps, mailer);
      smtp.received.splice(0);
      // Both marked attended; a feedback request written for each (as the job does), delivery held back.
      t.clock.set('2026-02-04T18:00:00.000Z');
      await t.db.updateTable('bookings').set({ status: 'attended' }).where('id', 'in', [ab.json.id, bb.json.id]).execute();
      const { enqueue } = await import('../../server/notifications/outbox.js');
      for (const id of [ab.json.id, bb.json.id]) await enqueue(t.db, t.deps, 'feedback_request', id, { dedupeKey: `feedback_request:${id}` });
      // The register is corrected before the mail goes: a was absent after all.
      await t.db.updateTable('bookings').set({ status: 'absent' }).where('id', '=', ab.json.id).execute();
      await deliverDue(t.deps, mailer);
      expect(smtp.received.map((m) => [m.to[0], subjectOf(m.raw)])).toEqual([[b.email, `How was it? ${s.title}`]]);
      const rows = await t.db.selectFrom('outbox').select(['booking_id', 'status', 'last_error']).where('kind', '=', 'feedback_request').execute();
      expect(rows.find((r) => r.booking_id === ab.json.id)).toEqual({ booking_id: ab.json.id, status: 'dropped', last_error: 'No longer applies: the booking is no longer marked attended (it is absent)' });
      expect(rows.find((r) => r.booking_id === bb.json.id)).toMatchObject({ status: 'sent', last_error: null });
    } finally {
      await smtp.close();
    }
  });
});
