/**
 * The audit log, GET /api/audit-log: the security-relevant account actions are recorded, each
 * once, by ids and codes only, when (and only when) they change something; administrators read
 * them newest first, one person's alone, a page at a time by a cursor that neither repeats nor
 * skips an entry while new ones are written; names are looked up as the log is read, so an
 * erased person's old name and address are nowhere in it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAudit } from '../../server/accounts/audit.js';
import { AuditLogPage, encodeAuditCursor } from '../../shared/audit.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

/** A page of the log as `as` reads it, checked against the shared schema. */
async function log(as: TestUser, query: Record<string, string> = {}) {
  const res = await t.request('GET', `/api/audit-log?${new URLSearchParams(query)}`, { as });
  expect(res.status, res.text).toBe(200);
  return { page: AuditLogPage.parse(res.json), text: res.text };
}

/** The log as stored, oldest first. */
const stored = () => t.db.selectFrom('audit_log').select(['action', 'actor_id', 'subject_kind', 'subject_id', 'detail']).orderBy('at').orderBy('id').execute();

async function ok(method: string, path: string, as: TestUser, body?: unknown) {
  const res = await t.request(method, path, { as, body });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.json;
}

/** A minute later, so each entry has a time of its own. */
const later = () => t.clock.advance(60_000);

