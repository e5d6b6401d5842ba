/**
 * What people receive by email, audited: who is emailed (never someone whose account is
 * turned off), and what an email says when someone else booked the place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { startSmtp } from '../smtp.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-20T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const SOON = { startsAt: '2026-03-21T09:00:00.000Z', endsAt: '2026-03-21T10:00:00.000Z' };

/** Every rate-limit counter, as stored. */
const throttles = () => t.db.selectFrom('login_throttle').selectAll().orderBy('key').execute();

describe('people whose account is turned off are not emailed', () => {
  it('a trainer’s message after the session does not go to someone turned off since', async () => {
    const org = await t.org();
    const admin = await t.user('admin');
    const s = await t.session(SOON);
    const [gone, stays] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    for (const p of [gone, stays]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    // The session is over (its places stand), then one of them leaves and is turned off.
    t.clock.set('2026-03-21T11:00:00.000Z');
    expect((await t.request('PATCH', `/api/users/${gone.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    const r = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'The slides are on the session page.' } });
    expect(r.status).toBe(201);
    expect(r.json.told).toBe(1);
    expect((await t.mails('trainer_message')).map((m) => m.to_email)).toEqual([stays.email]);
  });

  it('a trainer’s message written before the account was turned off is not sent after it', async () => {
    const org = await t.org();
    const admin = await t.user('admin');
    const s = await t.session(SOON);
    const p = await t.user('staff', org.id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    t.clock.set('2026-03-21T11:00:00.000Z');
    expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Thank you for coming.' } })).status).toBe(201);
    // The mail server was down; meanwhile the person left and was turned off.
    expect((await t.request('PATCH', `/api/users/${p.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    const smtp = await startSmtp();
    try {
      await deliverDue(t.deps, smtpMailer(smtp.url, t.deps.config.mailFrom));
      expect(smtp.received.filter((m) => m.to.includes(p.email)).map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1])).toEqual([expect.stringMatching(/^=\?UTF-8\?Q\?Booked|^Booked/)]);
      const [m] = await t.mails('trainer_message');
      expect(m!.status).toBe('dropped');
      expect(m!.last_error).toMatch(/turned off/);
    } finally {
      await smtp.close();
    }
  });
});

describe('a trainer’s message waiting to be sent', () => {
  it('does not go to someone who has since given up their place, nor to anyone once the session is called off', async () => {
    const org = await t.org();
    const s = await t.session(SOON);
    const [leaves, stays] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const places = [];
    for (const p of [leaves, stays]) places.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.id as string);
    expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Please bring a laptop.' } })).json.told).toBe(2);
    // The mail server was down; meanwhile one of them cancelled.
    expect((await t.request('DELETE', `/api/bookings/${places[0]}`, { as: leaves })).status).toBe(200);
    const smtp = await startSmtp();
    try {
      const mailer = smtpMailer(smtp.url, t.deps.config.mailFrom);
      await deliverDue(t.deps, mailer);
      expect(smtp.received.filter((m) => m.to.includes(stays.email)).length).toBeGreaterThan(0);
      expect((await t.mails('trainer_message')).map((m) => [m.to_email, m.status, m.last_error])).toEqual([
        [leaves.email, 'dropped', 'No longer applies: the place was given up'],
        [stays.email, 'sent', null],
      ]);
      // A second message, then the session is called off before it goes.
      expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Room change: Hall B.' } })).json.told).toBe(1);
      expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
      await deliverDue(t.deps, smtpMailer(smtp.url, t.deps.config.mailFrom));
      const second = (await t.mails('trainer_message')).slice(2);
      expect(second.map((m) => [m.to_email, m.status, m.last_error])).toEqual([[stays.email, 'dropped', 'No longer applies: the session was cancelled']]);
    } finally {
      await smtp.close();
    }
  });
});

describe('a place booked by someone else', () => {
  it('an office booking emails the person booked, saying who booked them', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: '2026-04-10T09:00:00.000Z', endsAt: '2026-04-10T10:00:00.000Z', capacity: { online: 1 } });
    const office = await t.user('office', org.id, 'Olive Ófficer');
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [a.id, b.id] } })).status).toBe(201);
    const [confirmed] = await t.mails('confirmed');
    const [waiting] = await t.mails('waitlisted');
    expect(confirmed!.to_email).toBe(a.email);
    expect(waiting!.to_email).toBe(b.email);
    expect(confirmed!.message.text).toContain('Olive Ófficer booked this place for you.');
    expect(confirmed!.message.html).toContain('Olive Ófficer booked this place for you.');
    // A place on the waiting list is no place: it says what the office did.
    expect(waiting!.message.text).toContain('Olive Ófficer put you on the waiting list.');
    expect(waiting!.message.html).toContain('Olive Ófficer put you on the waiting list.');
    // Booking oneself says nothing of the kind.
    const self = await t.user('staff', org.id);
    const s2 = await t.session({ startsAt: '2026-04-11T09:00:00.000Z', endsAt: '2026-04-11T10:00:00.000Z' });
    await t.request('POST', `/api/sessions/${s2.id}/bookings`, { as: self, body: {} });
    const mine = (await t.mails('confirmed')).find((m) => m.to_email === self.email)!;
    expect(mine.message.text).not.toContain('booked this place for you');
  });
});

