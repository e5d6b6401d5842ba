import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentCode } from '../../server/attendance/checkin-code.js';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, type LiveKitStandIn } from '../livekit-standin.js';

let t: TestContext;
let lk: LiveKitStandIn;
beforeEach(async () => {
  lk = await startLiveKitStandIn();
  t = await makeTestContext({ config: { livekit: lk.config } });
});
afterEach(async () => {
  await t.close();
  await lk.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z';
const at = (hhmm: string) => `2026-02-10T${hhmm}:00.000Z`;
const M = 60_000;

const book = async (sessionId: string, u: TestUser, seat: 'online' | 'in_person') => {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: u, body: { seat } });
  expect(res.json.status).toBe('confirmed');
  return res.json.id as string;
};

async function secretOf(sessionId: string) {
  return (await t.db.selectFrom('checkin_secrets').select('secret').where('session_id', '=', sessionId).executeTakeFirstOrThrow()).secret;
}

describe('in-person check-in', () => {
  async function inPersonSession() {
    const org = await t.org();
    const s = await t.session({ mode: 'hybrid', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 10, online: 10 } });
    const staff = await t.user('staff', org.id);
    const bookingId = await book(s.id, staff, 'in_person');
    return { s, staff, bookingId, org };
  }

  it('shows the trainer a code and QR code that change every minute', async () => {
    const { s, staff } = await inPersonSession();
    t.clock.set('2026-02-10T15:55:20.000Z');
    const res = await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json.code).toMatch(/^\d{6}$/);
    expect(res.json.expiresAt).toBe('2026-02-10T15:56:00.000Z');
    expect(res.json.url).toBe(`http://localhost:3000/sessions/${s.id}/checkin?code=${res.json.code}`);
    expect(res.json.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    t.clock.set('2026-02-10T15:56:00.000Z');
    expect((await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json.code).not.toBe(res.json.code);
    expect((await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: staff })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: await t.user('trainer') })).status).toBe(403);
  });

  it('says whether check-in is open: not before the join window opens, not once the session has ended', async () => {
    const { s } = await inPersonSession();
    const code = async () => (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    // The room (and check-in) opens 15 minutes before the start.
    const opensAt = '2026-02-10T15:45:00.000Z';
    t.clock.set(new Date(Date.parse(opensAt) - 1000).toISOString());
    expect(await code()).toMatchObject({ checkin: 'not_yet', opensAt, closesAt: '2026-02-10T17:30:00.000Z' });
    t.clock.set(opensAt);
    expect((await code()).checkin).toBe('open');
    t.clock.set('2026-02-10T17:29:59.000Z');
    expect((await code()).checkin).toBe('open');
    t.clock.set('2026-02-10T17:30:00.000Z');
    expect((await code()).checkin).toBe('closed');
  });

  it('checks in with the current or previous minute’s code, not a wrong or expired one', async () => {
    const { s, staff, bookingId } = await inPersonSession();
    t.clock.set('2026-02-10T16:01:30.000Z');
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    const checkin = (c: string) => t.request('POST', `/api/sessions/${s.id}/checkin`, { as: staff, body: { code: c } });

    const wrong = await checkin(code === '123456' ? '654321' : '123456');
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.code).toBe('invalid_checkin_code');

    t.clock.set('2026-02-10T16:03:00.000Z'); // two minutes on: expired
    expect((await checkin(code)).json.error.code).toBe('invalid_checkin_code');

    t.clock.set('2026-02-10T16:02:59.000Z'); // the next minute: still accepted
    const ok = await checkin(code);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ bookingId, checkedInAt: '2026-02-10T16:02:59.000Z', sessionTitle: s.title });
    // Checking in again keeps the first time.
    t.clock.set('2026-02-10T16:10:00.000Z');
    const again = await checkin(currentCode(await secretOf(s.id), s.id, t.clock.now().getTime()).code);
    expect(again.json.checkedInAt).toBe('2026-02-10T16:02:59.000Z');

    t.clock.set(at('18:00'));
    const report = await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer });
    expect(report.json.items[0]).toMatchObject({ bookingId, source: 'checkin', minutes: 87, attended: true });
  });

  it('answers someone already checked in with their first check-in, whatever the code, and counts no wrong guess', async () => {
    const { s, staff, bookingId } = await inPersonSession();
    t.clock.set('2026-02-10T16:01:30.000Z');
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    const checkin = (c: string) => t.request('POST', `/api/sessions/${s.id}/checkin`, { as: staff, body: { code: c } });
    expect((await checkin(code)).json).toEqual({ bookingId, checkedInAt: '2026-02-10T16:01:30.000Z', sessionTitle: s.title });
    // The link reopened later: its code has long expired, or the person typed something else.
    t.clock.set('2026-02-10T16:30:00.000Z');
    for (const c of [code, '000000']) {
      const again = await checkin(c);
      expect(again.status, again.text).toBe(200);
      expect(again.json).toEqual({ bookingId, checkedInAt: '2026-02-10T16:01:30.000Z', sessionTitle: s.title });
    }
    expect(await t.db.selectFrom('checkin_failures').selectAll().execute()).toEqual([]);
  });

  it('keeps the booking of someone who has been at the session under way: their own cancel and a trainer’s removal are refused, their time is kept; someone who never came may still give up their seat', async () => {
    const { s, staff, bookingId, org } = await inPersonSession();
    const online = await t.user('staff', org.id);
    const onlineBooking = await book(s.id, online, 'online');
    const ticked = await t.user('staff', org.id);
    const tickedBooking = await book(s.id, ticked, 'online');
    t.clock.set(START);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: staff, body: { code } })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${tickedBooking}`, { as: s.trainer, body: { attended: true } })).status).toBe(200);
    // Their own browser's report of joining: it counts while LiveKit has reported nothing of the room (no webhooks).
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: online, body: { event: 'join' } })).status).toBe(204);
    expect(await t.db.selectFrom('presence_intervals').select('source').where('user_id', '=', online.id).execute()).toEqual([{ source: 'client' }]);
    t.clock.set(at('17:20'));
    expect((await t.request('DELETE', `/api/bookings/${onlineBooking}`, { as: online })).status).toBe(409);
    // Once LiveKit has reported the room, a join it never saw (a blocked connection) counts nothing, as attendance has it: no place is kept for it.
    await t.db.insertInto('live_rooms').values({ room_sid: 'RM_seen', room_name: `session-${s.id}`, session_id: s.id, finished_at: null, first_seen_at: START }).execute();
    const cancel = await t.request('DELETE', `/api/bookings/${bookingId}`, { as: staff });
    expect(cancel.status).toBe(409);
    expect(cancel.json.error.message).toContain('You have been recorded as being at this session, so your booking is kept');
    const removed = await t.request('POST', `/api/bookings/${tickedBooking}/remove`, { as: s.trainer, body: { reason: 'Left early' } });
    expect(removed.status).toBe(409);
    expect(removed.json.error.message).toContain('correct their attendance on the register instead');
    // Nothing changed: both still seated, the check-in's time still counted.
    const report = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items;
    expect(report.find((r: any) => r.bookingId === bookingId)).toMatchObject({ status: 'confirmed', source: 'checkin' });
    expect(report.find((r: any) => r.bookingId === bookingId).minutes).toBeGreaterThan(0);
    expect(report.find((r: any) => r.bookingId === tickedBooking)).toMatchObject({ status: 'confirmed', attended: true });
    // Someone who has not been there gives up their seat as before.
    expect((await t.request('DELETE', `/api/bookings/${onlineBooking}`, { as: online })).json.status).toBe('cancelled');
  });

  it('is only for confirmed in-person attendees, during the session, and stops guessing', async () => {
    const { s, staff, org } = await inPersonSession();
    const online = await t.user('staff', org.id);
    await book(s.id, online, 'online');
    t.clock.set(START);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    // Refused, saying what to do instead: an online seat joins online; no place books first.
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: online, body: { code } })).json.error).toMatchObject({ code: 'not_attendee', message: expect.stringContaining('Your seat on this session is online: join it from My bookings') });
    const unbooked = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: await t.user('staff', org.id), body: { code } });
    expect(unbooked.json.error).toMatchObject({ code: 'not_attendee', message: expect.stringContaining('You have no place on this session') });
    t.clock.set('2026-02-10T15:40:00.000Z');
    const { code: early } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: staff, body: { code: early } })).json.error.code).toBe('join_window_closed');

    t.clock.set(START);
    for (let i = 0; i < 5; i++) await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: staff, body: { code: String(100000 + i) === code ? '999999' : String(100000 + i) } });
    const limited = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: staff, body: { code } });
    expect(limited.status).toBe(429);
    expect(await t.db.selectFrom('presence_intervals').selectAll().where('source', '=', 'checkin').execute()).toEqual([]);
  });
});

describe('guessing check-in codes', () => {
  async function hall() {
    const org = await t.org();
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 5 } });
    const staff = await t.user('staff', org.id);
    const bookingId = await book(s.id, staff, 'in_person');
    return { s, staff, bookingId, org };
  }
  /** A code that is neither this minute's nor the last one's (both are accepted). */
  async function wrongCode(sessionId: string) {
    const secret = await secretOf(sessionId);
    const now = t.clock.now().getTime();
    const good = new Set([currentCode(secret, sessionId, now).code, currentCode(secret, sessionId, now - M).code]);
    return ['000000', '111111', '222222'].find((c) => !good.has(c))!;
  }
  const checkin = (sessionId: string, u: TestUser, code: string) => t.request('POST', `/api/sessions/${sessionId}/checkin`, { as: u, body: { code } });
  const codes = (answers: { json: any }[]) => answers.map((r) => r.json?.error?.code ?? 'ok');

  it('checks at most 5 wrong codes in 10 minutes, however many are sent at once', async () => {
    const { s, staff } = await hall();
    t.clock.set(START);
    expect((await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).status).toBe(200);
    const wrong = await wrongCode(s.id);
    const answers = codes(await Promise.all(Array.from({ length: 40 }, () => checkin(s.id, staff, wrong))));
    expect(answers.filter((c) => c === 'invalid_checkin_code').length).toBeLessThanOrEqual(5);
    expect(answers.filter((c) => c !== 'invalid_checkin_code').every((c) => c === 'rate_limited')).toBe(true);
    expect(await t.db.selectFrom('checkin_failures').selectAll().execute()).toHaveLength(5);
  });

  it('counts wrong codes per person and session: cancelling and booking again gives no fresh guesses', async () => {
    const { s, staff, bookingId } = await hall();
    t.clock.set(START);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    const wrong = await wrongCode(s.id);
    const answers: string[] = [];
    let current = bookingId;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 6; i++) answers.push(...codes([await checkin(s.id, staff, wrong)]));
      expect((await t.request('DELETE', `/api/bookings/${current}`, { as: staff })).status).toBe(200);
      current = await book(s.id, staff, 'in_person');
    }
    expect(answers.filter((c) => c === 'invalid_checkin_code')).toHaveLength(5);
    expect(answers.filter((c) => c === 'rate_limited')).toHaveLength(13);
    // The right code too is refused until the ten minutes have passed; the trainer's register still works.
    expect((await checkin(s.id, staff, code)).status).toBe(429);
    t.clock.set(at('16:10'));
    const now = currentCode(await secretOf(s.id), s.id, t.clock.now().getTime()).code;
    expect((await checkin(s.id, staff, now)).status).toBe(200);
  });

  it('a colleague’s wrong codes do not stop an honest person checking in', async () => {
    const { s, staff, org } = await hall();
    const colleague = await t.user('staff', org.id);
    const colleagueBooking = await book(s.id, colleague, 'in_person');
    t.clock.set(START);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    const wrong = await wrongCode(s.id);
    const answers = codes(await Promise.all(Array.from({ length: 8 }, () => checkin(s.id, colleague, wrong))));
    expect(answers.filter((c) => c === 'invalid_checkin_code')).toHaveLength(5);
    const honest = await checkin(s.id, staff, code);
    expect(honest.status).toBe(200);
    expect((await checkin(s.id, colleague, code)).json.error.code).toBe('rate_limited');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${colleagueBooking}`, { as: s.trainer, body: { attended: true } })).status).toBe(200);
  });
});