describe('what is recorded', () => {
  it('records each account action once, with its detail, by ids and codes only', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const riverside = await t.org('Riverside Primary');
    const hilltop = await t.org('Hilltop');
    const teacher = await t.user('staff', riverside.id, 'Tess Teacher');
    const base = { actor_id: admin.id, subject_kind: 'person', subject_id: teacher.id };

    await ok('PUT', `/api/users/${teacher.id}/placement`, admin, { role: 'office', orgId: hilltop.id });
    later();
    await ok('PUT', `/api/users/${teacher.id}/placement`, admin, { role: 'trainer', orgId: hilltop.id });
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { disabled: true });
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { disabled: false });
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { captioner: true });
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { captioner: false });
    later();
    expect((await t.request('POST', `/api/users/${teacher.id}/password-reset`, { as: admin })).status).toBe(202);
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { email: 'tess.new@hilltop.example' });
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { name: 'Tess Teacher-Jones', email: 'tess.jones@hilltop.example' });

    expect(await stored()).toEqual([
      { ...base, action: 'change_placement', detail: JSON.stringify({ role: { from: 'staff', to: 'office' }, orgId: { from: riverside.id, to: hilltop.id } }) },
      { ...base, action: 'change_placement', detail: JSON.stringify({ role: { from: 'office', to: 'trainer' }, orgId: { from: hilltop.id, to: hilltop.id } }) },
      { ...base, action: 'disable_account', detail: null },
      { ...base, action: 'enable_account', detail: null },
      { ...base, action: 'grant_captioner', detail: null },
      { ...base, action: 'revoke_captioner', detail: null },
      { ...base, action: 'send_password_reset', detail: null },
      { ...base, action: 'rectify_personal_data', detail: JSON.stringify({ fields: ['email'] }) },
      { ...base, action: 'rectify_personal_data', detail: JSON.stringify({ fields: ['name', 'email'] }) },
    ]);
    // No name and no address, old or new, is in the log itself.
    const all = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
    for (const personal of ['Tess', 'Ada Admin', 'Riverside', 'Hilltop', teacher.email, 'hilltop.example']) expect(all).not.toContain(personal);

    // Read back: newest first, names as they now are, organisations named in the detail.
    const { page } = await log(admin);
    expect(page.next).toBeNull();
    expect(page.person).toBeNull();
    expect(page.items.map((e) => e.action)).toEqual(['rectify_personal_data', 'rectify_personal_data', 'send_password_reset', 'revoke_captioner', 'grant_captioner', 'enable_account', 'disable_account', 'change_placement', 'change_placement']);
    for (const e of page.items) {
      // Where each now is, looked up as the log is read: no organisation (an administrator), Hilltop.
      expect(e.actor).toEqual({ id: admin.id, name: 'Ada Admin', orgName: null, role: 'admin' });
      expect(e.subject).toEqual({ kind: 'person', id: teacher.id, name: 'Tess Teacher-Jones', orgName: 'Hilltop', role: 'trainer' });
    }
    expect(page.items.at(-1)).toMatchObject({ at: '2026-03-02T09:00:00.000Z', detail: { role: { from: 'staff', to: 'office' }, organisation: { from: { id: riverside.id, name: 'Riverside Primary' }, to: { id: hilltop.id, name: 'Hilltop' } } } });
    expect(page.items[0]).toMatchObject({ at: '2026-03-02T09:08:00.000Z', detail: { fields: ['name', 'email'] } });
    expect(page.items[1]!.detail).toEqual({ fields: ['email'] });
    expect(page.items[3]!.detail).toBeNull();
  });

  it('records nothing for a refused request or one that changes nothing', async () => {
    const admin = await t.user('admin');
    const school = await t.org('Ash Primary');
    const other = await t.org('Birch Primary');
    const office = await t.user('office', school.id);
    const teacher = await t.user('staff', school.id, 'Tom Teacher');
    const elsewhere = await t.user('staff', other.id, 'Bea Elsewhere');
    const status = async (method: string, path: string, as: TestUser, body?: unknown) => (await t.request(method, path, { as, body })).status;

    // Refused: an office may not change a role, nor turn off another school's teacher, nor make a captioner.
    expect(await status('PUT', `/api/users/${teacher.id}/placement`, office, { role: 'office', orgId: school.id })).toBe(403);
    expect(await status('PATCH', `/api/users/${elsewhere.id}`, office, { disabled: true })).toBe(404);
    expect(await status('PATCH', `/api/users/${teacher.id}`, office, { captioner: true })).toBe(403);
    expect(await status('POST', `/api/users/${teacher.id}/password-reset`, office)).toBe(403);
    // Refused: an administrator taking away their own role; an address another account has, with a flag beside it (all or nothing).
    expect(await status('PUT', `/api/users/${admin.id}/placement`, admin, { role: 'trainer', orgId: null })).toBe(403);
    expect(await status('PATCH', `/api/users/${teacher.id}`, admin, { captioner: true, email: elsewhere.email })).toBe(409);
    // Refused: a reset link held back by the hourly cap (people asking for their own are not recorded either).
    for (let i = 0; i < 3; i++) expect(await t.request('POST', '/api/auth/password-reset', { body: { email: elsewhere.email } }).then((r) => r.status)).toBe(202);
    expect(await status('POST', `/api/users/${elsewhere.id}/password-reset`, admin)).toBe(429);
    expect(await stored()).toEqual([]);

    // No change: the same role and organisation, an account on turned on, the flag already so, the same name, a job role.
    expect(await status('PUT', `/api/users/${teacher.id}/placement`, admin, { role: 'staff', orgId: school.id })).toBe(200);
    expect(await status('PATCH', `/api/users/${teacher.id}`, admin, { disabled: false })).toBe(200);
    expect(await status('PATCH', `/api/users/${teacher.id}`, admin, { captioner: false })).toBe(200);
    expect(await status('PATCH', `/api/users/${teacher.id}`, admin, { name: 'Tom Teacher', email: teacher.email.toUpperCase() })).toBe(200);
    expect(await status('PATCH', `/api/users/${teacher.id}`, office, { jobRole: 'teacher' })).toBe(200);
    expect(await stored()).toEqual([]);

    // Turned off twice, or by its office and then an administrator: recorded once, by whoever turned it off.
    expect(await status('PATCH', `/api/users/${teacher.id}`, office, { disabled: true })).toBe(200);
    expect(await status('PATCH', `/api/users/${teacher.id}`, admin, { disabled: true })).toBe(200);
    // A reset link to an account that is off is refused.
    expect(await status('POST', `/api/users/${teacher.id}/password-reset`, admin)).toBe(409);
    expect(await stored()).toEqual([{ action: 'disable_account', actor_id: office.id, subject_kind: 'person', subject_id: teacher.id, detail: null }]);
  });
});

