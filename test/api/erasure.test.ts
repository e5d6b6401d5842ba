/**
 * Erasing a person's personal data (UK GDPR erasure), POST /api/users/{id}/erase: a member of
 * staff who booked, attended (a register note names them), gave feedback, got a certificate,
 * had a timetable, a calendar feed, reset and sign-in links, mail, an identity provider link,
 * spoke in a captioned session and was named in it, is turned off and erased. Every table of
 * the database is then read whole: their name and email are nowhere, while the session's
 * seat counts, its attendance totals and the organisation's coverage are as they were. The
 * refusals change nothing at all (the whole database is compared).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { deliverDue, type Mailer } from '../../server/notifications/delivery.js';
import { identityOf } from '../../shared/live.js';
import { makeTestContext, TEST_PASSWORD, usePostgres, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterAll(() => t.close());

/** Every row of every table of the database, as text (table name: rows as JSON), read whole. */
async function wholeDatabase(): Promise<Map<string, string[]>> {
  const tables =
    t.deps.dbKind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(t.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db)).rows.map((r) => r.name);
  const out = new Map<string, string[]>();
  for (const name of tables.sort()) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(t.db)).rows;
    const text = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v && typeof v === 'object' && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v)));
    out.set(name, text.sort());
  }
  return out;
}

/** The tables holding any of `needles` anywhere (any case), with the first row found. */
async function tablesHolding(needles: readonly string[]): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const lower = needles.map((n) => n.toLowerCase());
  for (const [name, rows] of await wholeDatabase()) {
    const hit = rows.find((r) => lower.some((n) => r.toLowerCase().includes(n)));
    if (hit) found[name] = hit.slice(0, 300);
  }
  return found;
}

const NAME = 'Zebedee Quillfeather';
const EMAIL = 'zebedee.quillfeather@oakfield.example';
const NEEDLES = [NAME, 'Quillfeather', EMAIL, 'zebedee.quillfeather'];

const sent: string[] = [];
const mailer: Mailer = { send: async (row) => void sent.push(row.to_email) };

async function ok(method: string, path: string, as: TestUser | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.request(method, path, { as, body, headers });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res;
}

/** Signs in as someone with the fixture password (a person made through the API has none of their own). */
async function asPerson(id: string, email: string, name: string, orgId: string | null): Promise<TestUser> {
  const { hashPassword } = await import('../../server/accounts/passwords.js');
  await t.db.updateTable('users').set({ password_hash: await hashPassword(TEST_PASSWORD, 10) }).where('id', '=', id).execute();
  const login = await ok('POST', '/api/auth/login', undefined, { email, password: TEST_PASSWORD });
  return { id, email, name, role: 'staff', orgId, token: login.json.token, auth: { authorization: `Bearer ${login.json.token}` } };
}

