/**
 * Audit of accounts, sign-in and certificates: each test here failed on the code before its fix.
 * - My account's "How you sign in" listed a password and emailed links for people whose
 *   organisation requires its own sign-in, though both are refused (403 sso_required).
 * - The sign-in page's provider button (a link the browser follows) answered a provider that
 *   could not be reached with a page of JSON instead of the sign-in page saying so.
 * - An administrator's "send a reset link" said "on its way" when the hourly cap had held the
 *   email back, and nothing was sent.
 * - A certificate with long (but allowed: 200 characters) name and titles ran onto a second page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Db } from '../../db/connect.js';
import * as oidcRepo from '../../server/accounts/oidc-repository.js';
import { renderCertificatePdf } from '../../server/certificates/pdf.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { makeTestContext, openTestDb, TEST_PASSWORD, type TestContext, type TestUser, providerServing } from '../helpers.js';
import { lastCodeOf, startTestIssuer } from '../oidc-issuer.js';

let t: TestContext;
let admin: TestUser;
beforeAll(async () => {
  t = await makeTestContext();
  admin = await t.user('admin');
});
afterAll(() => t.close());

describe('How you sign in (My account)', () => {
  it('does not offer a password or sign-in links to someone whose organisation requires its own sign-in; administrators keep them', async () => {
    const org = await t.org('Oak Academy', { ssoRequired: true });
    const staff = await t.user('staff', org.id);
    // What the page lists is what works.
    expect((await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).json.error.code).toBe('sso_required');
    const methods = await t.request('GET', '/api/me/sign-in-methods', { as: staff });
    expect(methods.status).toBe(200);
    expect(methods.json).toMatchObject({ password: false, emailLink: false, providers: [] });

    // Administrators are never held to it, even placed in such an organisation.
    const placedAdmin = await t.user('admin', org.id);
    expect((await t.request('GET', '/api/me/sign-in-methods', { as: placedAdmin })).json).toMatchObject({ password: true, emailLink: true });
    // Once the organisation stops requiring it, both are offered again.
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: {} } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/sign-in-methods', { as: staff })).json).toMatchObject({ password: true, emailLink: true });
  });
});

describe('starting to sign in with a provider that cannot be reached', () => {
  it('sends the browser back to the sign-in page with sso_error (and where it was going), not a page of JSON', async () => {
    const op = await startTestIssuer();
    const ctx = await makeTestContext({ config: { outbound: { ...defaultConfig().outbound, allow: [op.hostPort] } } });
    try {
      const boss = await ctx.user('admin');
      const added = await ctx.request('POST', '/api/identity-providers', { as: boss, body: { label: 'Oak sign-in', issuer: op.issuer, clientId: op.clientId } });
      expect(added.status).toBe(201);
      expect((await ctx.request('GET', `/api/auth/oidc/${added.json.id}/start`)).status).toBe(302); // reachable: off to the provider
      await op.close();
      const down = await ctx.request('GET', `/api/auth/oidc/${added.json.id}/start?next=${encodeURIComponent('/sessions/abc')}`);
      expect(down.status).toBe(302);
      const to = new URL(down.headers.get('location')!, 'http://localhost:3000');
      expect(to.pathname).toBe('/signin');
      expect(to.searchParams.get('sso_error')).toBe('sso_failed');
      expect(to.searchParams.get('next')).toBe('/sessions/abc');
      // An unknown provider is still 404.
      expect((await ctx.request('GET', '/api/auth/oidc/00000000-0000-4000-8000-000000000000/start')).status).toBe(404);
    } finally {
      await ctx.close();
    }
  });
});

describe('an administrator sends someone a reset link', () => {
  it('is told when the hourly cap holds the email back (429 with Retry-After), rather than that it is on its way', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const sent = async () => (await t.mails('password_reset')).filter((m) => m.to_email === u.email).length;
    for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } })).status).toBe(202);
    expect(await sent()).toBe(3);
    const held = await t.request('POST', `/api/users/${u.id}/password-reset`, { as: admin });
    expect(held.status).toBe(429);
    expect(held.json.error.code).toBe('rate_limited');
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await sent()).toBe(3);
    // An hour on, it goes.
    t.clock.advance(61 * 60_000);
    const ok = await t.request('POST', `/api/users/${u.id}/password-reset`, { as: admin });
    expect(ok.status).toBe(202);
    expect(await sent()).toBe(4);
  });
});

describe('a certificate with the longest name and titles allowed', () => {
  it('is one page, with the verification code and the check line on it', async () => {
    const longest = (word: string) => Array.from({ length: 50 }, () => word).join(' ').slice(0, 200); // 200 characters, as names and titles may be
    const pdf = await renderCertificatePdf(
      { kind: 'attendance', code: 'ABCDEFGHJKMNPQRS', name: longest('WWWW'), sessionTitle: longest('MMMM'), courseTitle: longest('WWWW'), date: '2026-02-10', minutes: 85 },
      'http://localhost:3000/verify/ABCD-EFGH-JKMN-PQRS',
      new Date('2026-02-11T09:00:00Z'),
    );
    const doc = await getDocument({ data: new Uint8Array(pdf) }).promise;
    expect(doc.numPages).toBe(1);
    const text = (await (await doc.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    expect(text).toContain('ABCD-EFGH-JKMN-PQRS');
    expect(text).toContain('Check this certificate at');
  });
});

// ---------------------------------------------------------------------------------------
// A second audit: each test below failed on the code before its fix.
// - "Forgot your password?" for someone whose organisation requires its own sign-in emailed a
//   reset link that could not be used to sign in (403 sso_required), and an administrator could
//   send one too.
// - Two first sign-ins of the same new person with an identity provider at once (two tabs):
//   one answered 500 (the account's email, unique, was taken by the other).
// - A trainer's message to attendees, a reason for taking someone off a session and an
//   identity provider's label (all emailed or shown to others) took text-direction controls
//   that names and titles refuse.
// - An account turned off while its password was being checked (scrypt takes a while) still
//   got a sign-in session, which came back to life if the account was turned on again.
// ---------------------------------------------------------------------------------------

/** The table a statement reads, deletes from or writes to (enough for the seams below). */
function tableOf(node: RootOperationNode): string | undefined {
  const n = node as unknown as { kind: string; into?: unknown; table?: unknown; from?: { froms?: unknown[] } };
  const t = (n.kind === 'InsertQueryNode' ? n.into : n.kind === 'UpdateQueryNode' ? n.table : n.from?.froms?.[0]) as { kind?: string; node?: unknown; table?: { identifier?: { name?: string } } } | undefined;
  const table = (t?.kind === 'AliasNode' ? t.node : t) as { table?: { identifier?: { name?: string } } } | undefined;
  return table?.table?.identifier?.name;
}

