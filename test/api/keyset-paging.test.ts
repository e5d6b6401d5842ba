/**
 * The two lists whose rows change while someone turns their pages are paged by cursor (keyset),
 * not by offset (both databases):
 *
 * - The Mail page's list (`GET /api/outbox?before=`): mail written between loading one page and
 *   the next does not push rows already seen onto the next page, and walking every page lists
 *   every message once.
 * - Staff not yet booked (`GET /api/reach/not-booked?after=`): someone on page 1 booking a seat
 *   before page 2 is loaded does not make anyone unseen be skipped, and walking every page
 *   lists every person once; names differing only in case, accents or apostrophes are in one
 *   alphabetical order, the same on SQLite and PostgreSQL (and on PostgreSQL under a linguistic
 *   collation too), and paging through them in pages of any size gives that order.
 * - A cursor the list did not give (malformed, cut short, edited out of shape, too long, the
 *   other list's) is refused with 400 naming the parameter.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, type Db } from '../../db/connect.js';
import { insertOrg } from '../../server/accounts/repository.js';
import { makeTestContext, PG_ADMIN_URL, sentOutboxRow as sentRow, usePostgres, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type MailPage = { items: { id: string; subject: string; to: string }[]; total: number; hasMore: boolean; next: string | null; offset: number };
type PeoplePage = { items: { userId: string; name: string; orgName: string }[]; total: number; hasMore: boolean; next: string | null };

/** A member of staff, written straight into the database. */
const staffRow = (id: string, name: string, orgId: string) => ({
  id, email: `${id}@school.example.org`, name, role: 'staff' as const, org_id: orgId,
  password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
});
const orgRow = (id: string, name: string) => ({ id, name, urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: '2026-01-01T00:00:00.000Z' });

const badCursorIs400 = async (ctx: TestContext, as: TestUser, path: string, param: string) => {
  const r = await ctx.request('GET', path, { as });
  expect(r.status, path).toBe(400);
  expect(r.json.error.code, path).toBe('validation_failed');
  expect(r.json.error.details.issues[0].path, path).toBe(param);
  return r;
};