describe('erasing a person who has left', () => {
  it('leaves no trace of their name or email in any table, and keeps every count', async () => {
    const admin = await t.user('admin');
    const org = await t.org('Oakfield Primary');
    const office = await t.user('office', org.id);
    const colleague = await t.user('staff', org.id);
    const trainer = await t.user('trainer');

    // The office adds them (the answer, with name and email, is kept for retries under the office's key).
    const made = await ok('POST', '/api/users', office, { email: EMAIL, name: NAME, role: 'staff', orgId: org.id, jobRole: 'teaching_assistant' }, { 'idempotency-key': randomUUID() });
    const zeb = await asPerson(made.json.id, EMAIL, NAME, org.id);
    await ok('PUT', `/api/orgs/${org.id}/leads/${zeb.id}`, admin);

    // A session they attend (and their colleague too), with captions, a register note naming them, feedback and a certificate.
    const course = (await ok('POST', '/api/courses', admin, { title: 'SEND foundations' })).json;
    const s = await t.session({ title: 'Understanding autism', courseId: course.id, mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 5, online: 5 } }, trainer);
    const mine = (await ok('POST', `/api/sessions/${s.id}/bookings`, zeb, { seat: 'online' })).json;
    const theirs = (await ok('POST', `/api/sessions/${s.id}/bookings`, colleague, { seat: 'in_person' })).json;
    const at = '2026-02-10T16:05:00.000Z';
    t.clock.set(at); // the register opens with check-in: ticked once the session is under way
    await ok('PUT', `/api/sessions/${s.id}/attendance/${mine.id}`, trainer, { attended: true, minutes: 80, note: `${NAME} joined late from the car park` });
    await ok('PUT', `/api/sessions/${s.id}/attendance/${theirs.id}`, trainer, { attended: true, minutes: 90 });
    await t.db.insertInto('presence_intervals').values({ id: randomUUID(), session_id: s.id, user_id: zeb.id, source: 'livekit', key: 'PA_zeb', room_sid: 'RM_1', started_at: at, left_at: '2026-02-10T17:25:00.000Z', gone_at: null, seen_at: null, aborted: 0, created_at: at, updated_at: at }).execute();
    await t.db.insertInto('live_events').values({ id: 'EV_zeb', event: 'participant_joined', room_sid: 'RM_1', room_name: `session-${s.id}`, participant_sid: 'PA_zeb', participant_identity: identityOf(zeb.id), occurred_at: at, received_at: at, payload: JSON.stringify({ event: 'participant_joined', participant: { sid: 'PA_zeb', identity: identityOf(zeb.id), name: NAME, metadata: JSON.stringify({ email: EMAIL }) } }) }).execute();
    await t.db.insertInto('live_speakers').values({ session_id: s.id, user_id: zeb.id, granted_by: trainer.id, granted_at: at }).execute();
    const caption = (segment_id: string, text: string, speaker: TestUser) => ({ session_id: s.id, segment_id, text, final: 1, started_at: at, ended_at: at, speaker_identity: identityOf(speaker.id), speaker_name: speaker.name, author_id: trainer.id, created_at: at, updated_at: at });
    await t.db.insertInto('caption_segments').values([caption('seg-1', 'What about sensory breaks?', zeb), caption('seg-2', `Good question, ${NAME}. Write to me at ${EMAIL.toUpperCase()}.`, trainer)]).execute();
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    await ok('PUT', `/api/sessions/${s.id}/feedback/mine`, zeb, { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: `I am ${NAME} and this helped my class` });
    // The trainer thanks everyone, naming them: their colleague's copy names them too.
    await ok('POST', `/api/sessions/${s.id}/messages`, trainer, { text: `Thank you all, and thanks to ${NAME} for the question on sensory breaks.` });
    const pdf = await t.app.request(`/api/bookings/${mine.id}/certificate.pdf`, { headers: zeb.auth });
    expect(pdf.status).toBe(200);
    const certCode = (await t.db.selectFrom('certificates').select('code').where('user_id', '=', zeb.id).executeTakeFirstOrThrow()).code;
    expect((await ok('GET', `/api/certificates/${certCode}`, undefined)).json).toMatchObject({ status: 'genuine', certificate: { name: NAME } });

    // A place on a session still to come, a timetable, a calendar feed, links and mail, an identity provider link.
    const later = await t.session({ title: 'Behaviour', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' }, trainer);
    await ok('POST', `/api/sessions/${later.id}/bookings`, zeb, {});
    await ok('PUT', '/api/me/timetable', zeb, `day,start,end,label\nMonday,09:00,10:00,${NAME} Year 3 reading\n`, { 'content-type': 'text/csv' });
    await ok('GET', '/api/me/calendar', zeb);
    await ok('POST', '/api/auth/password-reset', undefined, { email: EMAIL });
    // (The message to everyone is delivered below, with the rest.)
    await ok('POST', '/api/auth/email-link', undefined, { email: EMAIL });
    // Someone else whose address holds theirs: their sign-in counters are theirs, and stay.
    const neighbour = `mr.${EMAIL}`;
    expect((await t.request('POST', '/api/auth/login', { body: { email: neighbour, password: 'a wrong guess here' } })).status).toBe(401);
    await ok('POST', '/api/auth/password-reset', undefined, { email: neighbour });
    const neighbourKeys = async () => (await t.db.selectFrom('login_throttle').select('key').execute()).map((r) => r.key).filter((k) => k.includes(neighbour)).sort();
    const neighbours = await neighbourKeys();
    expect(neighbours.length).toBeGreaterThanOrEqual(3);
    await deliverDue(t.deps, mailer);
    expect(sent).toContain(EMAIL);
    const provider = randomUUID();
    await t.db.insertInto('identity_providers').values({ id: provider, label: 'Oakfield', issuer: 'https://login.example', client_id: 'x', client_secret_enc: null, org_domains: '[]', org_claim: null, created_at: at }).execute();
    await t.db.insertInto('user_identities').values({ id: randomUUID(), provider_id: provider, subject: 'sub-123', user_id: zeb.id, created_at: at, last_used_at: at }).execute();

    // Their traces are in many tables (so the scan below finds what is left, if anything is).
    const before = await tablesHolding(NEEDLES);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['users', 'outbox', 'caption_segments', 'live_events', 'attendance_overrides', 'attendance_override_log', 'feedback', 'certificates', 'idempotency_keys', 'login_throttle', 'timetable_periods']));

    // The office turns them off (their later place is given up), then erases them.
    const off = await ok('PATCH', `/api/users/${zeb.id}`, office, { disabled: true });
    expect(off.json.placesGivenUp).toBe(1);
    await deliverDue(t.deps, mailer);
    const counts = async () => ({
      seats: await t.db.selectFrom('sessions').select(['id', 'confirmed_in_person', 'confirmed_online', 'offered_online', 'waiting_online']).orderBy('id').execute(),
      attendance: (await ok('GET', `/api/sessions/${s.id}/attendance`, trainer)).json.items.map((i: any) => ({ bookingId: i.bookingId, minutes: i.minutes, attended: i.attended })).sort((a: any, b: any) => (a.bookingId < b.bookingId ? -1 : 1)),
      coverage: (await ok('GET', `/api/reach/coverage?orgId=${org.id}`, admin)).json,
      bookings: await t.db.selectFrom('bookings').select(['id', 'status', 'session_id']).orderBy('id').execute(),
      results: await t.db.selectFrom('attendance_results').select(['booking_id', 'minutes', 'attended']).orderBy('booking_id').execute(),
      feedback: await t.db.selectFrom('feedback').select(['usefulness', 'confidence_before', 'confidence_after']).execute(),
    });
    const kept = await counts();
    expect(kept.attendance).toHaveLength(2);

    const erased = await t.request('POST', `/api/users/${zeb.id}/erase`, { as: office });
    expect(erased.status, erased.text).toBe(200);
    expect(erased.json).toMatchObject({ id: zeb.id, name: 'Erased person', email: `erased-${zeb.id}@erased.invalid`, disabled: true, erased: true, jobRole: null, captioner: false, orgId: org.id });

    expect(await neighbourKeys()).toEqual(neighbours);
    // Apart from the neighbour's own counters, no trace.
    await t.db.deleteFrom('login_throttle').where('key', 'in', neighbours).execute();
    expect(await tablesHolding(NEEDLES)).toEqual({});
    expect(await counts()).toEqual(kept);

    // Everything that was theirs alone is gone.
    for (const table of ['auth_sessions', 'password_resets', 'sign_in_links', 'user_identities', 'timetables', 'timetable_periods', 'live_speakers', 'inhouse_leads', 'idempotency_keys'] as const) {
      const n = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', zeb.id).executeTakeFirstOrThrow();
      expect(Number(n.n), table).toBe(0);
    }
    expect(await t.db.selectFrom('calendar_feed_tokens').select('id').where('owner_id', '=', zeb.id).execute()).toEqual([]);
    expect(await t.db.selectFrom('outbox').select('status').where('user_id', '=', zeb.id).where('status', '=', 'pending').execute()).toEqual([]);
    const toColleague = await t.db.selectFrom('outbox').select(['to_email', 'text_body']).where('user_id', '=', colleague.id).where('kind', '=', 'trainer_message').execute();
    expect(toColleague).toEqual([{ to_email: colleague.email, text_body: expect.stringContaining('thanks to Erased person for the question') }]);
    // The office's answer is still there for a retry, with the placeholders in it.
    const officeKey = await t.db.selectFrom('idempotency_keys').select('body').where('user_id', '=', office.id).executeTakeFirstOrThrow();
    expect(officeKey.body).toContain('Erased person');
    // Their words stay in the transcript, attributed to no one by name.
    expect(await t.db.selectFrom('caption_segments').select(['segment_id', 'text', 'speaker_name']).where('session_id', '=', s.id).orderBy('segment_id').execute()).toEqual([
      { segment_id: 'seg-1', text: 'What about sensory breaks?', speaker_name: 'Erased person' },
      { segment_id: 'seg-2', text: `Good question, Erased person. Write to me at erased-${zeb.id}@erased.invalid.`, speaker_name: trainer.name },
    ]);

    // The audit log: who, when, whom, by ids only (turning the account off first is kept too).
    expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'subject_id', 'at']).orderBy('action').execute()).toEqual([
      { action: 'disable_account', actor_id: office.id, subject_id: zeb.id, at: '2026-02-10T18:00:00.000Z' },
      { action: 'erase_personal_data', actor_id: office.id, subject_id: zeb.id, at: '2026-02-10T18:00:00.000Z' },
    ]);
    expect(JSON.stringify(t.logger.lines.filter((l) => l.msg === 'personal data erased'))).not.toMatch(/Quillfeather|zebedee/i);
    expect(t.logger.lines.filter((l) => l.msg === 'personal data erased')).toEqual([expect.objectContaining({ actorId: office.id, userId: zeb.id })]);

    // Never signed in to, turned on, moved or listed again; the certificate no longer names them; the address is free.
    expect((await t.request('POST', '/api/auth/login', { body: { email: EMAIL, password: TEST_PASSWORD } })).status).toBe(401);
    const on = await t.request('PATCH', `/api/users/${zeb.id}`, { as: admin, body: { disabled: false } });
    expect([on.status, on.json.error.code]).toEqual([409, 'conflict']);
    // The attendance report keeps their row, so its totals stay right, naming no one.
    const csv = (await ok('GET', `/api/sessions/${s.id}/attendance.csv`, trainer)).text;
    expect(csv).toContain(`Erased person,erased-${zeb.id}@erased.invalid`);
    expect(csv.trim().split(/\r?\n/)).toHaveLength(3);
    expect((await t.request('PUT', `/api/users/${zeb.id}/placement`, { as: admin, body: { role: 'staff', orgId: org.id } })).status).toBe(409);
    expect((await ok('GET', `/api/users?q=${encodeURIComponent('Erased')}`, admin)).json).toMatchObject({ items: [], total: 0 });
    const listed = (await ok('GET', `/api/orgs/${org.id}/users`, office)).json;
    expect(listed.items.map((u: any) => u.id)).not.toContain(zeb.id);
    expect(listed.total).toBe(2);
    const check = (await ok('GET', `/api/certificates/${certCode}`, undefined)).json;
    expect(check).toEqual({ status: 'withdrawn' });
    expect((await t.request('GET', `/api/bookings/${mine.id}/certificate.pdf`, { as: admin })).status).toBe(404);
    const again = await t.request('POST', '/api/users', { as: office, body: { email: EMAIL, name: NAME, role: 'staff', orgId: org.id } });
    expect(again.status).toBe(201);
    expect(again.json.id).not.toBe(zeb.id);
  });
});