/**
 * A test database on which, once a statement that `when` picks has run and before the code
 * that ran it gets its result, `after` runs (and is awaited): a seam between two steps of a
 * request. Statements run outside a transaction hold no lock then, on either database.
 */
function withSeam(database: Db, when: (node: RootOperationNode) => boolean, after: () => Promise<void>): Db {
  const picked = new Set<string>();
  const seam: KyselyPlugin = {
    transformQuery: (args) => {
      if (when(args.node)) picked.add(args.queryId.queryId);
      return args.node;
    },
    transformResult: async (args) => {
      if (picked.delete(args.queryId.queryId)) await after();
      return args.result;
    },
  };
  return { ...database, db: database.db.withPlugin(seam) };
}

describe('"Forgot your password?" where the organisation requires its own sign-in', () => {
  it('emails how to sign in instead of a link (no token stored), answering as for any address; an administrator is refused; an older link is refused', async () => {
    const org = await t.org('Birch Academy', { ssoRequired: true });
    const staff = await t.user('staff', org.id);
    const unknown = await t.request('POST', '/api/auth/password-reset', { body: { email: 'nobody-at-all@example.org' } });
    const asked = await t.request('POST', '/api/auth/password-reset', { body: { email: staff.email } });
    expect(asked.status).toBe(202);
    expect(asked.json).toEqual(unknown.json); // nothing said about the account
    expect((await t.mails('password_reset')).filter((m) => m.to_email === staff.email)).toHaveLength(0);
    expect(await t.db.selectFrom('password_resets').select('id').where('user_id', '=', staff.id).execute()).toHaveLength(0);
    const told = (await t.mails('password_reset_sso')).filter((m) => m.to_email === staff.email);
    expect(told).toHaveLength(1);
    for (const part of [told[0]!.message.text, told[0]!.message.html]) {
      expect(part).toContain('Birch Academy');
      expect(part).toContain('http://localhost:3000/signin');
      expect(part).not.toMatch(/reset-password|token=/);
    }
    // Still held to the hourly cap.
    for (let i = 0; i < 3; i++) await t.request('POST', '/api/auth/password-reset', { body: { email: staff.email } });
    expect((await t.mails('password_reset_sso')).filter((m) => m.to_email === staff.email)).toHaveLength(3);

    // An administrator is told why nothing is sent.
    const byAdmin = await t.request('POST', `/api/users/${staff.id}/password-reset`, { as: admin });
    expect(byAdmin.status).toBe(409);
    expect(byAdmin.json.error.code).toBe('conflict');
    expect(byAdmin.json.error.message).toMatch(/Birch Academy.*own sign-in/);
    expect(await t.db.selectFrom('password_resets').select('id').where('user_id', '=', staff.id).execute()).toHaveLength(0);

    // Administrators placed there are never held to it: they get a link.
    const placedAdmin = await t.user('admin', org.id);
    await t.request('POST', '/api/auth/password-reset', { body: { email: placedAdmin.email } });
    expect((await t.mails('password_reset')).filter((m) => m.to_email === placedAdmin.email)).toHaveLength(1);

    // A link sent before the organisation required its own sign-in is refused when used, and not used up.
    const later = await t.org('Cedar Academy');
    const moved = await t.user('staff', later.id);
    await t.request('POST', '/api/auth/password-reset', { body: { email: moved.email } });
    const [mail] = (await t.mails('password_reset')).filter((m) => m.to_email === moved.email);
    const token = /token=([\w-]+)/.exec(mail!.message.text)![1]!;
    await providerServing(t, later.id);
    expect((await t.request('PATCH', `/api/orgs/${later.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    const used = await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: 'a brand new passphrase' } });
    expect(used.status).toBe(403);
    expect(used.json.error.code).toBe('sso_required');
    expect((await t.db.selectFrom('password_resets').select('used_at').where('user_id', '=', moved.id).executeTakeFirstOrThrow()).used_at).toBeNull();
  });
});

describe('"Forgot your password?" from one school address', () => {
  it('resets that worked do not use up the address’s allowance; asking without resetting still counts', async () => {
    const org = await t.org();
    const people = await Promise.all(Array.from({ length: 4 }, () => t.user('staff', org.id)));
    const school = { 'x-forwarded-for': '203.0.113.99' };
    const [limits, proxies] = [t.deps.config.signInLimits, t.deps.config.trustProxy];
    t.deps.config.signInLimits = { ...limits, perClient: 2 };
    t.deps.config.trustProxy = 1;
    try {
      for (const p of people) {
        expect((await t.request('POST', '/api/auth/password-reset', { body: { email: p.email }, headers: school })).status).toBe(202);
        const [mail] = (await t.mails('password_reset')).filter((m) => m.to_email === p.email);
        const token = /token=([\w-]+)/.exec(mail!.message.text)![1]!;
        const done = await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: 'a brand new passphrase' }, headers: school });
        expect(done.status, done.text).toBe(204);
      }
      const asked: number[] = [];
      for (let i = 0; i < 3; i++) asked.push((await t.request('POST', '/api/auth/password-reset', { body: { email: `someone-${i}@example.org` }, headers: school })).status);
      expect(asked).toEqual([202, 202, 429]);
    } finally {
      t.deps.config.signInLimits = limits;
      t.deps.config.trustProxy = proxies;
    }
  });
});

describe('two first sign-ins of the same new person with an identity provider at once (two tabs)', () => {
  it('both sign in, as one new account with one link: never a 500', async () => {
    const op = await startTestIssuer();
    // Both callbacks look for an account with the email before either makes one.
    let arrivals = 0;
    let bothHere: () => void = () => {};
    const together = new Promise<void>((resolve) => (bothHere = resolve));
    let armed = false;
    const lookingUpEmail = (node: RootOperationNode) => armed && node.kind === 'SelectQueryNode' && tableOf(node) === 'users' && JSON.stringify(node).includes('"email"');
    const ctx = await makeTestContext({
      database: withSeam(await openTestDb(), lookingUpEmail, async () => {
        if (++arrivals >= 2) {
          armed = false;
          bothHere();
        }
        await Promise.race([together, new Promise((r) => setTimeout(r, 3000))]);
      }),
      config: { oidcSecretKey: 'a test key that is long enough to be a key', outbound: { ...defaultConfig().outbound, allow: [op.hostPort] } },
    });
    try {
      const boss = await ctx.user('admin');
      const org = await ctx.org('Rowan Primary');
      const added = await ctx.request('POST', '/api/identity-providers', { as: boss, body: { label: 'Rowan sign-in', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret', orgDomains: [{ domain: 'rowan.sch.uk', orgId: org.id }] } });
      expect(added.status).toBe(201);
      op.next = { claims: ((nonce: string, d: Record<string, unknown>) => ({ ...d, sub: 'rowan-7', email: 'sam.lee@rowan.sch.uk', name: 'Sam Lee', nonce })) as never };
      const tabs = [];
      for (let i = 0; i < 2; i++) {
        const start = await ctx.request('GET', `/api/auth/oidc/${added.json.id}/start`);
        const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
        const { state } = op.authorize(start.headers.get('location')!);
        tabs.push({ cookie, path: `/api/auth/oidc/callback?code=${encodeURIComponent(lastCodeOf(op))}&state=${encodeURIComponent(state)}` });
      }
      armed = true;
      const backs = await Promise.all(tabs.map((tab) => ctx.request('GET', tab.path, { headers: { cookie: tab.cookie } })));
      expect(arrivals).toBe(2); // the race happened
      const ids = [];
      for (const back of backs) {
        expect(back.status).toBe(302);
        expect(back.headers.get('location')).toBe('/sessions');
        const sid = back.headers.get('set-cookie')!.match(/sid=([^;]+)/)![1];
        ids.push((await ctx.request('GET', '/api/me', { headers: { authorization: `Bearer ${sid}` } })).json.id);
      }
      expect(ids[0]).toBeTruthy();
      expect(ids[1]).toBe(ids[0]);
      expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'sam.lee@rowan.sch.uk').execute()).toHaveLength(1);
      expect(await ctx.db.selectFrom('user_identities').select('user_id').where('subject', '=', 'rowan-7').execute()).toEqual([{ user_id: ids[0] }]);
    } finally {
      await ctx.close();
      await op.close();
    }
  });

  it('linking a provider account twice is harmless, and says whose it is', async () => {
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const providerId = crypto.randomUUID();
    await t.db.insertInto('identity_providers').values({ id: providerId, label: 'P', issuer: 'https://login.example.net', client_id: 'c', client_secret_enc: null, org_domains: '[]', org_claim: null, created_at: t.clock.now().toISOString() }).execute();
    const row = (userId: string) => ({ id: crypto.randomUUID(), provider_id: providerId, subject: 'same-subject', user_id: userId, created_at: t.clock.now().toISOString(), last_used_at: t.clock.now().toISOString() });
    expect(await Promise.all([oidcRepo.linkIdentity(t.db, row(a.id)), oidcRepo.linkIdentity(t.db, row(a.id))])).toEqual([a.id, a.id]);
    expect(await oidcRepo.linkIdentity(t.db, row(b.id))).toBe(a.id); // already someone's: not taken over
    expect(await t.db.selectFrom('user_identities').select('user_id').where('provider_id', '=', providerId).execute()).toEqual([{ user_id: a.id }]);
  });
});

describe('free text emailed or shown to others refuses text-direction controls, as names and titles do', () => {
  it('a trainer’s message to attendees, a reason for taking someone off, a provider’s label: 400 naming the field', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({}, trainer);
    const person = await t.user('staff', (await t.org()).id);
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: person, body: {} });
    expect(booked.status).toBe(201);
    const tricks = ['Meet at \u202Eroom 12\u202C', 'Bring a \u2066laptop\u2069', 'Hello\u0085there'];
    for (const text of tricks) {
      const sent = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text } });
      expect(sent.status).toBe(400);
      expect(sent.json.error.code).toBe('validation_failed');
      expect(sent.json.error.details.issues[0].path).toBe('text');
    }
    expect(await t.mails('trainer_message')).toHaveLength(0);
    // Line breaks, and right-to-left text with its marks, are still fine.
    expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text: 'Please bring:\n- a laptop\n\nמחשב נייד \u200F(12)' } })).status).toBe(201);

    const removed = await t.request('POST', `/api/bookings/${booked.json.id}/remove`, { as: trainer, body: { reason: 'Booked \u202Ein error' } });
    expect(removed.status).toBe(400);
    expect(removed.json.error.details.issues[0].path).toBe('reason');

    const label = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Oak \u202Esign-in', issuer: 'https://login.example.net', clientId: 'x' } });
    expect(label.status).toBe(400);
    expect(label.json.error.details.issues[0].path).toBe('label');
  });
});

describe('an account turned off while its password is being checked', () => {
  it('gets no sign-in session (403 account_disabled), not one that comes back when the account is turned on', async () => {
    let turnOff: (() => Promise<void>) | null = null;
    // The first statement after the password check (clearing the sign-in counter) is where the account is turned off.
    const afterPasswordCheck = (node: RootOperationNode) => turnOff !== null && node.kind === 'DeleteQueryNode' && tableOf(node) === 'login_throttle';
    const ctx = await makeTestContext({
      database: withSeam(await openTestDb(), afterPasswordCheck, async () => {
        const act = turnOff;
        turnOff = null;
        await act?.();
      }),
    });
    try {
      const boss = await ctx.user('admin');
      const staff = await ctx.user('staff', (await ctx.org()).id);
      const sessionsOf = async () => (await ctx.db.selectFrom('auth_sessions').select('id').where('user_id', '=', staff.id).execute()).length;
      const before = await sessionsOf();
      turnOff = async () => {
        expect((await ctx.request('PATCH', `/api/users/${staff.id}`, { as: boss, body: { disabled: true } })).status).toBe(200);
      };
      const login = await ctx.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } });
      expect(turnOff).toBeNull(); // the account was turned off in between
      expect(login.status).toBe(403);
      expect(login.json.error.code).toBe('account_disabled');
      expect(await sessionsOf()).toBe(before);
      // Turned on again, they sign in afresh; nothing from before comes back.
      expect((await ctx.request('PATCH', `/api/users/${staff.id}`, { as: boss, body: { disabled: false } })).status).toBe(200);
      expect(await ctx.db.selectFrom('auth_sessions').select('id').where('user_id', '=', staff.id).where('revoked_at', 'is', null).execute()).toHaveLength(0);
      expect((await ctx.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).status).toBe(200);
    } finally {
      await ctx.close();
    }
  });
});