/** Text as base64url, as a cursor is written (for cursors made by hand: cut short, edited, the wrong shape). */
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('the Mail page’s list, a page at a time by cursor (GET /api/outbox?before=)', () => {
  it('mail written between two page loads does not make the next page repeat any message, and every page walked lists every message once', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const rows = Array.from({ length: 250 }, (_, i) => sentRow(i, `person${i}@school.example`, admin.id));
    for (let i = 0; i < rows.length; i += 50) await t.db.insertInto('outbox').values(rows.slice(i, i + 50)).execute();
    const get = async (query: string) => {
      const r = await t!.request('GET', `/api/outbox?${query}`, { as: admin });
      expect(r.status, query).toBe(200);
      return r.json as MailPage;
    };

    const first = await get('limit=100');
    expect(first).toMatchObject({ total: 250, hasMore: true });
    expect(first.items[0]!.subject).toBe('Choose a password 249');
    expect(first.next).toEqual(expect.any(String));

    // Meanwhile, mail is written: as the service writes it (a booking's notice), and more besides.
    const school = await t.org('Hill Primary');
    const s = await t.session({ capacity: { online: 20 } });
    for (let i = 0; i < 3; i++) {
      const who = await t.user('staff', school.id);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: admin, body: { userId: who.id, seat: 'online' } })).status).toBe(201);
    }
    await t.db.insertInto('outbox').values(Array.from({ length: 7 }, (_, i) => sentRow(250 + i, `late${i}@school.example`, admin.id))).execute();
    // And the last message of the first page is gone (its person erased): the next page still starts after it.
    await t.db.deleteFrom('outbox').where('id', '=', first.items.at(-1)!.id).execute();

    const second = await get(`limit=100&before=${first.next}`);
    const firstIds = new Set(first.items.map((m) => m.id));
    expect(second.items.filter((m) => firstIds.has(m.id))).toEqual([]);
    // It starts at the message after the last one shown: none skipped, none repeated.
    expect(second.items[0]!.subject).toBe('Choose a password 149');
    expect(second.items).toHaveLength(100);
    // The count says how many there are now.
    expect(second.total).toBe(250 + 3 + 7 - 1);

    const walked = [...first.items, ...second.items];
    let next = second.next;
    while (next) {
      const page = await get(`limit=100&before=${next}`);
      walked.push(...page.items);
      expect(page.hasMore).toBe(page.next !== null);
      next = page.next;
    }
    // Every message of the first load once, newest first; the ones written meanwhile are newer
    // than the first page, found by starting again from the newest.
    expect(walked.map((m) => m.subject)).toEqual(rows.map((r) => r.subject).reverse());
    expect(new Set(walked.map((m) => m.id)).size).toBe(250);
    const again = await get('limit=100');
    expect(again.items.slice(0, 10).map((m) => m.subject)).toEqual([
      ...Array(3).fill(expect.stringContaining('Understanding autism')),
      ...Array.from({ length: 7 }, (_, i) => `Choose a password ${256 - i}`),
    ]);
  });

  it('pages the messages found by address by cursor too, and the last page says there are no more', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    await t.db.insertInto('outbox').values(Array.from({ length: 30 }, (_, i) => sentRow(i, i % 3 === 0 ? `hill${i}@hill.sch.uk` : `dale${i}@dale.sch.uk`, admin.id))).execute();
    const get = async (query: string) => (await t!.request('GET', `/api/outbox?${query}`, { as: admin })).json as MailPage;
    const first = await get('to=HILL.sch&limit=4');
    expect(first).toMatchObject({ total: 10, hasMore: true, offset: 0 });
    const seen = [...first.items];
    let next = first.next;
    // Mail to the same school written between pages is newer: not on the pages after.
    await t.db.insertInto('outbox').values([sentRow(40, 'hill40@hill.sch.uk', admin.id)]).execute();
    while (next) {
      const page = await get(`to=HILL.sch&limit=4&before=${next}`);
      seen.push(...page.items);
      next = page.next;
      if (!next) expect(page).toMatchObject({ hasMore: false, next: null, total: 11 });
    }
    expect(seen.map((m) => m.to)).toEqual([27, 24, 21, 18, 15, 12, 9, 6, 3, 0].map((i) => `hill${i}@hill.sch.uk`));
    // A page that is the last exactly: no cursor, nothing more.
    expect(await get('to=hill&limit=11')).toMatchObject({ hasMore: false, next: null });
    expect(await get('to=hill&limit=10')).toMatchObject({ hasMore: true });
    // `offset` still works for scripts written before cursors (counted from the newest, hill40 now).
    const skipped = await get('to=hill&limit=3&offset=3');
    expect(skipped.items.map((m) => m.to)).toEqual(['hill21@hill.sch.uk', 'hill18@hill.sch.uk', 'hill15@hill.sch.uk']);
    expect(skipped.offset).toBe(3);
  });

  it('refuses a cursor it did not give with 400 naming `before`, and a cursor with an offset naming `offset`', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    await t.db.insertInto('outbox').values(Array.from({ length: 5 }, (_, i) => sentRow(i, `p${i}@school.example`, admin.id))).execute();
    const good = ((await t.request('GET', '/api/outbox?limit=2', { as: admin })).json as MailPage).next!;
    expect(good).toMatch(/^[A-Za-z0-9_-]+$/);
    const bad = [
      'not a cursor!', // not base64url
      good.slice(0, Math.floor(good.length / 2)), // cut short
      `${good}=`, // padded: not the form given
      `${good}AA`, // more bytes after the key
      b64('{"id":"0000sent000003"}'), // the wrong shape
      b64('["0000sent000003", "x"]'), // spaced JSON: not the form the server writes
      b64('["0000sent000003","x"]'), // a key of another shape (two parts)
      b64('[""]'), // an empty id
      b64('["0000sent\\u0000"]'), // a control character
      b64(JSON.stringify(['x'.repeat(101)])), // a longer id than any
      'A'.repeat(201), // longer than any cursor of this list
      b64(JSON.stringify(['Oak School', 'org', 'ann', 'u'])), // the other list's shape
    ];
    for (const cursor of bad) await badCursorIs400(t, admin, `/api/outbox?before=${encodeURIComponent(cursor)}`, 'before');
    await badCursorIs400(t, admin, `/api/outbox?before=${good}&offset=2`, 'offset');
    expect((await t.request('GET', `/api/outbox?before=${good}&offset=0`, { as: admin })).status).toBe(200);
    // Nothing changed: the same five messages.
    expect(((await t.request('GET', '/api/outbox', { as: admin })).json as MailPage).total).toBe(5);
  });
});