describe('reading it', () => {
  it('is for administrators only', async () => {
    const org = await t.org();
    for (const as of [await t.user('staff', org.id), await t.user('office', org.id), await t.user('trainer')]) {
      const res = await t.request('GET', '/api/audit-log', { as });
      expect([res.status, res.json.error.code]).toEqual([403, 'forbidden']);
    }
    expect((await t.request('GET', '/api/audit-log')).status).toBe(401);
  });

  it('keeps one person’s entries: those they did and those done to them', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const school = await t.org('Ash Primary');
    const office = await t.user('office', school.id, 'Olu Office');
    const teacher = await t.user('staff', school.id, 'Tom Teacher');
    const colleague = await t.user('staff', school.id, 'Cal Colleague');
    await ok('PATCH', `/api/users/${teacher.id}`, office, { disabled: true });
    later();
    await ok('PATCH', `/api/users/${office.id}`, admin, { captioner: true });
    later();
    await ok('PATCH', `/api/users/${colleague.id}`, admin, { disabled: true });

    const ofOffice = (await log(admin, { person: office.id })).page;
    expect(ofOffice.person).toEqual({ id: office.id, name: 'Olu Office' });
    expect(ofOffice.items.map((e) => [e.action, e.actor.name, e.subject.name])).toEqual([
      ['grant_captioner', 'Ada Admin', 'Olu Office'],
      ['disable_account', 'Olu Office', 'Tom Teacher'],
    ]);
    expect((await log(admin, { person: teacher.id })).page.items.map((e) => e.subject.id)).toEqual([teacher.id]);
    expect((await log(admin, { person: admin.id })).page.items.map((e) => e.subject.id)).toEqual([colleague.id, office.id]);
    // Someone who was never in it (or never was): nothing, and no name.
    const nobody = randomUUID();
    expect((await log(admin, { person: nobody })).page).toEqual({ items: [], next: null, person: { id: nobody, name: null } });
    const bad = await t.request('GET', '/api/audit-log?person=not-a-person', { as: admin });
    expect([bad.status, bad.json.error.code, bad.json.error.details.issues[0].path]).toEqual([400, 'validation_failed', 'person']);
  });

  it('pages newest first by a cursor that neither repeats nor skips entries while new ones are written', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => t.user('staff', org.id, `Person ${i}`)));
    // Eight entries, two at each instant: the order within an instant is by id.
    for (const [i, p] of people.entries()) {
      await ok('PATCH', `/api/users/${p.id}`, admin, { captioner: true });
      if (i % 2 === 1) later();
    }
    const expected = (await t.db.selectFrom('audit_log').select('id').orderBy('at', 'desc').orderBy('id', 'desc').execute()).map((r) => r.id);
    expect(expected).toHaveLength(8);

    const first = (await log(admin, { limit: '3' })).page;
    // New entries between loads, newer than any seen.
    later();
    await ok('PATCH', `/api/users/${people[0]!.id}`, admin, { captioner: false });
    await ok('PATCH', `/api/users/${people[1]!.id}`, admin, { captioner: false });
    const second = (await log(admin, { limit: '3', before: first.next! })).page;
    later();
    await ok('PATCH', `/api/users/${people[2]!.id}`, admin, { captioner: false });
    const third = (await log(admin, { limit: '3', before: second.next! })).page;

    expect([first.items.length, second.items.length, third.items.length]).toEqual([3, 3, 2]);
    expect([...first.items, ...second.items, ...third.items].map((e) => e.id)).toEqual(expected);
    expect(third.next).toBeNull();
    // A page that ends exactly at the oldest entry says so too (no empty page after it).
    expect((await log(admin, { limit: '11' })).page.next).toBeNull();
    expect((await log(admin, { limit: '10' })).page.next).not.toBeNull();
    // The new entries lead a fresh first page.
    expect((await log(admin, { limit: '3' })).page.items.map((e) => e.action)).toEqual(['revoke_captioner', 'revoke_captioner', 'revoke_captioner']);
    // One person's pages follow on the same way.
    const mine = (await log(admin, { person: people[0]!.id, limit: '1' })).page;
    expect(mine.items.map((e) => e.action)).toEqual(['revoke_captioner']);
    const older = (await log(admin, { person: people[0]!.id, limit: '1', before: mine.next! })).page;
    expect([older.items.map((e) => e.action), older.next]).toEqual([['grant_captioner'], null]);
  });

  it('refuses a cursor it never gave, and a limit out of range, with a 400 and nothing else', async () => {
    const admin = await t.user('admin');
    await ok('PATCH', `/api/users/${(await t.user('staff', (await t.org()).id)).id}`, admin, { captioner: true });
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    for (const before of ['abc', '!!!!', b64('["yesterday","x"]'), b64('{"at":"2026-03-02T09:00:00.000Z"}'), b64('["2026-03-02T09:00:00.000Z",""]'), b64('["2026-03-02T09:00:00.000Z","a\\u0000b"]'), 'A'.repeat(300), '']) {
      const res = await t.request('GET', `/api/audit-log?${new URLSearchParams({ before })}`, { as: admin });
      expect(res.status, before).toBe(400);
      expect(Object.keys(res.json)).toEqual(['error']);
      expect([res.json.error.code, res.json.error.details.issues[0].path]).toEqual(['validation_failed', 'before']);
    }
    for (const limit of ['0', '101', 'ten', '2.5']) {
      const res = await t.request('GET', `/api/audit-log?limit=${limit}`, { as: admin });
      expect([res.status, Object.keys(res.json), res.json.error.details.issues[0].path]).toEqual([400, ['error'], 'limit']);
    }
    // A well-formed cursor is a place in the log, whether or not an entry is there.
    const from = await log(admin, { before: encodeAuditCursor({ at: '2026-03-02T09:00:00.000Z', id: 'zzzz' }) });
    expect(from.page.items).toHaveLength(1);
    expect((await log(admin, { before: encodeAuditCursor({ at: '2020-01-01T00:00:00.000Z', id: randomUUID() }) })).page).toEqual({ items: [], next: null, person: null });
  });

  it('shows an erased person by the placeholder their account holds, with no trace of their old name or address', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const school = await t.org('Ash Primary');
    const hilltop = await t.org('Hilltop');
    const office = await t.user('office', school.id, 'Quentin Officeworth');
    const zeb = await t.user('staff', school.id, 'Zebedee Quillfeather');
    const needles = ['Quillfeather', 'Zebedee', zeb.email, 'Officeworth', office.email];
    await ok('PATCH', `/api/users/${zeb.id}`, admin, { name: 'Zebedee Quillfeather-Smith', email: 'zeb.q@ash.example' });
    later();
    await ok('PATCH', `/api/users/${zeb.id}`, office, { disabled: true });
    later();
    await ok('GET', `/api/users/${zeb.id}/data`, office);
    later();
    await ok('POST', `/api/users/${zeb.id}/erase`, office);
    // The office who did all that moves to another school, leaves, and is erased too.
    later();
    await ok('PUT', `/api/users/${office.id}/placement`, admin, { role: 'office', orgId: hilltop.id });
    later();
    await ok('PATCH', `/api/users/${office.id}`, admin, { disabled: true });
    later();
    await ok('POST', `/api/users/${office.id}/erase`, admin);

    for (const query of [{}, { person: zeb.id }, { person: office.id }] as Record<string, string>[]) {
      const { page, text } = await log(admin, query);
      for (const n of [...needles, 'zeb.q@ash.example', 'Smith']) expect(text.toLowerCase()).not.toContain(n.toLowerCase());
      expect(page.items.length).toBeGreaterThan(0);
    }
    const { page } = await log(admin, { person: zeb.id });
    expect(page.person).toEqual({ id: zeb.id, name: 'Erased person' });
    expect(page.items.map((e) => [e.action, e.actor.name, e.subject.name])).toEqual([
      ['erase_personal_data', 'Erased person', 'Erased person'],
      ['export_personal_data', 'Erased person', 'Erased person'],
      ['disable_account', 'Erased person', 'Erased person'],
      ['rectify_personal_data', 'Ada Admin', 'Erased person'],
    ]);
    expect((await log(admin, { person: office.id })).page.items.find((e) => e.action === 'change_placement')?.detail).toEqual({
      role: { from: 'office', to: 'office' },
      organisation: { from: { id: school.id, name: 'Ash Primary' }, to: { id: hilltop.id, name: 'Hilltop' } },
    });
  });

  it('tells people of one name apart by where they now are (organisation, else role), looked up as it is read', async () => {
    const riverside = await t.org('Riverside Primary');
    const hilltop = await t.org('Hilltop');
    const admin = await t.user('admin', null, 'Grace Okafor');
    const office = await t.user('office', riverside.id, 'Grace Okafor');
    const teacher = await t.user('staff', riverside.id, 'Grace Okafor');
    await ok('PATCH', `/api/users/${teacher.id}`, office, { disabled: true });
    later();
    await ok('PATCH', `/api/users/${teacher.id}`, admin, { disabled: false });
    later();
    // Moved after the entries were written: they say where she is now (the log keeps no place).
    await ok('PUT', `/api/users/${teacher.id}/placement`, admin, { role: 'trainer', orgId: null });
    const { page } = await log(admin);
    expect(page.items.map((e) => [e.action, e.actor, e.subject])).toEqual([
      ['change_placement', { id: admin.id, name: 'Grace Okafor', orgName: null, role: 'admin' }, { kind: 'person', id: teacher.id, name: 'Grace Okafor', orgName: null, role: 'trainer' }],
      ['enable_account', { id: admin.id, name: 'Grace Okafor', orgName: null, role: 'admin' }, { kind: 'person', id: teacher.id, name: 'Grace Okafor', orgName: null, role: 'trainer' }],
      ['disable_account', { id: office.id, name: 'Grace Okafor', orgName: 'Riverside Primary', role: 'office' }, { kind: 'person', id: teacher.id, name: 'Grace Okafor', orgName: null, role: 'trainer' }],
    ]);
    await ok('PUT', `/api/users/${office.id}/placement`, admin, { role: 'office', orgId: hilltop.id });
    const again = (await log(admin, { person: office.id })).page;
    expect(again.items.map((e) => [e.action, e.actor.orgName, e.subject.orgName])).toEqual([
      ['change_placement', null, 'Hilltop'],
      ['disable_account', 'Hilltop', null],
    ]);
    // No organisation's name was written to the log (only a placement's ids and roles, its detail).
    expect(JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute())).not.toMatch(/Riverside|Hilltop|Grace/);
  });

  it('names an organisation since deleted, and a subject of another kind, as they now are', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const old = await t.org('Old Lane Infants');
    const hilltop = await t.org('Hilltop');
    const teacher = await t.user('staff', old.id, 'Tom Teacher');
    await ok('PUT', `/api/users/${teacher.id}/placement`, admin, { role: 'staff', orgId: hilltop.id });
    await t.db.deleteFrom('organisations').where('id', '=', old.id).execute();
    // The kind of subject is kept with the entry (identity providers and organisations are recorded later by their own actions).
    later();
    await recordAudit(t.db, { action: 'grant_captioner', actorId: admin.id, subjectKind: 'organisation', subjectId: hilltop.id, at: t.clock.now().toISOString() });
    later();
    await recordAudit(t.db, { action: 'grant_captioner', actorId: admin.id, subjectKind: 'identity_provider', subjectId: randomUUID(), at: t.clock.now().toISOString() });

    const { page } = await log(admin);
    expect(page.items.map((e) => e.subject.kind)).toEqual(['identity_provider', 'organisation', 'person']);
    expect(page.items[0]!.subject.name).toBeNull();
    expect(page.items[1]!.subject).toEqual({ kind: 'organisation', id: hilltop.id, name: 'Hilltop' });
    expect(page.items[2]!.detail).toEqual({ role: { from: 'staff', to: 'staff' }, organisation: { from: { id: old.id, name: null }, to: { id: hilltop.id, name: 'Hilltop' } } });
  });
});