describe('refusals change nothing', () => {
  async function person() {
    const org = await t.org();
    return { org, office: await t.user('office', org.id), person: await t.user('staff', org.id) };
  }
  async function refused(as: TestUser, userId: string, status: number, code: string) {
    const before = await wholeDatabase();
    const res = await t.request('POST', `/api/users/${userId}/erase`, { as });
    expect([res.status, res.json?.error?.code], res.text).toEqual([status, code]);
    expect(await wholeDatabase()).toEqual(before);
    return res;
  }

  it('refuses an account that is still on, saying to turn it off first', async () => {
    const { office, person: p } = await person();
    const res = await refused(office, p.id, 409, 'conflict');
    expect(res.json.error.message).toMatch(/Turn this account off/);
  });

  it('refuses another school’s office (no such person), staff and trainers, and office staff erasing office staff', async () => {
    const { office, person: p } = await person();
    const other = await person();
    const officeColleague = await t.user('office', office.orgId);
    const admin = await t.user('admin');
    for (const u of [p, officeColleague]) await ok('PATCH', `/api/users/${u.id}`, admin, { disabled: true });
    await refused(other.office, p.id, 404, 'not_found');
    await refused(await t.user('staff', office.orgId), p.id, 403, 'forbidden');
    await refused(await t.user('trainer'), p.id, 403, 'forbidden');
    await refused(office, officeColleague.id, 403, 'forbidden');
    // An administrator may erase office staff.
    expect((await t.request('POST', `/api/users/${officeColleague.id}/erase`, { as: admin })).status).toBe(200);
  });

  it('of an office member who booked places for others: the notices those people were sent (“… booked this place for you”) no longer name them', async () => {
    const org = await t.org();
    const booker = await t.user('office', org.id, 'Olwen Bookbinder');
    const staff = [await t.user('staff', org.id, 'Ann Booked'), await t.user('staff', org.id, 'Bo Booked')];
    const startsAt = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString(); // the file's clock has moved on
    const s = await t.session({ title: 'Booked by the office', capacity: { online: 1 }, startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() });
    for (const p of staff) { const r = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: booker, body: { userId: p.id } }); expect(r.status, r.text).toBe(201); }
    // And put one of their addresses right: the old address is told, naming the booker.
    expect((await t.request('PATCH', `/api/users/${staff[0]!.id}`, { as: booker, body: { email: `ann.${randomUUID().slice(0, 6)}@school.example` } })).status).toBe(200);
    await deliverDue(t.deps, mailer);
    // Sent (and so stored as sent): a seat and a queue place, each saying who booked it.
    expect(Object.keys(await tablesHolding(['Bookbinder']))).toContain('outbox');
    const admin = await t.user('admin');
    await ok('PATCH', `/api/users/${booker.id}`, admin, { disabled: true });
    await ok('POST', `/api/users/${booker.id}/erase`, admin);
    expect(await tablesHolding(['Olwen Bookbinder', 'Bookbinder', booker.email])).toEqual({});
    // The people booked keep their notices, without the booker's name.
    const kept = await t.db.selectFrom('outbox').select(['text_body', 'user_id']).where('booking_id', 'in', t.db.selectFrom('bookings').select('id').where('session_id', '=', s.id)).execute();
    expect(kept.map((m) => m.user_id).sort()).toEqual(staff.map((p) => p.id).sort());
    for (const m of kept) expect(m.text_body).toMatch(/booked this place for you|put you on the waiting list/);
  });

  it('of someone whose name and email were put right earlier: what was written under the old ones is scrubbed too, and "My data" listed them until then', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const [oldName, oldEmail] = ['Rhiannon Pennywhistle', `rhiannon.pennywhistle.${randomUUID().slice(0, 6)}@oakfield.example`];
    const [newName, newEmail] = ['Rhiannon Thistlewood', `rhiannon.thistlewood.${randomUUID().slice(0, 6)}@oakfield.example`];
    const made = await ok('POST', '/api/users', office, { email: oldEmail, name: oldName, role: 'staff', orgId: org.id });
    const rhi = await asPerson(made.json.id, oldEmail, oldName, org.id);
    const startsAt = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const s = await t.session({ title: 'Before the rename', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() }, trainer);
    await ok('POST', `/api/sessions/${s.id}/bookings`, rhi, {});
    await ok('POST', `/api/sessions/${s.id}/bookings`, await t.user('staff', org.id, 'Colin Colleague'), {});
    // Written under the old name and address: a trainer's message naming her, sign-in counters of the old address.
    await ok('POST', `/api/sessions/${s.id}/messages`, trainer, { text: `Thanks to ${oldName} for offering to bring the sensory kit.` });
    expect((await t.request('POST', '/api/auth/login', { body: { email: oldEmail, password: 'a wrong guess here' } })).status).toBe(401);
    await deliverDue(t.deps, mailer);
    // Put right by her office: the old address is told.
    await ok('PATCH', `/api/users/${rhi.id}`, office, { name: newName, email: newEmail });
    const data = (await ok('GET', `/api/users/${rhi.id}/data`, office)).json;
    expect(data.formerDetails).toEqual([{ name: oldName, email: oldEmail, replacedAt: t.clock.now().toISOString() }]);
    expect(Object.keys(await tablesHolding(['Pennywhistle', oldEmail])).sort()).toEqual(['former_details', 'login_throttle', 'outbox']);

    await ok('PATCH', `/api/users/${rhi.id}`, admin, { disabled: true });
    await ok('POST', `/api/users/${rhi.id}/erase`, admin);
    expect(await tablesHolding(['Pennywhistle', oldEmail, 'Thistlewood', newEmail])).toEqual({});
    // Her colleagues' copies of the message keep their words, without her name.
    const copies = await t.db.selectFrom('outbox').select('text_body').where('session_id', '=', s.id).where('kind', '=', 'trainer_message').execute();
    expect(copies.map((c) => c.text_body).filter((b) => b?.includes('Thanks to Erased person for offering'))).toHaveLength(1);
  });

  it('of someone first given a colleague’s name and address by mistake: what that colleague was written after the correction stays theirs (their mail, their sign-in counters, their name in messages)', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const bobEmail = `bob.bellweather.${randomUUID().slice(0, 6)}@oakfield.example`;
    const made = await ok('POST', '/api/users', office, { email: bobEmail, name: 'Bob Bellweather', role: 'staff', orgId: org.id });
    const startsAt = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const s = await t.session({ title: 'Mistaken identity', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() }, trainer);
    await ok('POST', `/api/sessions/${s.id}/bookings`, office, { userId: made.json.id });
    await ok('POST', `/api/sessions/${s.id}/messages`, trainer, { text: 'Welcome, Bob Bellweather, to the session.' });
    t.clock.advance(60_000);
    // Put right: she is Ann. Then the real Bob gets an account at his own address, is booked and written to.
    await ok('PATCH', `/api/users/${made.json.id}`, office, { name: 'Ann Abbotsford', email: `ann.abbotsford.${randomUUID().slice(0, 6)}@oakfield.example` });
    t.clock.advance(60_000);
    const bob = (await ok('POST', '/api/users', office, { email: bobEmail, name: 'Bob Bellweather', role: 'staff', orgId: org.id })).json as { id: string };
    await ok('POST', `/api/sessions/${s.id}/bookings`, office, { userId: bob.id });
    await ok('POST', `/api/sessions/${s.id}/messages`, trainer, { text: 'Bob Bellweather will lead the second half.' });
    await ok('POST', '/api/auth/password-reset', undefined, { email: bobEmail });
    expect((await t.request('POST', '/api/auth/login', { body: { email: bobEmail, password: 'a wrong guess here' } })).status).toBe(401);
    const bobsMail = () => t.db.selectFrom('outbox').select(['id', 'status', 'subject', 'to_email', 'text_body']).where('user_id', '=', bob.id).orderBy('id').execute();
    const bobsCounters = () => t.db.selectFrom('login_throttle').select('key').where('key', 'like', `%${bobEmail}%`).orderBy('key').execute();
    const [mailBefore, countersBefore] = [await bobsMail(), await bobsCounters()];
    expect(mailBefore.map((m) => m.subject)).toContainEqual(expect.stringMatching(/password/i));
    expect(countersBefore.length).toBeGreaterThan(0);

    await ok('PATCH', `/api/users/${made.json.id}`, admin, { disabled: true });
    await ok('POST', `/api/users/${made.json.id}/erase`, admin);
    expect(await bobsMail()).toEqual(mailBefore);
    expect(await bobsCounters()).toEqual(countersBefore);
    // (A trainer's message keeps its words in `reason` until it is delivered.)
    const messages = (await t.db.selectFrom('outbox').select('reason').where('session_id', '=', s.id).where('kind', '=', 'trainer_message').execute()).map((m) => m.reason);
    // Written to her while the name was on her account: scrubbed; written to Bob about Bob since: kept.
    expect(messages.filter((m) => m?.includes('Welcome, Bob Bellweather'))).toEqual([]);
    expect(messages.filter((m) => m?.includes('Bob Bellweather will lead the second half.')).length).toBeGreaterThan(0);
    expect(await tablesHolding(['Abbotsford'])).toEqual({});
  });

  it('of someone named in the reason a cancelled session of theirs was given: the reason kept with the session no longer names them', async () => {
    const org = await t.org();
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const wren = await t.user('staff', org.id, 'Wren Abernathy-Cole');
    const startsAt = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const s = await t.session({ title: 'Called off', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() }, trainer);
    await ok('POST', `/api/sessions/${s.id}/bookings`, wren, {});
    await ok('POST', `/api/sessions/${s.id}/cancel`, trainer, { reason: 'Wren Abernathy-Cole, our co-presenter, is unwell.' });
    expect((await ok('GET', `/api/sessions/${s.id}`, trainer)).json.cancelReason).toBe('Wren Abernathy-Cole, our co-presenter, is unwell.');
    await ok('PATCH', `/api/users/${wren.id}`, admin, { disabled: true });
    await ok('POST', `/api/users/${wren.id}/erase`, admin);
    expect((await ok('GET', `/api/sessions/${s.id}`, trainer)).json.cancelReason).toBe('Erased person, our co-presenter, is unwell.');
    expect(await tablesHolding(['Abernathy'])).toEqual({});
  });

  it('refuses an account already erased', async () => {
    const { office, person: p } = await person();
    await ok('PATCH', `/api/users/${p.id}`, office, { disabled: true });
    await ok('POST', `/api/users/${p.id}/erase`, office);
    const res = await refused(office, p.id, 409, 'conflict');
    expect(res.json.error.message).toMatch(/already been erased/);
  });
});