describe('repeated sends are bounded', () => {
  it('booking and cancelling the same place over and over is refused (429, with when to try again) after six cancellations in an hour, the place and its emails as they were; an hour later it works again', async () => {
    const org = await t.org();
    const s = await t.session(SOON);
    const me = await t.user('staff', org.id);
    const mails = async () => Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', me.id).executeTakeFirstOrThrow()).n);
    let id = '';
    for (let i = 0; i < 6; i++) {
      id = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json.id;
      expect((await t.request('DELETE', `/api/bookings/${id}`, { as: me })).status).toBe(200);
    }
    id = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json.id;
    const before = await mails();
    const counts = await throttles();
    const refused = await t.request('DELETE', `/api/bookings/${id}`, { as: me });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'rate_limited', message: 'There have been too many cancellations of places. Please wait 60 minutes and try again. Nothing was changed.' });
    // Refused, it is not counted either: the counts are as they were.
    expect(await throttles()).toEqual(counts);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect((await t.request('GET', `/api/bookings/${id}`, { as: me })).json.status).toBe('confirmed');
    expect(await mails()).toBe(before);
    // Another person's place on the same session is counted apart.
    const other = await t.user('staff', org.id);
    const theirs = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: {} })).json.id;
    expect((await t.request('DELETE', `/api/bookings/${theirs}`, { as: other })).status).toBe(200);
    t.clock.set('2026-03-20T10:00:01.000Z');
    expect((await t.request('DELETE', `/api/bookings/${id}`, { as: me })).status).toBe(200);
  });

  it('a session’s time, place, title or description may change twenty times an hour (each change emails the people booked); the next such change is refused (429) and changes nothing, while other edits go on', async () => {
    const org = await t.org();
    const s = await t.session({ ...SOON, mode: 'in_person', venue: 'Hall', capacity: { inPerson: 5, online: 0 } });
    const me = await t.user('staff', org.id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: { seat: 'in_person' } })).status).toBe(201);
    const patch = (body: Record<string, unknown>) => t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body });
    // Sending the venue it already has is no change, and not counted.
    expect((await patch({ venue: 'Hall' })).status).toBe(200);
    for (let i = 1; i <= 20; i++) expect((await patch({ venue: `Room ${i}` })).status).toBe(200);
    const counts = await throttles();
    const refused = await patch({ venue: 'Room 21' });
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toBe('There have been too many changes of this session that email the people booked. Please wait 60 minutes and try again. Nothing was changed.');
    expect(await throttles()).toEqual(counts);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.venue).toBe('Room 20');
    // A new title sends seat holders the new invite: held back too. A change that emails no one (more seats) goes on.
    expect((await patch({ title: 'Renamed while limited' })).status).toBe(429);
    expect((await patch({ capacity: { inPerson: 6, online: 0 } })).status).toBe(200);
    // Nor is a session with no one to tell held back, however often its place changes while it is set up.
    const empty = await t.session({ ...SOON, mode: 'in_person', venue: 'Hall', capacity: { inPerson: 5, online: 0 } });
    for (let i = 1; i <= 25; i++) expect((await t.request('PATCH', `/api/sessions/${empty.id}`, { as: empty.trainer, body: { venue: `Room ${i}` } })).status).toBe(200);
  });

  it('a session’s people are sent at most ten messages an hour; the eleventh is refused (429) and writes nothing', async () => {
    const org = await t.org();
    const s = await t.session(SOON);
    const me = await t.user('staff', org.id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).status).toBe(201);
    // A message refused for what it asks (no one waits on a cancelled session) is not counted: ten still go.
    const other = await t.session(SOON);
    expect((await t.request('POST', `/api/sessions/${other.id}/cancel`, { as: other.trainer, body: { reason: 'Trainer unwell' } })).status).toBe(200);
    const none = await throttles();
    expect((await t.request('POST', `/api/sessions/${other.id}/messages`, { as: other.trainer, body: { text: 'Anyone?' } })).status).toBe(409);
    expect(await throttles()).toEqual(none);
    for (let i = 1; i <= 10; i++) expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: `Note ${i}` } })).json.told).toBe(1);
    const counts = await throttles();
    const refused = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Note 11' } });
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toBe('There have been too many messages to this session’s people. Please wait 60 minutes and try again. Nothing was changed.');
    expect(await throttles()).toEqual(counts);
    const sent = await t.db.selectFrom('outbox').select('kind').where('user_id', '=', me.id).where('kind', '=', 'trainer_message').execute();
    expect(sent).toHaveLength(10);
  });
});
