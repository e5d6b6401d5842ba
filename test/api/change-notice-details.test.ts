/**
 * What the email telling of a change of a session's time or place says: what changed, old and
 * new (the old values kept with the notice when it is written, as the message is rendered
 * when it is delivered), in the text and HTML parts, with the calendar invite as before. Also:
 * a message written after a session is over does not tell people to join it, and Who is
 * coming's spreadsheet names its times' zone and says who booked each place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, type Mailer } from '../../server/notifications/delivery.js';
import type { RenderedMessage } from '../../server/notifications/outbox.js';
import { compose, type NoticeContext } from '../../server/notifications/messages.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-12-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

// Monday 14 December 2026, 15:45 to 17:15 in London (GMT: the same as UTC).
const hall = { title: 'Understanding autism', mode: 'hybrid', venue: 'Hall A', startsAt: '2026-12-14T15:45:00.000Z', endsAt: '2026-12-14T17:15:00.000Z', capacity: { inPerson: 5, online: 5 } };

const book = async (sessionId: string, as: TestUser, seat: 'in_person' | 'online') => {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: { seat } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string };
};
const change = async (sessionId: string, as: TestUser, body: Record<string, unknown>) => {
  const res = await t.request('PATCH', `/api/sessions/${sessionId}`, { as, body });
  expect(res.status, res.text).toBe(200);
};
/** A mailer that keeps what it is given. */
const catcher = () => {
  const sent: { to: string; kind: string; message: RenderedMessage }[] = [];
  const mailer: Mailer = { send: async (row, message) => void sent.push({ to: row.to_email, kind: row.kind, message }) };
  return { sent, mailer };
};