describe('erasing a person whose name is also a word the service writes', () => {
  it('a person named "id" or "status": others’ kept answers keep their fields (a retry gets the same answer); a one-letter name leaves the transcript’s “a” alone', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const colleague = await t.user('staff', org.id);
    const trainer = await t.user('trainer');
    const s = await t.session({ startsAt: '2026-05-11T15:00:00.000Z', endsAt: '2026-05-11T16:00:00.000Z', capacity: { online: 5 } }, trainer);
    const [named, status, letter] = [await t.user('staff', org.id, 'id'), await t.user('staff', org.id, 'status'), await t.user('staff', org.id, 'A')];
    for (const p of [named, status, letter]) await ok('POST', `/api/sessions/${s.id}/bookings`, p, { seat: 'online' });
    // The colleague's booking answer is kept for a retry under their key: {"id": …, "status": "confirmed", …}.
    const key = randomUUID();
    const first = await ok('POST', `/api/sessions/${s.id}/bookings`, colleague, { seat: 'online' }, { 'idempotency-key': key });
    expect(first.json).toMatchObject({ id: expect.any(String), status: 'confirmed' });
    const at = '2026-02-01T09:30:00.000Z';
    await t.db.insertInto('caption_segments').values({ session_id: s.id, segment_id: 'seg-a', text: 'What about a sensory break for a pupil?', final: 1, started_at: at, ended_at: at, speaker_identity: identityOf(trainer.id), speaker_name: trainer.name, author_id: trainer.id, created_at: at, updated_at: at }).execute();

    for (const p of [named, status, letter]) {
      await ok('PATCH', `/api/users/${p.id}`, office, { disabled: true });
      await ok('POST', `/api/users/${p.id}/erase`, office);
    }
    const again = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: colleague, body: { seat: 'online' }, headers: { 'idempotency-key': key } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect((await t.db.selectFrom('caption_segments').select('text').where('session_id', '=', s.id).where('segment_id', '=', 'seg-a').executeTakeFirstOrThrow()).text).toBe('What about a sensory break for a pupil?');
    const names = await t.db.selectFrom('users').select('name').where('id', 'in', [named.id, status.id, letter.id]).execute();
    expect(names.map((r) => r.name)).toEqual(['Erased person', 'Erased person', 'Erased person']);
  });
});