describe('staff not yet booked, a page at a time by cursor (GET /api/reach/not-booked?after=)', () => {
  it('someone on page 1 booking a seat before page 2 is loaded makes nobody be skipped, and every page walked lists every person once', async () => {
    t = await makeTestContext({ now: '2026-02-01T12:00:00.000Z' });
    const admin = await t.user('admin');
    const alder = await t.org('Alder School');
    const pid = (i: number) => `nbk-${String(i).padStart(2, '0')}`;
    // Written in a jumbled order: the order answered is the one asked for.
    await t.db.insertInto('users').values([7, 3, 12, 1, 9, 5, 11, 2, 8, 4, 10, 6].map((i) => staffRow(pid(i), `Person ${String(i).padStart(2, '0')}`, alder.id))).execute();
    const s = await t.session({ capacity: { online: 50 } });
    const book = async (i: number) => expect((await t!.request('POST', `/api/sessions/${s.id}/bookings`, { as: admin, body: { userId: pid(i), seat: 'online' } })).status).toBe(201);
    const get = async (query: string) => {
      const r = await t!.request('GET', `/api/reach/not-booked?orgId=${alder.id}&limit=5${query}`, { as: admin });
      expect(r.status, query).toBe(200);
      return r.json as PeoplePage;
    };

    const first = await get('');
    expect(first.items.map((p) => p.userId)).toEqual([1, 2, 3, 4, 5].map(pid));
    expect(first).toMatchObject({ total: 12, hasMore: true });
    // Two people shown on page 1 book, one of them the last shown (where page 2 starts after),
    // and one not yet shown books too.
    await book(2);
    await book(5);
    await book(11);

    const second = await get(`&after=${first.next}`);
    // Offset 5 would now start at Person 08, skipping Person 06 and 07, who were never shown.
    expect(second.items.map((p) => p.userId)).toEqual([6, 7, 8, 9, 10].map(pid));
    expect(second).toMatchObject({ total: 9, hasMore: true });
    const third = await get(`&after=${second.next}`);
    expect(third.items.map((p) => p.userId)).toEqual([pid(12)]);
    expect(third).toMatchObject({ hasMore: false, next: null });

    const walked = [...first.items, ...second.items, ...third.items].map((p) => p.userId);
    // Everyone not booked throughout once; those who booked after being shown, once (on the page they were shown on).
    expect(walked).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12].map(pid));
    expect(new Set(walked).size).toBe(walked.length);
  });

  it('pages past a person and a school whose names hold a tab (pasted from a spreadsheet): the cursor the list gives is one it takes', async () => {
    t = await makeTestContext({ now: '2026-02-01T12:00:00.000Z' });
    const admin = await t.user('admin');
    // Names as the API takes them (a tab is not refused), the school's too.
    const school = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Tab\tSchool' } });
    expect(school.status, school.text).toBe(201);
    for (const name of ['Ann\tBell', 'Bea Cole', 'Cal Dunn']) expect((await t.request('POST', '/api/users', { as: admin, body: { name, email: `${name.replace(/\s/g, '.').toLowerCase()}@tab.example.org`, role: 'staff', orgId: school.json.id } })).status).toBe(201);
    const walked: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const r = await t.request('GET', `/api/reach/not-booked?orgId=${school.json.id}&limit=1${next ? `&after=${next}` : ''}`, { as: admin });
      expect(r.status, r.text).toBe(200);
      walked.push(...(r.json as PeoplePage).items.map((p) => p.name));
      next = (r.json as PeoplePage).next;
    }
    expect(walked).toEqual(['Ann\tBell', 'Bea Cole', 'Cal Dunn']);
  });

  it('puts names differing only in case, accents or apostrophes in one alphabetical order, the same on both databases, and pages of any size walk it exactly', async () => {
    t = await makeTestContext();
    await seedNames(t);
    await expectNamesPageConsistently(t);
  });

  it.skipIf(!usePostgres)('keeps that order and pages it exactly on PostgreSQL under a linguistic collation (ICU en-GB) too', async () => {
    const database = await linguisticPostgres();
    t = await makeTestContext({ database });
    // The database compares its own text the en-GB way: the list does not.
    const { rows } = await (await import('kysely')).sql<{ n: number }>`select count(*) as n from (values ('p-B2'), ('p-a1')) v(x) where x < 'p-B2'`.execute(t.db);
    expect(Number(rows[0]!.n)).toBe(1);
    await seedNames(t);
    await expectNamesPageConsistently(t);
  }, 60_000);

  it('refuses a cursor it did not give with 400 naming `after`, and a cursor with an offset naming `offset`', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const school = await t.org('Alder School');
    await t.db.insertInto('users').values([1, 2, 3].map((i) => staffRow(`nbc-${i}`, `Person ${i}`, school.id))).execute();
    const good = ((await t.request('GET', `/api/reach/not-booked?orgId=${school.id}&limit=1`, { as: admin })).json as PeoplePage).next!;
    expect(JSON.parse(Buffer.from(good, 'base64url').toString('utf8'))).toEqual(['alder school', school.id, 'person 1', 'nbc-1']);
    const path = (cursor: string, more = '') => `/api/reach/not-booked?orgId=${school.id}&after=${encodeURIComponent(cursor)}${more}`;
    const bad = [
      'not a cursor!',
      good.slice(0, Math.floor(good.length / 2)), // cut short
      `${good}=`,
      b64(JSON.stringify({ org: 'alder school' })),
      b64(JSON.stringify(['alder school', school.id, 'person 1'])), // a part missing
      b64(JSON.stringify(['alder school', school.id, 'person 1', 'nbc-1', 'x'])), // a part too many
      b64(JSON.stringify(['alder school', school.id, 'person 1', 1])), // a number for an id
      b64(JSON.stringify(['alder school', '', 'person 1', 'nbc-1'])), // an empty id
      b64(JSON.stringify(['alder\u0000school', school.id, 'person 1', 'nbc-1'])), // a NUL, which PostgreSQL cannot hold
      b64(JSON.stringify(['alder school', school.id, 'person \ud800', 'nbc-1'])), // half a surrogate pair
      b64(JSON.stringify(['0000sent000003'])), // the Mail list's shape
      'A'.repeat(6001), // longer than any cursor of this list
    ];
    for (const cursor of bad) await badCursorIs400(t, admin, path(cursor), 'after');
    await badCursorIs400(t, admin, path(good, '&offset=1'), 'offset');
    // An office is refused another organisation's list before its cursor is looked at, as ever.
    const other = await t.org('Birch School');
    const birchOffice = await t.user('office', other.id);
    expect((await t.request('GET', path(good), { as: birchOffice })).status).toBe(403);
    // The good one works, and nothing changed.
    const page = (await t.request('GET', path(good), { as: admin })).json as PeoplePage;
    expect(page.items.map((p) => p.userId)).toEqual(['nbc-2', 'nbc-3']);
    expect(page.total).toBe(3);
  });
});