describe('the email of a new time or place says what changed, old and new', () => {
  it('a new time and venue in one save: each is said, was and is now, in both parts; the invite is the new version', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const inPerson = await t.user('staff', (await t.org()).id, 'Ines Inperson');
    const online = await t.user('staff', (await t.org()).id, 'Oli Online');
    await book(s.id, inPerson, 'in_person');
    await book(s.id, online, 'online');
    await change(s.id, trainer, { startsAt: '2026-12-14T16:30:00.000Z', endsAt: '2026-12-14T18:00:00.000Z', venue: 'Library' });

    const mails = await t.mails('session_changed');
    const to = (u: TestUser) => mails.find((m) => m.user_id === u.id)!.message;
    const time = 'Time changed: it was 15:45 to 17:15 GMT on Monday 14 December, it is now 16:30 to 18:00 GMT.';
    const venue = 'Venue changed: it was Hall A, it is now Library.';
    for (const part of [to(inPerson).text, to(inPerson).html]) {
      expect(part).toContain(time);
      expect(part).toContain(venue);
      expect(part).not.toContain('Please check the new time and place below');
    }
    expect(to(inPerson).text).toContain('Where: Library');
    expect(to(inPerson).text).toContain('When: Monday, 14 December 2026, 16:30 to 18:00 (GMT)');
    // An online seat has no venue: only the time is said to have changed.
    expect(to(online).text).toContain(time);
    expect(to(online).text).not.toContain('Venue changed');
    // The calendar invite updates as it did.
    const ical = to(inPerson).parts.ical!;
    expect(ical.method).toBe('REQUEST');
    expect(ical.content).toMatch(/DTSTART;TZID=Europe\/London:20261214T163000/);
  });

  it('a move to another day names the new day too; a new venue alone says only the venue', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const p = await t.user('staff', (await t.org()).id);
    await book(s.id, p, 'in_person');
    const { sent, mailer } = catcher();
    await change(s.id, trainer, { startsAt: '2026-12-15T09:00:00.000Z', endsAt: '2026-12-15T10:30:00.000Z' });
    await deliverDue(t.deps, mailer);
    await change(s.id, trainer, { venue: 'Room 12' });
    await deliverDue(t.deps, mailer);
    const [moved, placed] = sent.filter((m) => m.kind === 'session_changed');
    expect(moved!.message.text).toContain('Time changed: it was 15:45 to 17:15 GMT on Monday 14 December, it is now 09:00 to 10:30 GMT on Tuesday 15 December.');
    expect(moved!.message.text).not.toContain('Venue changed');
    expect(placed!.message.text).toContain('Venue changed: it was Hall A, it is now Room 12.');
    expect(placed!.message.text).not.toContain('Time changed');
  });

  it('several changes made before the first was sent are told once, from what the person was last told to what it now is', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const p = await t.user('staff', (await t.org()).id);
    await book(s.id, p, 'in_person');
    const { sent, mailer } = catcher();
    await deliverDue(t.deps, mailer);
    sent.length = 0;
    await change(s.id, trainer, { venue: 'Hall B' });
    await change(s.id, trainer, { startsAt: '2026-12-14T16:00:00.000Z', endsAt: '2026-12-14T17:30:00.000Z' });
    await change(s.id, trainer, { venue: 'Main Hall, north door' });
    await deliverDue(t.deps, mailer);
    expect(sent.map((m) => m.kind)).toEqual(['session_changed']);
    expect(sent[0]!.message.text).toContain('Venue changed: it was Hall A, it is now Main Hall, north door.');
    expect(sent[0]!.message.text).toContain('Time changed: it was 15:45 to 17:15 GMT on Monday 14 December, it is now 16:00 to 17:30 GMT.');
    // Once told, the next change starts from there.
    await change(s.id, trainer, { venue: 'Library' });
    await deliverDue(t.deps, mailer);
    expect(sent[1]!.message.text).toContain('Venue changed: it was Main Hall, north door, it is now Library.');
    expect(sent[1]!.message.text).not.toContain('Time changed');
  });

  it('a new title and then a new time, both before the first email went: the one email says both, the title as the person knew it', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const p = await t.user('staff', (await t.org()).id);
    await book(s.id, p, 'in_person');
    const { sent, mailer } = catcher();
    await deliverDue(t.deps, mailer);
    sent.length = 0;
    await change(s.id, trainer, { title: 'Autism: first steps' });
    await change(s.id, trainer, { startsAt: '2026-12-14T16:00:00.000Z', endsAt: '2026-12-14T17:30:00.000Z' });
    await deliverDue(t.deps, mailer);
    expect(sent.map((m) => m.kind)).toEqual(['session_changed']);
    const { text, subject } = sent[0]!.message;
    expect(subject).toBe('Changed: Autism: first steps');
    expect(text).toContain('Title changed: it was “Understanding autism”, it is now “Autism: first steps”.');
    expect(text).toContain('Time changed: it was 15:45 to 17:15 GMT on Monday 14 December, it is now 16:00 to 17:30 GMT.');
  });

  it('a new title alone says the title, was and is now; two new titles before it went say the first and the last', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const p = await t.user('staff', (await t.org()).id);
    await book(s.id, p, 'online');
    const { sent, mailer } = catcher();
    await deliverDue(t.deps, mailer);
    sent.length = 0;
    await change(s.id, trainer, { title: 'Autism: first steps' });
    await deliverDue(t.deps, mailer);
    expect(sent.map((m) => m.kind)).toEqual(['session_changed']);
    expect(sent[0]!.message.text).toContain('The title or description of this session has changed; its time and place are as they were.');
    expect(sent[0]!.message.text).toContain('Title changed: it was “Understanding autism”, it is now “Autism: first steps”.');
    expect(sent[0]!.message.html).toContain('it is now “Autism: first steps”');

    await change(s.id, trainer, { title: 'Autism: next steps' });
    await change(s.id, trainer, { title: 'Autism: the next steps' });
    await deliverDue(t.deps, mailer);
    expect(sent.map((m) => m.kind)).toEqual(['session_changed', 'session_changed']);
    expect(sent[1]!.message.text).toContain('Title changed: it was “Autism: first steps”, it is now “Autism: the next steps”.');

    // A new description alone: no title line, as before.
    await change(s.id, trainer, { description: 'Now with case studies.' });
    await deliverDue(t.deps, mailer);
    expect(sent).toHaveLength(3);
    expect(sent[2]!.message.text).toContain('The title or description of this session has changed; its time and place are as they were.');
    expect(sent[2]!.message.text).not.toContain('Title changed');
  });

  it('a change put back before it was sent says so; a venue or title that looks like markup is text in the HTML part', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const p = await t.user('staff', (await t.org()).id);
    await book(s.id, p, 'in_person');
    const { sent, mailer } = catcher();
    await deliverDue(t.deps, mailer);
    await change(s.id, trainer, { venue: 'Hall B' });
    await change(s.id, trainer, { venue: 'Hall A' });
    await deliverDue(t.deps, mailer);
    expect(sent.at(-1)!.message.text).toContain('were changed and then put back');
    expect(sent.at(-1)!.message.text).not.toContain('Venue changed');

    await change(s.id, trainer, { venue: '<img src=x onerror=alert(1)> & Co', title: 'New <b>title</b>' });
    await deliverDue(t.deps, mailer);
    const { text, html, subject } = sent.at(-1)!.message;
    expect(text).toContain('Venue changed: it was Hall A, it is now <img src=x onerror=alert(1)> & Co.');
    expect(text).toContain('Title changed: it was “Understanding autism”, it is now “New <b>title</b>”.');
    expect(html).toContain('it is now &lt;img src=x onerror=alert(1)&gt; &amp; Co.');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>title');
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe('a message after the session is over does not tell people to join it', () => {
  const ctx = (over: Partial<NoticeContext>): NoticeContext => ({
    kind: 'feedback_request',
    user: { name: 'Ada', email: 'ada@example.org' },
    session: { title: 'Understanding autism', starts_at: '2026-12-14T15:45:00.000Z', ends_at: '2026-12-14T17:15:00.000Z', venue: 'Hall A', mode: 'hybrid' },
    booking: { id: 'b1', seat: 'online', status: 'attended', offer_expires_at: null },
    timeZone: 'Europe/London',
    manageUrl: 'http://localhost:3000/bookings/b1#feedback',
    sentAt: '2026-12-14T18:00:00.000Z',
    ...over,
  });

  it('a feedback request to an online seat says it was online; one to an in-person seat names the venue', () => {
    const online = compose(ctx({}));
    for (const part of [online.text, online.html]) expect(part).not.toContain('join');
    expect(online.text).toContain('Where: Online\n');
    expect(online.html).toContain('<dd>Online</dd>');
    expect(compose(ctx({ booking: { id: 'b1', seat: 'in_person', status: 'attended', offer_expires_at: null } })).text).toContain('Where: Hall A');
  });

  it('a trainer’s follow-up after the end does not say join; before the end it still does', () => {
    const after = compose(ctx({ kind: 'trainer_message', reason: 'Slides attached.' }));
    expect(after.text).toContain('Where: Online\n');
    const before = compose(ctx({ kind: 'trainer_message', reason: 'See you soon.', sentAt: '2026-12-14T15:00:00.000Z' }));
    expect(before.text).toContain('Where: Online (join from the session page)');
  });

  it('a feedback request written through the outbox, as the job writes it', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hall, mode: 'online', venue: null, capacity: { online: 5 } }, trainer);
    const p = await t.user('staff', (await t.org()).id);
    const b = await book(s.id, p, 'online');
    t.clock.set('2026-12-14T18:00:00.000Z');
    await t.db.updateTable('bookings').set({ status: 'attended' }).where('id', '=', b.id).execute();
    const { enqueue } = await import('../../server/notifications/outbox.js');
    await enqueue(t.db, t.deps, 'feedback_request', b.id, { dedupeKey: `feedback_request:${b.id}` });
    const [mail] = await t.mails('feedback_request');
    expect(mail!.message.text).toContain('Where: Online\n');
    expect(mail!.message.text).not.toContain('join');
  });
});