describe('a message being delivered as its person is erased', () => {
  it('is not written back with their address and text once the erasure has dropped and scrubbed it', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const p = await t.user('staff', org.id, 'Wilhelmina Racecondition');
    const later = await t.session({ startsAt: '2026-04-10T16:00:00.000Z', endsAt: '2026-04-10T17:00:00.000Z' });
    await ok('POST', `/api/sessions/${later.id}/bookings`, p, {});
    // Their booking notice goes first; then turning off gives the place up and writes its notice to them.
    await deliverDue(t.deps, mailer);
    await ok('PATCH', `/api/users/${p.id}`, admin, { disabled: true });
    let erasedWhileSending = 0;
    const racing: Mailer = {
      send: async (row) => {
        if (row.user_id !== p.id) return;
        // The erasure commits while this message is on its way to the mail server.
        expect((await t.request('POST', `/api/users/${p.id}/erase`, { as: admin })).status).toBe(200);
        erasedWhileSending++;
      },
    };
    await deliverDue(t.deps, racing);
    expect(erasedWhileSending).toBe(1);
    const rows = await t.db.selectFrom('outbox').select(['status', 'to_email', 'text_body']).where('user_id', '=', p.id).orderBy('created_at').execute();
    expect(rows.map((r) => r.to_email)).toEqual(rows.map(() => `erased-${p.id}@erased.invalid`));
    expect(JSON.stringify(rows)).not.toMatch(/Wilhelmina|Racecondition/);
  });
});