describe('attendance records', () => {
  async function heldSession() {
    const [orgA, orgB] = [await t.org('Oak School'), await t.org('Elm School')];
    const s = await t.session({ startsAt: START, endsAt: END, title: 'Attachment and trauma' });
    const a = await t.user('staff', orgA.id, 'Ana Diaz');
    const b = await t.user('staff', orgB.id, '=HYPERLINK("http://evil.example","x")');
    const [ba, bb] = [await book(s.id, a, 'online'), await book(s.id, b, 'online')];
    const hook = async (id: string, event: string, user: TestUser, sid: string, joined: string, when: string) => {
      const signed = await signedWebhook({
        id,
        event: event as 'participant_joined',
        createdAt: BigInt(Date.parse(when) / 1000),
        room: new Room({ sid: `RM_${s.id}`, name: `session-${s.id}` }),
        participant: new ParticipantInfo({ sid, identity: `user-${user.id}`, joinedAtMs: BigInt(Date.parse(joined)) }),
      });
      expect((await t.request('POST', '/api/livekit/webhook', { body: signed.body, headers: signed.headers })).status).toBe(200);
    };
    await hook('1', 'participant_joined', a, 'PA_a', at('16:00'), at('16:00'));
    await hook('2', 'participant_left', a, 'PA_a', at('16:00'), at('17:25'));
    await hook('3', 'participant_joined', b, 'PA_b', at('16:00'), at('16:00'));
    await hook('4', 'participant_left', b, 'PA_b', at('16:00'), at('16:30'));
    t.clock.set(at('17:40'));
    return { s, a, b, ba, bb, orgA, orgB };
  }

  it('gives the trainer and admins every row, office staff only their own, and others nothing', async () => {
    const { s, a, ba, bb, orgA } = await heldSession();
    const all = await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer });
    expect(all.json.session).toMatchObject({ id: s.id, lengthMinutes: 90, threshold: 0.75 });
    expect(all.json.items.map((r: any) => [r.bookingId, r.minutes, r.attended, r.source])).toEqual(
      expect.arrayContaining([
        [ba, 85, true, 'livekit'],
        [bb, 30, false, 'livekit'],
      ]),
    );
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: await t.user('admin') })).json.items).toHaveLength(2);
    const office = await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: await t.user('office', orgA.id) });
    expect(office.json.items.map((r: any) => r.bookingId)).toEqual([ba]);
    expect(office.json.items[0]).toMatchObject({ name: 'Ana Diaz', email: a.email, org: 'Oak School', seat: 'online' });
    for (const u of [a, await t.user('trainer')]) expect((await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: u })).status).toBe(403);
  });

  it('exports CSV with a BOM, escaped formulas and the same role rules', async () => {
    const { s, orgA, orgB } = await heldSession();
    const res = await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: s.trainer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=attendance-2026-02-10-/);
    // Response.text() drops a BOM, so look at the bytes.
    const bytes = new Uint8Array(await (await t.app.request(`/api/sessions/${s.id}/attendance.csv`, { headers: s.trainer.auth })).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['name', 'email', 'organisation', 'seat', 'minutes present', 'attended', 'source', 'note', 'audience']);
    const ana = rows.find((r) => r.name === 'Ana Diaz')!;
    expect(ana).toMatchObject({ organisation: 'Oak School', seat: 'online', 'minutes present': '85', attended: 'yes', source: 'livekit' });
    const evil = rows.find((r) => r.organisation === 'Elm School')!;
    expect(evil.name!.startsWith("'=")).toBe(true);
    expect(evil).toMatchObject({ 'minutes present': '30', attended: 'no' });

    const officeB = await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: await t.user('office', orgB.id) });
    const officeRows = parse(officeB.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(officeRows.map((r) => r.organisation)).toEqual(['Elm School']);
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: await t.user('staff', orgA.id) })).status).toBe(403);
  });

  it('names the spreadsheet by the session’s date on its own clock, not UTC’s', async () => {
    // 00:30 BST on 11 June is still 10 June in UTC.
    const s = await t.session({ startsAt: '2026-06-10T23:30:00.000Z', endsAt: '2026-06-11T01:00:00.000Z' });
    const res = await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: s.trainer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`filename=attendance-2026-06-11-${s.id.slice(0, 8)}.csv`);
  });

  it('keeps a name with a line break in its own cell: no new spreadsheet row, no formula', async () => {
    const { s, a, b } = await heldSession();
    // A name from an identity provider, stored before names were made one line.
    await t.db.updateTable('users').set({ name: "Pat Jones\n=1+1+cmd|' /C calc'!A0" }).where('id', '=', a.id).execute();
    await t.db.updateTable('users').set({ name: 'Sam Lee\r=2+3' }).where('id', '=', b.id).execute();
    const res = await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: s.trainer });
    // As a spreadsheet program reads it: any line break outside quotes ends a row.
    const rows = parse(res.text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true }) as string[][];
    expect(rows).toHaveLength(1 + 2);
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(rows.map((r) => r[0]).sort()).toEqual(["Pat Jones\n=1+1+cmd|' /C calc'!A0", 'Sam Lee\r=2+3', 'name']);
  });

  it('lets the trainer tick the register and correct records, keeping who and when; corrections win', async () => {
    const { s, bb, b } = await heldSession();
    t.clock.set(at('17:45'));
    const put = await t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: s.trainer, body: { attended: true, note: 'Joined by phone for the second half' } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ bookingId: bb, attended: true, minutes: 30, source: 'register', override: { attended: true, note: 'Joined by phone for the second half', changedBy: s.trainer.id, changedByName: s.trainer.name, changedAt: '2026-02-10T17:45:00.000Z' } });
    t.clock.set(at('17:50'));
    const admin = await t.user('admin', null, 'Ada Admin');
    // The admin's fix gives minutes and leaves the note out: a field left out keeps what the
    // correction holds, so the trainer's note stays (it used to be dropped); only null clears it.
    const fix = await t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: admin, body: { attended: true, minutes: 75 } });
    expect(fix.json).toMatchObject({ minutes: 75, attended: true, source: 'register', override: { minutes: 75, note: 'Joined by phone for the second half', changedBy: admin.id } });
    t.clock.set(at('17:55'));
    const cleared = await t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: admin, body: { attended: true, note: null } });
    expect(cleared.json).toMatchObject({ minutes: 75, override: { minutes: 75, note: null } });
    // Each change says who made it, by name as well as account, and records the entry as merged.
    const history = await t.request('GET', `/api/sessions/${s.id}/attendance/${bb}/history`, { as: s.trainer });
    expect(history.json.items.map((h: any) => [h.changedAt, h.minutes, h.note, h.changedBy, h.changedByName])).toEqual([
      ['2026-02-10T17:45:00.000Z', null, 'Joined by phone for the second half', s.trainer.id, s.trainer.name],
      ['2026-02-10T17:50:00.000Z', 75, 'Joined by phone for the second half', admin.id, 'Ada Admin'],
      ['2026-02-10T17:55:00.000Z', 75, null, admin.id, 'Ada Admin'],
    ]);
    for (const u of [b, await t.user('trainer')]) {
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: u, body: { attended: true } })).status).toBe(403);
    }
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/no-such-booking`, { as: s.trainer, body: { attended: true } })).status).toBe(404);
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: s.trainer, body: { attended: 'yes' } })).status).toBe(400);
    // The history of a booking that is not this session's (or of none) is not found, as its tick is.
    const other = await t.session({}, s.trainer);
    expect((await t.request('GET', `/api/sessions/${other.id}/attendance/${bb}/history`, { as: s.trainer })).status).toBe(404);
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance/no-such-booking/history`, { as: s.trainer })).status).toBe(404);
  });

  it('opens with check-in: a tick or correction before then is refused 409 and changes nothing; one just as it opens is kept', async () => {
    // Check-in opens 15 minutes before the start: 15:45.
    const s = await t.session({ startsAt: START, endsAt: END });
    const u = await t.user('staff', (await t.org()).id);
    const bookingId = await book(s.id, u, 'online');
    const admin = await t.user('admin');
    const put = (as: TestUser, body: object) => t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as, body });
    const register = async () => {
      const res = await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer });
      expect(res.status).toBe(200);
      return res.json.items;
    };
    const history = async () => (await t.request('GET', `/api/sessions/${s.id}/attendance/${bookingId}/history`, { as: s.trainer })).json.items;
    const before = await register();
    expect(before).toEqual([expect.objectContaining({ bookingId, attended: false, source: 'none', override: null })]);

    // Days ahead, and a moment before it opens: refused, to its trainer and an administrator alike.
    for (const when of ['2026-02-01T09:00:00.000Z', '2026-02-10T15:44:59.999Z']) {
      t.clock.set(when);
      for (const [as, body] of [[s.trainer, { attended: true }], [s.trainer, { attended: true, minutes: 90, note: 'will be there' }], [admin, { attended: false }]] as const) {
        const refused = await put(as, body);
        expect(refused.status).toBe(409);
        expect(refused.json.error).toMatchObject({ code: 'register_not_open', details: { opensAt: '2026-02-10T15:45:00.000Z' } });
        expect(refused.json.error.message).toMatch(/^The register opens at 15:45 GMT on Tuesday,? 10 February 2026, 15 minutes before the session starts: no one can be marked as attended before then.$/);
      }
      expect(await register()).toEqual(before);
      expect(await history()).toEqual([]);
    }
    expect(await t.db.selectFrom('attendance_overrides').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('attendance_override_log').selectAll().execute()).toEqual([]);
    expect((await t.db.selectFrom('bookings').select('status').where('id', '=', bookingId).executeTakeFirstOrThrow()).status).toBe('confirmed');

    // Just as check-in opens, the register can be kept.
    t.clock.set('2026-02-10T15:45:00.000Z');
    const kept = await put(s.trainer, { attended: true });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json).toMatchObject({ bookingId, attended: true, source: 'register', override: { attended: true, changedBy: s.trainer.id, changedAt: '2026-02-10T15:45:00.000Z' } });
    expect(await register()).toEqual([expect.objectContaining({ bookingId, attended: true, source: 'register' })]);
    expect(await history()).toEqual([expect.objectContaining({ attended: true, changedAt: '2026-02-10T15:45:00.000Z' })]);
  });

  it('keeps a correction’s minutes and note when the register is unticked and ticked again', async () => {
    const { s, bb } = await heldSession();
    const put = (body: object) => t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: s.trainer, body });
    t.clock.set(at('17:45'));
    expect((await put({ attended: true, minutes: 50, note: 'joined by phone' })).status).toBe(200);
    // The register's tick box sends only whether they attended.
    t.clock.set(at('17:46'));
    expect((await put({ attended: false })).json).toMatchObject({ attended: false, override: { attended: false, minutes: 50, note: 'joined by phone' } });
    t.clock.set(at('17:47'));
    const retick = await put({ attended: true });
    expect(retick.json).toMatchObject({ attended: true, minutes: 50, source: 'register', override: { attended: true, minutes: 50, note: 'joined by phone' } });
    const row = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items.find((r: any) => r.bookingId === bb);
    expect(row).toMatchObject({ attended: true, minutes: 50, override: { attended: true, minutes: 50, note: 'joined by phone' } });
    const history = await t.request('GET', `/api/sessions/${s.id}/attendance/${bb}/history`, { as: s.trainer });
    expect(history.json.items.map((h: any) => [h.changedAt, h.attended, h.minutes, h.note])).toEqual([
      [at('17:45'), true, 50, 'joined by phone'],
      [at('17:46'), false, 50, 'joined by phone'],
      [at('17:47'), true, 50, 'joined by phone'],
    ]);
  });

  it('clears a correction’s minutes and note given as null, and still refuses bad ones', async () => {
    const { s, bb } = await heldSession();
    const put = (body: object) => t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: s.trainer, body });
    t.clock.set(at('17:45'));
    expect((await put({ attended: true, minutes: 50, note: 'joined by phone' })).status).toBe(200);
    t.clock.set(at('17:46'));
    const cleared = await put({ attended: true, minutes: null, note: null });
    expect(cleared.status, cleared.text).toBe(200);
    // Without minutes of its own the row counts what the room saw (16:00 to 16:30).
    expect(cleared.json).toMatchObject({ attended: true, minutes: 30, source: 'register', override: { attended: true, minutes: null, note: null } });
    expect(await t.db.selectFrom('attendance_overrides').select(['minutes', 'note']).where('booking_id', '=', bb).executeTakeFirstOrThrow()).toEqual({ minutes: null, note: null });
    const history = await t.request('GET', `/api/sessions/${s.id}/attendance/${bb}/history`, { as: s.trainer });
    expect(history.json.items.map((h: any) => [h.minutes, h.note])).toEqual([
      [50, 'joined by phone'],
      [null, null],
    ]);
    for (const body of [{ attended: true, minutes: -1 }, { attended: true, minutes: 'x' }, { attended: true, note: 'x'.repeat(501) }, { attended: true, minutes: 24 * 60 + 1 }, { attended: null }]) {
      expect((await put(body)).status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    // More minutes than the session lasts (16:00 to 17:30, 90 minutes): refused at the field, saying its length.
    const tooLong = await put({ attended: true, minutes: 91 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toMatchObject({ code: 'validation_failed', message: 'Minutes present can be at most the session’s length, 90 minutes.', details: { issues: [{ path: 'minutes', message: 'must be at most the session’s length, 90 minutes' }] } });
    expect((await put({ attended: true, minutes: 90 })).status).toBe(200);
    // Nothing refused was stored.
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance/${bb}/history`, { as: s.trainer })).json.items).toHaveLength(3);
  });

  it('marks bookings attended or absent after the session, lists completions, and follows later corrections', async () => {
    const { s, a, b, ba, bb, orgA, orgB } = await heldSession();
    t.clock.set(at('17:40'));
    expect(await recordAttendanceOutcomes(t.deps)).toBe(0); // within the grace period for late webhooks
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    const statuses = await t.db.selectFrom('bookings').select(['id', 'status']).where('session_id', '=', s.id).execute();
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({ [ba]: 'attended', [bb]: 'absent' });

    const mine = await t.request('GET', '/api/me/completions', { as: a });
    expect(mine.json.items).toEqual([expect.objectContaining({ bookingId: ba, sessionId: s.id, title: 'Attachment and trauma', minutes: 85, source: 'livekit' })]);
    expect((await t.request('GET', '/api/me/completions', { as: b })).json.items).toEqual([]);

    const officeA = await t.user('office', orgA.id);
    expect((await t.request('GET', `/api/orgs/${orgA.id}/completions`, { as: officeA })).json.items.map((i: any) => i.userName)).toEqual(['Ana Diaz']);
    expect((await t.request('GET', `/api/orgs/${orgB.id}/completions`, { as: officeA })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${orgA.id}/completions`, { as: a })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${orgA.id}/completions`, { as: await t.user('admin') })).status).toBe(200);

    // A correction after the outcome changes the booking and the completion at once.
    await t.request('PUT', `/api/sessions/${s.id}/attendance/${bb}`, { as: s.trainer, body: { attended: true } });
    expect((await t.db.selectFrom('bookings').select('status').where('id', '=', bb).executeTakeFirstOrThrow()).status).toBe('attended');
    expect((await t.request('GET', '/api/me/completions', { as: b })).json.items.map((i: any) => i.bookingId)).toEqual([bb]);
  });
});

describe('the outcome job and a late webhook at the same time', () => {
  it('store the outcome of the newest presence, whichever commits last', async () => {
    const org = await t.org();
    const [trainer, staff] = [await t.user('trainer'), await t.user('staff', org.id)];
    for (let round = 0; round < 40; round++) {
      t.clock.set('2026-02-10T12:00:00.000Z');
      const s = await t.session({ startsAt: START, endsAt: END }, trainer);
      const bookingId = await book(s.id, staff, 'online');
      const hook = async (id: string, event: 'participant_joined' | 'participant_left', when: string) => {
        const signed = await signedWebhook({
          id: `${s.id}-${id}`,
          event,
          createdAt: BigInt(Date.parse(when) / 1000),
          room: new Room({ sid: `RM_${s.id}`, name: `session-${s.id}` }),
          participant: new ParticipantInfo({ sid: `PA_${s.id}`, identity: `user-${staff.id}`, joinedAtMs: BigInt(Date.parse(START)) }),
        });
        expect((await t.request('POST', '/api/livekit/webhook', { body: signed.body, headers: signed.headers })).status).toBe(200);
      };
      t.clock.set(START);
      await hook('join', 'participant_joined', START);
      t.clock.set(at('17:46'));
      await Promise.all([recordAttendanceOutcomes(t.deps), hook('left', 'participant_left', at('16:20'))]);

      const live = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items[0];
      expect([live.minutes, live.attended]).toEqual([20, false]);
      const stored = await t.db
        .selectFrom('bookings as b')
        .innerJoin('attendance_results as r', 'r.booking_id', 'b.id')
        .select(['b.status', 'r.minutes', 'r.attended'])
        .where('b.id', '=', bookingId)
        .executeTakeFirstOrThrow();
      expect({ round, ...stored }).toEqual({ round, status: 'absent', minutes: 20, attended: 0 });
    }
  }, 30_000);
});

describe('the browser’s own presence reports (fallback)', () => {
  it('count when there is no LiveKit data, and give way as soon as there is', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const u = await t.user('staff', org.id);
    const bookingId = await book(s.id, u, 'online');
    const report = (event: string) => t.request('POST', `/api/sessions/${s.id}/presence`, { as: u, body: { event } });

    t.clock.set('2026-02-10T15:30:00.000Z');
    expect((await report('join')).json.error.code).toBe('join_window_closed');

    t.clock.set(START);
    expect((await report('join')).status).toBe(204);
    for (let m = 1; m <= 40; m++) {
      t.clock.set(new Date(Date.parse(START) + m * M).toISOString());
      await report('heartbeat');
    }
    // The laptop slept for 10 minutes: no heartbeats, so that gap is not counted.
    t.clock.set(at('16:50'));
    await report('heartbeat');
    for (let m = 51; m <= 85; m++) {
      t.clock.set(new Date(Date.parse(START) + m * M).toISOString());
      await report('heartbeat');
    }
    await report('leave');
    t.clock.set(at('17:45'));
    const row = async () => (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items.find((r: any) => r.bookingId === bookingId);
    expect(await row()).toMatchObject({ minutes: 75, attended: true, source: 'client' });

    // LiveKit data for the same booking replaces the client's reports entirely.
    const signed = await signedWebhook({
      id: 'lk-1',
      event: 'participant_left',
      createdAt: BigInt(Date.parse(at('16:20')) / 1000),
      room: new Room({ sid: 'RM_x', name: `session-${s.id}` }),
      participant: new ParticipantInfo({ sid: 'PA_x', identity: `user-${u.id}`, joinedAtMs: BigInt(Date.parse(START)) }),
    });
    await t.request('POST', '/api/livekit/webhook', { body: signed.body, headers: signed.headers });
    expect(await row()).toMatchObject({ minutes: 20, attended: false, source: 'livekit' });
  });

  it('join and leave said again and again (reloads, or a script) make one interval per heartbeat gap, not one each, and count the same', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const u = await t.user('staff', org.id);
    const bookingId = await book(s.id, u, 'online');
    const report = (event: string) => t.request('POST', `/api/sessions/${s.id}/presence`, { as: u, body: { event } });
    const intervals = () => t.db.selectFrom('presence_intervals').select(['started_at', 'left_at']).where('session_id', '=', s.id).orderBy('started_at').execute();
    t.clock.set(START);
    // 500 reloads within a few seconds of each other: one interval, open.
    for (let i = 0; i < 500; i++) {
      t.clock.set(new Date(Date.parse(START) + i * 100).toISOString());
      expect((await report(i % 2 ? 'leave' : 'join')).status).toBe(204);
    }
    await report('join');
    expect(await intervals()).toEqual([{ started_at: START, left_at: null }]);
    // Heartbeats on to 16:40, a leave, and back after more than the gap: a second interval.
    for (let m = 1; m <= 40; m++) {
      t.clock.set(new Date(Date.parse(START) + m * M).toISOString());
      await report('heartbeat');
    }
    await report('leave');
    t.clock.set(at('16:50'));
    await report('join');
    for (let m = 51; m <= 85; m++) {
      t.clock.set(new Date(Date.parse(START) + m * M).toISOString());
      await report('heartbeat');
    }
    await report('leave');
    expect(await intervals()).toEqual([
      { started_at: START, left_at: at('16:40') },
      { started_at: at('16:50'), left_at: at('17:25') },
    ]);
    t.clock.set(at('17:45'));
    const row = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items.find((r: any) => r.bookingId === bookingId);
    expect(row).toMatchObject({ minutes: 75, attended: true, source: 'client' });
  });

  it('credit no one LiveKit never saw once LiveKit reports the session’s room', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const [there, claims] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const [bThere, bClaims] = [await book(s.id, there, 'online'), await book(s.id, claims, 'online')];
    const hook = async (id: string, event: 'participant_joined' | 'participant_left' | 'room_finished', when: string) => {
      const signed = await signedWebhook({
        id,
        event: event as 'participant_joined',
        createdAt: BigInt(Date.parse(when) / 1000),
        room: new Room({ sid: `RM_${s.id}`, name: `session-${s.id}` }),
        ...(event === 'room_finished' ? {} : { participant: new ParticipantInfo({ sid: 'PA_there', identity: `user-${there.id}`, joinedAtMs: BigInt(Date.parse(START)) }) }),
      });
      expect((await t.request('POST', '/api/livekit/webhook', { body: signed.body, headers: signed.headers })).status).toBe(200);
    };
    const report = (event: string) => t.request('POST', `/api/sessions/${s.id}/presence`, { as: claims, body: { event } });
    t.clock.set(START);
    await hook('j', 'participant_joined', START);
    // Never connected, but their browser reports presence every minute of the session.
    expect((await report('join')).status).toBe(204);
    for (let m = 1; m <= 90; m++) {
      t.clock.set(new Date(Date.parse(START) + m * M).toISOString());
      await report('heartbeat');
    }
    await hook('l', 'participant_left', at('17:25'));
    await hook('f', 'room_finished', at('17:30'));
    t.clock.set(at('17:46'));
    const items = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items as any[];
    expect(items.find((r) => r.bookingId === bThere)).toMatchObject({ minutes: 85, attended: true, source: 'livekit' });
    expect(items.find((r) => r.bookingId === bClaims)).toMatchObject({ minutes: 0, attended: false, source: 'none' });
    await runJobsOnce(t.deps, null);
    const statuses = await t.db.selectFrom('bookings').select(['id', 'status']).where('session_id', '=', s.id).execute();
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({ [bThere]: 'attended', [bClaims]: 'absent' });
  });

  it('are accepted from trainers but not stored, and refused from others', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    t.clock.set(START);
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: s.trainer, body: { event: 'join' } })).status).toBe(204);
    const stranger = await t.request('POST', `/api/sessions/${s.id}/presence`, { as: await t.user('staff', org.id), body: { event: 'join' } });
    expect(stranger.json.error.code).toBe('not_attendee');
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: s.trainer, body: { event: 'dance' } })).status).toBe(400);
    expect(await t.db.selectFrom('presence_intervals').selectAll().execute()).toEqual([]);
  });
});
