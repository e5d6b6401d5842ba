/**
 * Invites travel in the notice emails as a `text/calendar; method=...` part, the way
 * Outlook, Gmail and Apple Mail expect, so the event shows Accept/Decline and updates in
 * place. Proven over a real SMTP exchange with an in-process server on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';
import { startSmtp } from '../smtp.js';

interface MimePart {
  headers: Map<string, string>;
  body: Buffer;
}

/** The leaf parts of a MIME message (enough of RFC 2045/2046 for nodemailer's output). */
function mimeLeaves(raw: string): MimePart[] {
  const split = raw.indexOf('\r\n\r\n');
  const headerText = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const bodyText = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const pieces = bodyText.split(`--${boundary}`).slice(1);
    return pieces.filter((p) => !p.startsWith('--')).flatMap((p) => mimeLeaves(p.replace(/^\r\n/, '')));
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let body: Buffer;
  if (cte === 'base64') body = Buffer.from(bodyText.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') {
    const soft = bodyText.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
    body = Buffer.from(bytes);
  } else body = Buffer.from(bodyText, 'utf8');
  return [{ headers, body }];
}

/** A top-level header of a message (unfolded). */
function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
}

function plainText(raw: string): string {
  return mimeLeaves(raw).find((p) => /^text\/plain/i.test(p.headers.get('content-type') ?? ''))!.body.toString('utf8');
}

function calendarParts(raw: string) {
  return mimeLeaves(raw)
    .filter((p) => /^text\/calendar/i.test(p.headers.get('content-type') ?? ''))
    .map((p) => ({ type: p.headers.get('content-type')!, text: p.body.toString('utf8') }));
}

let t: TestContext;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
  smtp = await startSmtp();
});
afterEach(async () => {
  await smtp.close();
  await t.close();
});

async function deliver() {
  const mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, t.deps.config.mailFrom);
  const result = await deliverDue(t.deps, mailer);
  expect(result.failed).toBe(0);
  const got = smtp.received.splice(0);
  expect(got).toHaveLength(result.sent);
  return got;
}