describe('turning an account on while it is being erased', () => {
  // On PostgreSQL the erasure holds the person's row locked: an administrator turning them on at
  // that moment read the account before the erasure committed, then waits for the row, and must
  // not then turn on an erased account. (SQLite runs one writer at a time, so the two never overlap.)
  it.skipIf(!usePostgres)('is refused once the erasure commits, and the account stays off', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const p = await t.user('staff', org.id);
    await ok('PATCH', `/api/users/${p.id}`, admin, { disabled: true });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const erasing = t.db.transaction().execute(async (trx) => {
      await trx.selectFrom('users').select('id').where('id', '=', p.id).forUpdate().execute();
      await trx.updateTable('users').set({ name: 'Erased person', email: `erased-${p.id}@erased.invalid`, erased_at: t.clock.now().toISOString() }).where('id', '=', p.id).execute();
      locked();
      await held;
    });
    await isLocked;
    const turnOn = t.request('PATCH', `/api/users/${p.id}`, { as: admin, body: { disabled: false } });
    // Until it waits on the row.
    await expect.poll(async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(t.db)).rows[0]!.n), { timeout: 5000 }).toBeGreaterThan(0);
    release();
    await erasing;
    const res = await turnOn;
    expect([res.status, res.json.error.code]).toEqual([409, 'conflict']);
    expect((await t.db.selectFrom('users').select('disabled_at').where('id', '=', p.id).executeTakeFirstOrThrow()).disabled_at).not.toBeNull();
  });
});

describe('the README decides for every table', () => {
  it('names each table of the database in its erasure table, so a new table needs a decision', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Erasing personal data'), readme.indexOf('## Running at scale'));
    const named = new Set(section.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split(' | ')[0]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!)));
    const tables = [...(await wholeDatabase()).keys()].filter((n) => !n.startsWith('kysely_'));
    expect(tables.filter((n) => !named.has(n))).toEqual([]);
  });
});
