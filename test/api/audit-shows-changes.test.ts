/**
 * The audit log shows what a name or email was put right from and to (`changed` on a
 * `rectify_personal_data` entry), looked up as it is read from the person's former details:
 * the log itself still holds no name and no address. Renaming someone and renaming them back
 * reads as two different entries; a page's older entry still knows what came after it; an
 * erased person's entries show which fields only; two changes at the same instant are not
 * guessed at; only administrators read any of it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLogPage } from '../../shared/audit.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

async function log(as: TestUser, query: Record<string, string> = {}) {
  const res = await t.request('GET', `/api/audit-log?${new URLSearchParams(query)}`, { as });
  expect(res.status, res.text).toBe(200);
  return { page: AuditLogPage.parse(res.json), text: res.text };
}

async function ok(method: string, path: string, as: TestUser, body?: unknown) {
  const res = await t.request(method, path, { as, body });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.json;
}

const later = () => t.clock.advance(60_000);
const changedOf = (page: AuditLogPage) => page.items.map((e) => (e.action === 'rectify_personal_data' ? (e.changed ?? null) : 'other'));

describe('what a name or email was put right from and to', () => {
  it('tells a rename and the rename back apart, and an email change, from the former details, storing none of it', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const school = await t.org('Ash Primary');
    const office = await t.user('office', school.id, 'Olive Office');
    const tess = await t.user('staff', school.id, 'Tess Teacher');
    const first = tess.email;

    await ok('PATCH', `/api/users/${tess.id}`, admin, { name: 'Tess Teacher-Jones' });
    later();
    await ok('PATCH', `/api/users/${tess.id}`, admin, { name: 'Tess Teacher' });
    later();
    await ok('PATCH', `/api/users/${tess.id}`, admin, { disabled: true });
    later();
    await ok('PATCH', `/api/users/${tess.id}`, admin, { disabled: false });
    later();
    await ok('PATCH', `/api/users/${tess.id}`, admin, { email: 'tess.new@ash.example' });
    later();
    await ok('PATCH', `/api/users/${tess.id}`, admin, { name: '=HYPERLINK("http://x.example","Tess")', email: 'tess.final@ash.example' });

    for (const query of [{}, { person: tess.id }] as Record<string, string>[]) {
      const { page } = await log(admin, query);
      expect(changedOf(page)).toEqual([
        { name: { from: 'Tess Teacher', to: '=HYPERLINK("http://x.example","Tess")' }, email: { from: 'tess.new@ash.example', to: 'tess.final@ash.example' } },
        { email: { from: first, to: 'tess.new@ash.example' } },
        'other',
        'other',
        { name: { from: 'Tess Teacher-Jones', to: 'Tess Teacher' } },
        { name: { from: 'Tess Teacher', to: 'Tess Teacher-Jones' } },
      ]);
      // The fields are still given, as before.
      expect(page.items.filter((e) => e.action === 'rectify_personal_data').map((e) => e.detail)).toEqual([{ fields: ['name', 'email'] }, { fields: ['email'] }, { fields: ['name'] }, { fields: ['name'] }]);
    }

    // An older page's entry still knows what its value was put right to (a later page's former detail).
    const one = await log(admin, { limit: '1', person: tess.id });
    expect(changedOf(one.page)).toEqual([{ name: { from: 'Tess Teacher', to: '=HYPERLINK("http://x.example","Tess")' }, email: { from: 'tess.new@ash.example', to: 'tess.final@ash.example' } }]);
    const last = await log(admin, { limit: '2', before: (await log(admin, { limit: '4' })).page.next! });
    expect(changedOf(last.page)).toEqual([{ name: { from: 'Tess Teacher-Jones', to: 'Tess Teacher' } }, { name: { from: 'Tess Teacher', to: 'Tess Teacher-Jones' } }]);

    // The log itself still holds no name and no address.
    const stored = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
    for (const personal of ['Tess', 'HYPERLINK', first, 'ash.example']) expect(stored).not.toContain(personal);

    // Only administrators read the log.
    expect((await t.request('GET', '/api/audit-log', { as: office })).status).toBe(403);
    expect((await t.request('GET', '/api/audit-log', { as: await t.user('staff', school.id) })).status).toBe(403);
  });

  it('shows which fields only once the person is erased (their former details go with them)', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const school = await t.org('Ash Primary');
    const zeb = await t.user('staff', school.id, 'Zebedee Quillfeather');
    const other = await t.user('staff', school.id, 'Pat Other');
    await ok('PATCH', `/api/users/${zeb.id}`, admin, { name: 'Zebedee Quillfeather-Smith', email: 'zeb.q@ash.example' });
    later();
    await ok('PATCH', `/api/users/${other.id}`, admin, { name: 'Pat Otherly' });
    later();
    expect(changedOf((await log(admin, { person: zeb.id })).page)).toEqual([{ name: { from: 'Zebedee Quillfeather', to: 'Zebedee Quillfeather-Smith' }, email: { from: zeb.email, to: 'zeb.q@ash.example' } }]);

    await ok('PATCH', `/api/users/${zeb.id}`, admin, { disabled: true });
    later();
    await ok('POST', `/api/users/${zeb.id}/erase`, admin);
    const { page, text } = await log(admin);
    for (const n of ['Quillfeather', 'Zebedee', zeb.email, 'zeb.q@ash.example']) expect(text.toLowerCase()).not.toContain(n.toLowerCase());
    const zebs = page.items.find((e) => e.action === 'rectify_personal_data' && e.subject.id === zeb.id);
    expect(zebs).toMatchObject({ detail: { fields: ['name', 'email'] } });
    expect(zebs).not.toHaveProperty('changed');
    // Someone else on the same page keeps theirs.
    expect(page.items.find((e) => e.action === 'rectify_personal_data' && e.subject.id === other.id)).toMatchObject({ changed: { name: { from: 'Pat Other', to: 'Pat Otherly' } } });
  });

  it('does not guess between two changes made at the same instant', async () => {
    const admin = await t.user('admin', null, 'Ada Admin');
    const school = await t.org('Ash Primary');
    const tess = await t.user('staff', school.id, 'Tess Teacher');
    // The clock stands still: both entries, and both former details, have the same time.
    await ok('PATCH', `/api/users/${tess.id}`, admin, { name: 'Tess A' });
    await ok('PATCH', `/api/users/${tess.id}`, admin, { name: 'Tess B' });
    const { page } = await log(admin);
    expect(page.items.map((e) => e.action)).toEqual(['rectify_personal_data', 'rectify_personal_data']);
    for (const e of page.items) {
      expect(e).toMatchObject({ detail: { fields: ['name'] } });
      expect(e).not.toHaveProperty('changed');
    }
  });
});
