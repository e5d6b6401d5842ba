/**
 * Stable feed addresses: a person's (and an office person's organisation) feed URL is the
 * same on every GET until the feed is rotated; tokens are HMACs of the feed, the person who
 * asked and a generation, under FEED_TOKEN_SECRET or a secret kept in the database, and only
 * their hashes are stored. Real database (SQLite, or PostgreSQL with TEST_DATABASE=postgres).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { createApp } from '../../server/app.js';
import { createPgDatabase, makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';

const contexts: TestContext[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  for (const c of cleanups.splice(0)) await c();
});

async function context(config: { feedTokenSecret?: string | null } = {}, database?: Db) {
  const t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z', config, database });
  contexts.push(t);
  return t;
}

/** A migrated database that a second connection (a restarted server) can open too. */
async function sharedDatabase(): Promise<{ open: () => Db }> {
  if (usePostgres) {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    cleanups.push(created.drop);
    const first = openPostgres(created.url, 2);
    await migrateToLatest(first.db);
    await first.close();
    return { open: () => openPostgres(created.url, 5) };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'feedtok-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'app.db');
  const first = openSqlite(file);
  await migrateToLatest(first.db);
  await first.close();
  return { open: () => openSqlite(file) };
}

const tokenOf = (url: string) => {
  expect(url).toMatch(/^http:\/\/localhost:3000\/api\/calendar\/feeds\/[A-Za-z0-9_-]{43}\.ics$/);
  return new URL(url).pathname.split('/').pop()!.replace(/\.ics$/, '');
};
const pathOf = (url: string) => new URL(url).pathname;
/** The derivation written out here, independently of the server's code. */
const hmac = (secret: string, kind: string, owner: string, maker: string, generation: number) =>
  createHmac('sha256', secret).update(`calendar-feed:v1:${kind}:${owner}:${maker}:${generation}`).digest('base64url');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function myUrl(t: TestContext, me: TestUser): Promise<string> {
  const res = await t.request('GET', '/api/me/calendar', { as: me });
  expect(res.status, res.text).toBe(200);
  expect(res.json.webcalUrl).toBe(res.json.url.replace('http://', 'webcal://'));
  return res.json.url;
}
async function orgUrl(t: TestContext, orgId: string, as: TestUser): Promise<string> {
  const res = await t.request('GET', `/api/orgs/${orgId}/calendar`, { as });
  expect(res.status, res.text).toBe(200);
  return res.json.url;
}
async function book(t: TestContext, sessionId: string, as: TestUser) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: {} });
  expect(res.status, res.text).toBe(201);
}
const status = async (t: TestContext, url: string) => (await t.request('GET', pathOf(url))).status;