describe('invites in notice emails', () => {
  it('a confirmation carries METHOD:REQUEST, a change an update, a cancellation METHOD:CANCEL, all with one UID', { timeout: 20_000 }, async () => {
    const staff = await t.user('staff', (await t.org()).id, 'Gwen Hughes');
    const s = await t.session({ title: 'Hyfforddiant ADY: ŵ ŷ â 🎉', startsAt: '2026-03-29T09:00:00+01:00', endsAt: '2026-03-29T10:00:00+01:00' });
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} });
    expect(booked.status).toBe(201);

    const [confirmation] = await deliver();
    expect(confirmation!.to).toEqual([staff.email]);
    const [request] = calendarParts(confirmation!.raw);
    expect(request!.type).toMatch(/^text\/calendar;.*method=REQUEST/i);
    const req = readCalendar(request!.text);
    expect(req.method).toBe('REQUEST');
    expect(req.events).toHaveLength(1);
    expect(req.events[0]!.summary).toBe('Hyfforddiant ADY: ŵ ŷ â 🎉');
    expect([req.events[0]!.startUtc, req.events[0]!.endUtc]).toEqual(['2026-03-29T08:00:00.000Z', '2026-03-29T09:00:00.000Z']);
    expect(req.events[0]!.attendees[0]!.partstat).toBe('ACCEPTED');
    // The emailed invite is the same event as the download.
    const download = await t.request('GET', `/api/bookings/${booked.json.id}/invite.ics`, { as: staff });
    expect(readCalendar(download.text).events[0]).toEqual(req.events[0]);

    t.clock.advance(60_000);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-29T11:00:00+01:00', endsAt: '2026-03-29T12:00:00+01:00' } });
    expect(moved.status).toBe(200);
    const [changed] = await deliver();
    const [update] = calendarParts(changed!.raw);
    expect(update!.type).toMatch(/method=REQUEST/i);
    const upd = readCalendar(update!.text);
    expect(upd.events[0]!.uid).toBe(req.events[0]!.uid);
    expect(upd.events[0]!.sequence).toBeGreaterThan(req.events[0]!.sequence);
    expect(upd.events[0]!.startUtc).toBe('2026-03-29T10:00:00.000Z');

    t.clock.advance(60_000);
    expect((await t.request('DELETE', `/api/bookings/${booked.json.id}`, { as: staff })).status).toBe(200);
    const [cancellation] = await deliver();
    const [cancel] = calendarParts(cancellation!.raw);
    expect(cancel!.type).toMatch(/^text\/calendar;.*method=CANCEL/i);
    const can = readCalendar(cancel!.text);
    expect(can.method).toBe('CANCEL');
    expect(can.events[0]!.uid).toBe(req.events[0]!.uid);
    expect(can.events[0]!.status).toBe('CANCELLED');
    expect(can.events[0]!.sequence).toBeGreaterThan(upd.events[0]!.sequence);
  });

  it('a new title or description sends each seat holder the updated invite (same UID, higher SEQUENCE); people waiting, and a session already over, are sent nothing', { timeout: 20_000 }, async () => {
    const org = await t.org();
    const seated = await t.user('staff', org.id, 'Seren Seat');
    const waiting = await t.user('staff', org.id, 'Wyn Wait');
    const s = await t.session({ title: 'Autism in the early years', description: 'Bring a laptop', capacity: { online: 1 }, startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' });
    for (const who of [seated, waiting]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).status).toBe(201);
    const first = (await deliver()).find((m) => m.to.includes(seated.email))!;
    const before = readCalendar(calendarParts(first.raw)[0]!.text).events[0]!;

    t.clock.advance(60_000);
    const renamed = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the early years (EYFS)', description: 'Bring a laptop; room 4' } });
    expect(renamed.status).toBe(200);
    const sent = await deliver();
    expect(sent.map((m) => m.to)).toEqual([[seated.email]]);
    expect(plainText(sent[0]!.raw)).toContain('The title or description of this session has changed');
    expect(plainText(sent[0]!.raw)).toContain('Title changed: it was “Autism in the early years”, it is now “Autism in the early years (EYFS)”.');
    const [part] = calendarParts(sent[0]!.raw);
    expect(part!.type).toMatch(/method=REQUEST/i);
    const after = readCalendar(part!.text).events[0]!;
    expect(after.uid).toBe(before.uid);
    expect(after.sequence).toBeGreaterThan(before.sequence);
    expect(after.summary).toBe('Autism in the early years (EYFS)');
    expect(after.description).toContain('Bring a laptop; room 4');
    expect(plainText(sent[0]!.raw)).toContain('its time and place are as they were');

    // The same description sent back with other line breaks (a browser's form) is no change: nothing is sent.
    await t.db.updateTable('sessions').set({ description: 'Line one\r\nLine two' }).where('id', '=', s.id).execute();
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { description: 'Line one\nLine two' } })).status).toBe(200);
    expect(await deliver()).toEqual([]);

    // A new time, then a new title before either was sent: the time is still told (the later message says only the words changed).
    t.clock.advance(60_000);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-10T17:00:00Z', endsAt: '2026-03-10T18:00:00Z' } })).status).toBe(200);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the early years (EYFS, moved)' } })).status).toBe(200);
    const both = (await deliver()).filter((m) => m.to.includes(seated.email));
    expect(both.map((m) => plainText(m.raw).includes('Time changed: it was'))).toEqual([true, false]);
    // A new title, then a new time: one message, which says everything.
    t.clock.advance(60_000);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the early years' } })).status).toBe(200);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' } })).status).toBe(200);
    const one = (await deliver()).filter((m) => m.to.includes(seated.email));
    expect(one).toHaveLength(1);
    expect(plainText(one[0]!.raw)).toContain('Time changed: it was');

    // Once it is over, a corrected title is sent to no one.
    t.clock.set('2026-03-11T09:00:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the early years (EYFS, spring)' } })).status).toBe(200);
    expect(await deliver()).toEqual([]);
  });

  it('notices delivered late say what was true when they were written, and their invites still order by SEQUENCE', { timeout: 20_000 }, async () => {
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id, 'Ada First'), await t.user('staff', org.id, 'Ben Second')];
    const s = await t.session({ capacity: { online: 1 } });
    const first = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} });
    const second = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: {} });
    expect(second.json.position).toBe(1);
    // Nothing is delivered yet: a cancels, so b's place moves from the queue to a seat,
    // and then a books again. Each notice is rendered only now, at delivery.
    t.clock.advance(60_000);
    expect((await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a })).status).toBe(200);
    const got = await deliver();
    const toA = got.filter((m) => m.to[0] === a.email);
    const toB = got.filter((m) => m.to[0] === b.email);
    // a: confirmed (a REQUEST, though the booking is cancelled by now), then cancelled (a CANCEL with a higher SEQUENCE).
    expect(toA.map((m) => header(m.raw, 'subject'))).toEqual([`Booked: ${s.title}`, `Cancelled: ${s.title}`]);
    const [req, can] = toA.map((m) => readCalendar(calendarParts(m.raw)[0]!.text));
    expect([req!.method, can!.method]).toEqual(['REQUEST', 'CANCEL']);
    expect(can!.events[0]!.uid).toBe(req!.events[0]!.uid);
    expect(can!.events[0]!.sequence).toBeGreaterThan(req!.events[0]!.sequence);
    // b: the waiting-list notice still gives the place b had then, then the promotion.
    expect(toB.map((m) => header(m.raw, 'subject'))).toEqual([`On the waiting list: ${s.title}`, `You have a place: ${s.title}`]);
    expect(plainText(toB[0]!.raw)).toContain('on the waiting list at number 1');
    // What was sent is kept in the row.
    const rows = await t.db.selectFrom('outbox').select(['subject', 'status']).orderBy('id').execute();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(rows.map((r) => r.subject)).toEqual([`Booked: ${s.title}`, `On the waiting list: ${s.title}`, `Cancelled: ${s.title}`, `You have a place: ${s.title}`]);
  });

  it('a promotion from the waiting list carries the REQUEST; the waiting-list notice carries none; a session cancellation a CANCEL', { timeout: 20_000 }, async () => {
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ capacity: { online: 1 } });
    const first = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} });
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: {} });
    const initial = await deliver();
    expect(initial.map((m) => [m.to[0], calendarParts(m.raw).length])).toEqual([
      [a.email, 1],
      [b.email, 0],
    ]);

    t.clock.advance(60_000);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    const after = await deliver();
    const forB = after.find((m) => m.to[0] === b.email)!;
    const [promoted] = calendarParts(forB.raw);
    expect(promoted!.type).toMatch(/method=REQUEST/i);
    expect(readCalendar(promoted!.text).events[0]!.attendees[0]!.partstat).toBe('ACCEPTED');
    expect(calendarParts(after.find((m) => m.to[0] === a.email)!.raw)[0]!.type).toMatch(/method=CANCEL/i);

    t.clock.advance(60_000);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    const [off] = await deliver();
    expect(off!.to).toEqual([b.email]);
    const [cancel] = calendarParts(off!.raw);
    expect(cancel!.type).toMatch(/method=CANCEL/i);
    const cal = readCalendar(cancel!.text);
    expect(cal.method).toBe('CANCEL');
    expect(cal.events[0]!.uid).toBe(`booking-${s.id}-${b.id}@localhost`);
  });
});