/**
 * Organisations and people whose names differ only in case, accents and apostrophes, and ids
 * that differ in case (PostgreSQL's linguistic collations put `p-a1` before `p-B2`, code points
 * the other way round): see expectNamesPageConsistently for the order they make.
 */
async function seedNames(ctx: TestContext) {
  for (const [id, name] of [['org-avila', 'Ávila Academy'], ['org-B-hill', 'Hill School'], ['org-a-hill', 'hill school'], ['org-oak', 'Oak School'], ['org-zed', 'Zed’s College']] as const) await insertOrg(ctx.db, orgRow(id, name));
  const people: [string, string, string][] = [
    ['p-av1', 'Zara', 'org-avila'], ['p-av2', 'adam', 'org-avila'],
    ['p-h1', 'Hana', 'org-B-hill'], ['p-h2', 'Gus', 'org-a-hill'],
    ['p-a1', 'Abel', 'org-oak'], ['p-B2', 'abel', 'org-oak'], ['p-b3', 'Ábel', 'org-oak'],
    ['p-ob1', 'O\'Brien', 'org-oak'], ['p-ob2', 'Obrien', 'org-oak'], ['p-ob3', 'O’Brien', 'org-oak'], ['p-ol', 'Oliver', 'org-oak'],
    ['p-lu', 'Łukasz', 'org-oak'], ['p-lk', 'Lukas', 'org-oak'],
    ['p-z1', 'Zoë', 'org-oak'], ['p-Z2', 'zoe', 'org-oak'],
    ['p-em2', 'emile', 'org-oak'], ['p-em1', 'ÉMILE', 'org-oak'], ['p-el', 'Ellis', 'org-oak'],
    ['p-zd', 'Ann', 'org-zed'],
  ];
  await ctx.db.insertInto('users').values(people.map(([id, name, org]) => staffRow(id, name, org))).execute();
}