describe('a person’s feed address', () => {
  it('is the same on every GET and serves the feed; only its hash is stored', async () => {
    const t = await context();
    const me = await t.user('staff', (await t.org()).id, 'Aled');
    const s = await t.session({ title: 'Understanding autism' });
    await book(t, s.id, me);
    const first = await myUrl(t, me);
    const again = await myUrl(t, me);
    expect(again).toBe(first);
    expect(await myUrl(t, me)).toBe(first);
    const feed = await t.request('GET', pathOf(first));
    expect(feed.status).toBe(200);
    expect(readCalendar(feed.text).events.map((e) => e.summary)).toEqual(['Understanding autism']);

    // One row, generation 0, holding the token's hash and never the token.
    const rows = await t.db.selectFrom('calendar_feed_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ owner_kind: 'user', owner_id: me.id, created_by: me.id, revoked_at: null });
    expect(Number(rows[0]!.generation)).toBe(0);
    expect(rows[0]!.token_hash).toBe(sha256(tokenOf(first)));
    expect(JSON.stringify(rows)).not.toContain(tokenOf(first));
    // Without FEED_TOKEN_SECRET the key is a random secret made once and kept in the database.
    const secrets = await t.db.selectFrom('server_secrets').selectAll().execute();
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.value.length).toBeGreaterThanOrEqual(43);
    expect(tokenOf(first)).toBe(hmac(secrets[0]!.value, 'user', me.id, me.id, 0));
  });

  it('after rotating, the old address is 404 and GET gives the new one, stable again', async () => {
    const t = await context();
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session();
    await book(t, s.id, me);
    const old = await myUrl(t, me);
    const rotated = await t.request('POST', '/api/me/calendar/rotate', { as: me });
    expect(rotated.status).toBe(200);
    const fresh = rotated.json.url as string;
    expect(fresh).not.toBe(old);
    expect(await status(t, old)).toBe(404);
    expect(await myUrl(t, me)).toBe(fresh);
    expect(await myUrl(t, me)).toBe(fresh);
    expect(readCalendar((await t.request('GET', pathOf(fresh))).text).events).toHaveLength(1);
    // Rotating again never brings an earlier address back.
    const third = (await t.request('POST', '/api/me/calendar/rotate', { as: me })).json.url as string;
    expect(new Set([old, fresh, third]).size).toBe(3);
    expect(await status(t, fresh)).toBe(404);
    expect(await status(t, old)).toBe(404);
    expect(await myUrl(t, me)).toBe(third);
    expect(await status(t, third)).toBe(200);
    const gens = (await t.db.selectFrom('calendar_feed_tokens').select(['generation', 'revoked_at']).orderBy('generation').execute()).map((r) => [Number(r.generation), r.revoked_at === null]);
    expect(gens).toEqual([[0, false], [1, false], [2, true]]);
  });

  it('two GETs at once end with one address, and it works', async () => {
    const t = await context();
    const me = await t.user('staff', (await t.org()).id);
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.request('GET', '/api/me/calendar', { as: me })));
    for (const a of answers) expect(a.status, a.text).toBe(200);
    const urls = new Set(answers.map((a) => a.json.url));
    expect(urls.size).toBe(1);
    expect(await status(t, [...urls][0]!)).toBe(200);
    expect(await t.db.selectFrom('calendar_feed_tokens').select('id').execute()).toHaveLength(1);
    expect(await t.db.selectFrom('server_secrets').select('name').execute()).toHaveLength(1);
  });

  it('a random token from before stays valid beside the stable one until the feed is rotated', async () => {
    const t = await context();
    const me = await t.user('staff', (await t.org()).id);
    const legacy = randomBytes(32).toString('base64url');
    await t.db
      .insertInto('calendar_feed_tokens')
      .values({ id: randomUUID(), token_hash: sha256(legacy), owner_kind: 'user', owner_id: me.id, created_by: me.id, generation: null, created_at: '2026-01-01T00:00:00.000Z', revoked_at: null })
      .execute();
    const legacyPath = `/api/calendar/feeds/${legacy}.ics`;
    expect((await t.request('GET', legacyPath)).status).toBe(200);
    const stable = await myUrl(t, me);
    expect(tokenOf(stable)).not.toBe(legacy);
    expect(await myUrl(t, me)).toBe(stable);
    expect((await t.request('GET', legacyPath)).status).toBe(200);
    expect(await status(t, stable)).toBe(200);
    await t.request('POST', '/api/me/calendar/rotate', { as: me });
    expect((await t.request('GET', legacyPath)).status).toBe(404);
    expect(await status(t, stable)).toBe(404);
  });
});

describe('an organisation’s feed address', () => {
  it('differs per office person, each stable and working; one stops when its maker no longer acts for the school, the other goes on', async () => {
    const t = await context();
    const school = await t.org('Ysgol y Bryn');
    const elsewhere = await t.org();
    const [one, two] = [await t.user('office', school.id), await t.user('office', school.id)];
    const staff = await t.user('staff', school.id, 'Bethan');
    const s = await t.session();
    await book(t, s.id, staff);

    const urlOne = await orgUrl(t, school.id, one);
    const urlTwo = await orgUrl(t, school.id, two);
    expect(urlOne).not.toBe(urlTwo);
    expect(await orgUrl(t, school.id, one)).toBe(urlOne);
    expect(await orgUrl(t, school.id, two)).toBe(urlTwo);
    for (const u of [urlOne, urlTwo]) {
      const feed = await t.request('GET', pathOf(u));
      expect(feed.status).toBe(200);
      expect(readCalendar(feed.text).events.map((e) => e.attendees[0]!.cn)).toEqual(['Bethan']);
    }
    // The person's own feed is another address again.
    expect(await myUrl(t, one)).not.toBe(urlOne);

    // Office person one moves to another school: their address stops, two's keeps working.
    await t.db.updateTable('users').set({ org_id: elsewhere.id }).where('id', '=', one.id).execute();
    expect(await status(t, urlOne)).toBe(404);
    expect(await status(t, urlTwo)).toBe(200);
    expect(await orgUrl(t, school.id, two)).toBe(urlTwo);
  });

  it('rotating by one office person kills both addresses; each then gets a new stable one', async () => {
    const t = await context();
    const school = await t.org();
    const [one, two] = [await t.user('office', school.id), await t.user('office', school.id)];
    const oldOne = await orgUrl(t, school.id, one);
    const oldTwo = await orgUrl(t, school.id, two);
    const rotated = (await t.request('POST', `/api/orgs/${school.id}/calendar/rotate`, { as: one })).json.url as string;
    expect(await status(t, oldOne)).toBe(404);
    expect(await status(t, oldTwo)).toBe(404);
    expect(await orgUrl(t, school.id, one)).toBe(rotated);
    const newTwo = await orgUrl(t, school.id, two);
    expect(new Set([oldOne, oldTwo, rotated, newTwo]).size).toBe(4);
    expect(await orgUrl(t, school.id, two)).toBe(newTwo);
    expect(await status(t, rotated)).toBe(200);
    expect(await status(t, newTwo)).toBe(200);
  });
});