describe('Who is coming as a spreadsheet', () => {
  it('names the zone of "booked at" in a last column, as the office’s export does, and says who booked each place, "themselves" too', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hall, trainer);
    const school = await t.org('Hill Primary');
    const office = await t.user('office', school.id, 'Olu Office');
    const asha = await t.user('staff', school.id, 'Asha Patel');
    const cleo = await t.user('staff', school.id, 'Cleo Wu');
    t.clock.set('2026-12-07T11:47:00.000Z');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: asha.id, seat: 'in_person' } })).status).toBe(201);
    await book(s.id, cleo, 'online');
    const csv = await t.request('GET', `/api/sessions/${s.id}/attendees.csv`, { as: trainer });
    expect(csv.status).toBe(200);
    const [head, ...rows] = csv.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    // The columns before stay where they were; the new one is last.
    expect(head).toBe('name,email,school,seat,status,waitlist position,booked by,booked at,audience,time zone');
    const cells = rows.map((r) => Object.fromEntries(head!.split(',').map((h, i) => [h, r.split(',')[i]])));
    expect(cells.map((c) => [c.name, c['booked by'], c['booked at'], c['time zone']])).toEqual([
      ['Asha Patel', 'Olu Office', '2026-12-07 11:47', 'Europe/London'],
      ['Cleo Wu', 'themselves', '2026-12-07 11:47', 'Europe/London'],
    ]);
  });
});