/**
 * The order, on every database: organisations by name any case, accents with their letter
 * (Ávila first; the two Hill Schools apart, by id), then people so, ties by id by code point
 * (`p-B2` before `p-a1`); an apostrophe by its code point (' before letters, ’ after them).
 */
const EXPECTED = [
  'p-av2', 'p-av1',
  'p-h1', 'p-h2',
  'p-B2', 'p-a1', 'p-b3', // abel, Abel, Ábel
  'p-el', // Ellis
  'p-em1', 'p-em2', // ÉMILE, emile
  'p-lk', 'p-lu', // Lukas, Łukasz
  'p-ob1', 'p-ob2', 'p-ol', 'p-ob3', // O'Brien, Obrien, Oliver, O’Brien
  'p-Z2', 'p-z1', // zoe, Zoë
  'p-zd',
];

async function expectNamesPageConsistently(ctx: TestContext) {
  const admin = await ctx.user('admin');
  const get = async (query: string) => {
    const r = await ctx.request('GET', `/api/reach/not-booked?${query}`, { as: admin });
    expect(r.status, query).toBe(200);
    return r.json as PeoplePage;
  };
  const all = await get('limit=200');
  expect(all.items.map((p) => p.userId)).toEqual(EXPECTED);
  expect(all).toMatchObject({ total: EXPECTED.length, hasMore: false, next: null });
  for (const size of [1, 2, 3, 5]) {
    const walked: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const page: PeoplePage = await get(`limit=${size}${next ? `&after=${next}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(size);
      walked.push(...page.items.map((p) => p.userId));
      next = page.next;
    }
    expect(walked, `pages of ${size}`).toEqual(EXPECTED);
  }
  // Found by name, paged the same way.
  const found = await get('q=BRIEN&limit=2');
  const foundAll = (await get('q=BRIEN&limit=200')).items.map((p) => p.userId);
  const foundWalked = found.items.map((p) => p.userId);
  for (let next = found.next; next; ) {
    const page: PeoplePage = await get(`q=BRIEN&limit=2&after=${next}`);
    foundWalked.push(...page.items.map((p) => p.userId));
    next = page.next;
  }
  expect(foundWalked).toEqual(foundAll);
  expect(foundAll).toEqual(['p-ob1', 'p-ob2', 'p-ob3']);
  // The spreadsheet lists them in the same order.
  const csv = await ctx.request('GET', '/api/reach/coverage.csv?figure=not_booked', { as: admin });
  expect(csv.status).toBe(200);
  const rows = parse(csv.text, { columns: true, bom: true }) as Record<string, string>[];
  expect(rows.map((r) => r.email)).toEqual(EXPECTED.map((id) => `${id}@school.example.org`));
}

/** A migrated PostgreSQL database whose own collation is ICU's en-GB (case and accents compared linguistically), dropped when closed. */
async function linguisticPostgres(): Promise<Db> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const name = `t_icu_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`create database ${name} template template0 locale_provider icu icu_locale 'en-GB' locale 'C.UTF-8'`);
  } finally {
    await admin.end();
  }
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  const db = openPostgres(PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), 5);
  try {
    await migrateToLatest(db.db);
  } catch (e) {
    await db.close();
    await drop();
    throw e;
  }
  return { ...db, close: async () => { await db.close(); await drop(); } };
}