describe('the feed secret', () => {
  it('FEED_TOKEN_SECRET is the key: two secrets give different tokens for the same generation, and none is stored', async () => {
    const secrets = ['a feed token secret that is long enough, number one', 'a feed token secret that is long enough, number two'];
    const tokens: string[] = [];
    for (const secret of secrets) {
      const t = await context({ feedTokenSecret: secret });
      const me = await t.user('staff', (await t.org()).id);
      const url = await myUrl(t, me);
      expect(await myUrl(t, me)).toBe(url);
      expect(tokenOf(url)).toBe(hmac(secret, 'user', me.id, me.id, 0));
      expect(await status(t, url)).toBe(200);
      expect(await t.db.selectFrom('server_secrets').select('name').execute()).toEqual([]);
      // The same person and generation under the other secret would be another token.
      const other = secrets.find((x) => x !== secret)!;
      expect(hmac(other, 'user', me.id, me.id, 0)).not.toBe(tokenOf(url));
      tokens.push(tokenOf(url));
    }
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('setting or changing the secret: the address handed out keeps working, and the person is given a new stable one', async () => {
    const t = await context();
    const me = await t.user('staff', (await t.org()).id);
    const before = await myUrl(t, me);
    // The same database served by an app with FEED_TOKEN_SECRET set.
    const secret = 'a feed token secret that is long enough to be a key';
    const configured = createApp({ ...t.deps, config: { ...t.deps.config, feedTokenSecret: secret } });
    const ask = async () => {
      const res = await configured.request('/api/me/calendar', { headers: me.auth });
      expect(res.status).toBe(200);
      return ((await res.json()) as { url: string }).url;
    };
    const after = await ask();
    expect(after).not.toBe(before);
    expect(tokenOf(after)).toBe(hmac(secret, 'user', me.id, me.id, 1));
    expect(await ask()).toBe(after);
    expect(await status(t, before)).toBe(200);
    expect(await status(t, after)).toBe(200);
  });

  it('without FEED_TOKEN_SECRET the address survives a restart: a second app on the same database gives the same one', async () => {
    const shared = await sharedDatabase();
    const first = await context({}, shared.open());
    const me = await first.user('staff', (await first.org()).id);
    const office = await first.user('office', me.orgId);
    const mine = await myUrl(first, me);
    const theirs = await orgUrl(first, me.orgId!, office);
    await first.close();
    contexts.splice(contexts.indexOf(first), 1);

    // A new process: a new connection, new app, nothing carried over in memory.
    const second = await context({}, shared.open());
    expect(await myUrl(second, me)).toBe(mine);
    expect(await orgUrl(second, me.orgId!, office)).toBe(theirs);
    expect(await status(second, mine)).toBe(200);
    expect(await status(second, theirs)).toBe(200);
    expect(await second.db.selectFrom('server_secrets').select('name').execute()).toHaveLength(1);
  });

  it('two processes asking first at once agree on one secret and one address', async () => {
    const shared = await sharedDatabase();
    const a = await context({}, shared.open());
    const b = await context({}, shared.open());
    const me = await a.user('staff', (await a.org()).id);
    const [x, y] = await Promise.all([myUrl(a, me), myUrl(b, me)]);
    expect(x).toBe(y);
    expect(await status(b, x)).toBe(200);
    expect(await a.db.selectFrom('server_secrets').select('name').execute()).toHaveLength(1);
  });
});
