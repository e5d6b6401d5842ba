/**
 * "Email me a sign-in link": a single-use link, for 15 minutes, in the browser that asked
 * for it only; asking is throttled like password sign-in and never tells whether the address
 * has an account. The email goes through the outbox and a real SMTP exchange.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, TEST_PASSWORD, type TestContext, providerServing } from '../helpers.js';
import { startSmtp } from '../smtp.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext();
});
afterAll(() => t.close());

const decodeQuotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const linkIn = (text: string) => text.match(/http:\/\/localhost:3000\/signin-link#token=[A-Za-z0-9_-]+/)![0];
const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');

/** Asks for a link as a browser holding `cookie` (if any); returns the answer and the browser cookie it now holds. */
async function ask(email: string, cookie?: string, headers: Record<string, string> = {}) {
  const res = await t.request('POST', '/api/auth/email-link', { body: { email }, headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const set = res.headers.get('set-cookie') ?? '';
  const browser = set.match(/signin_browser=([^;]+)/)?.[1];
  return { ...res, cookie: browser ? `signin_browser=${browser}` : cookie, setCookie: set };
}
const redeem = (token: string, cookie?: string) => t.request('POST', '/api/auth/email-link/complete', { body: { token }, headers: cookie ? { cookie } : {} });
const linkMailsTo = async (email: string) => (await t.mails('sign_in_link')).filter((m) => m.to_email === email);
const tokenFor = async (email: string, n = 0) => tokenOf(linkIn((await linkMailsTo(email))[n]!.message.text));

describe('sign-in link by email', () => {
  it('is emailed over SMTP and signs the person in once, in the browser that asked, with a working session', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const asked = await ask(u.email.toUpperCase());
    expect(asked.status).toBe(202);
    expect(asked.setCookie).toMatch(/HttpOnly/i);
    expect(asked.setCookie).toMatch(/SameSite=Strict/i);

    const smtp = await startSmtp();
    let link: string;
    try {
      await deliverDue(t.deps, smtpMailer(smtp.url, 'SEND Live Training <noreply@example.org>'));
      const mail = smtp.received.find((m) => m.to.includes(u.email))!;
      expect(mail.raw).toMatch(/^Subject: Your sign-in link for SEND Live Training/m);
      link = linkIn(decodeQuotedPrintable(mail.raw));
    } finally {
      await smtp.close();
    }
    const token = tokenOf(link);
    expect(JSON.stringify(await t.db.selectFrom('sign_in_links').selectAll().execute())).not.toContain(token);

    const done = await redeem(token, asked.cookie);
    expect(done.status).toBe(200);
    expect(done.json.user).toMatchObject({ id: u.id, email: u.email });
    // The session behaves like a password one: bearer works, the cookie needs its CSRF token to change anything, signing out ends it.
    const bearer = { authorization: `Bearer ${done.json.token}` };
    expect((await t.request('GET', '/api/me', { headers: bearer })).json.id).toBe(u.id);
    const sid = done.headers.get('set-cookie')!.match(/sid=[^;]+/)![0];
    const body = { currentPassword: TEST_PASSWORD, newPassword: 'a much longer new passphrase' };
    expect((await t.request('POST', '/api/me/password', { headers: { cookie: sid }, body })).status).toBe(403);
    expect((await t.request('POST', '/api/auth/logout', { headers: bearer })).status).toBe(204);
    expect((await t.request('GET', '/api/me', { headers: bearer })).status).toBe(401);

    const again = await redeem(token, asked.cookie);
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe('invalid_sign_in_link');
  });

  it('carries the page the person was going to (a path on this site only) in the link, and refuses an over-long one', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const linkAfter = async (next: unknown) => {
      const before = (await linkMailsTo(u.email)).length;
      const asked = await t.request('POST', '/api/auth/email-link', { body: { email: u.email, next } });
      expect(asked.status).toBe(202);
      const mails = await linkMailsTo(u.email);
      expect(mails.length).toBe(before + 1);
      return mails[before]!.message.text.match(/http:\/\/localhost:3000\/signin-link\S*#token=[A-Za-z0-9_-]+/)![0];
    };
    const checkin = '/sessions/0b5c7d3e-1111-4222-8333-944445555666/checkin?code=123456';
    const link = new URL(await linkAfter(checkin));
    expect(link.pathname).toBe('/signin-link');
    expect(link.searchParams.get('next')).toBe(checkin);
    // Another site, or a way off this one, is not carried: the link goes to the sessions as before.
    for (const away of ['https://evil.example/x', '//evil.example', '/\\evil.example']) expect(new URL(await linkAfter(away)).search).toBe('');
    const long = await t.request('POST', '/api/auth/email-link', { body: { email: u.email, next: `/${'a'.repeat(600)}` } });
    expect(long.status).toBe(400);
  });

  it('answers the same for an unknown address, and sends nothing', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const known = await ask(u.email);
    const unknown = await ask('no-such-person@example.org');
    expect(unknown.status).toBe(known.status);
    expect(unknown.json).toEqual(known.json);
    expect(unknown.setCookie.replace(/=[^;]+;/, '')).toBe(known.setCookie.replace(/=[^;]+;/, ''));
    expect(await linkMailsTo('no-such-person@example.org')).toHaveLength(0);
    expect(await linkMailsTo(u.email)).toHaveLength(1);
  });

  it('does not work in another browser, and is not used up by trying there', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const asked = await ask(u.email);
    const token = await tokenFor(u.email);
    const elsewhere = await ask('someone-else@example.org'); // another browser, with its own cookie
    for (const cookie of [undefined, elsewhere.cookie]) {
      const refused = await redeem(token, cookie);
      expect(refused.status).toBe(400);
      expect(refused.json.error.code).toBe('sign_in_link_other_browser');
      expect(refused.json.error.message).toMatch(/browser where you asked/);
    }
    expect((await redeem(token, asked.cookie)).status).toBe(200);
  });

  it('a browser that asks twice can use either link', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const first = await ask(u.email);
    const second = await ask(u.email, first.cookie);
    expect(second.cookie).toBe(first.cookie);
    expect((await redeem(await tokenFor(u.email, 0), first.cookie)).status).toBe(200);
    expect((await redeem(await tokenFor(u.email, 1), first.cookie)).status).toBe(200);
  });

  it('stops working after 15 minutes', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const asked = await ask(u.email);
    const token = await tokenFor(u.email);
    t.clock.advance(15 * 60_000 + 1000);
    const late = await redeem(token, asked.cookie);
    expect(late.status).toBe(400);
    expect(late.json.error.code).toBe('invalid_sign_in_link');
  });

  it('a made-up token does not work; a password change voids the person’s links', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const asked = await ask(u.email);
    expect((await redeem('x'.repeat(43), asked.cookie)).json.error.code).toBe('invalid_sign_in_link');
    const token = await tokenFor(u.email);
    expect((await t.request('POST', '/api/me/password', { as: u, body: { currentPassword: TEST_PASSWORD, newPassword: 'a much longer new passphrase' } })).status).toBe(204);
    expect((await redeem(token, asked.cookie)).json.error.code).toBe('invalid_sign_in_link');
  });

  it('someone with no password (signing in by link) who tries to change one is told so, 409 no_password, however often, and is not locked out of their links', async () => {
    const u = await t.user('staff', (await t.org()).id);
    await t.db.updateTable('users').set({ password_hash: null }).where('id', '=', u.id).execute();
    expect((await t.request('GET', '/api/me/sign-in-methods', { as: u })).json).toMatchObject({ password: false, emailLink: true });
    for (let i = 0; i < 8; i++) {
      const tried = await t.request('POST', '/api/me/password', { as: u, body: { currentPassword: 'whatever they guess', newPassword: 'a much longer new passphrase' } });
      expect(tried.status, `try ${i + 1}`).toBe(409);
      expect(tried.json.error).toMatchObject({ code: 'no_password', message: 'You have no password here yet: you sign in with a link sent to your email, or your school account. To set one, sign out and choose “Forgot your password?” on the sign-in page.' });
    }
    // The tries were not counted as wrong passwords: a link still comes.
    const asked = await ask(u.email);
    expect(asked.status).toBe(202);
    expect(await linkMailsTo(u.email)).toHaveLength(1);
  });

  it('an account turned off gets no link, and a link sent before cannot sign in', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const u = await t.user('staff', org.id);
    const asked = await ask(u.email);
    const token = await tokenFor(u.email);
    expect((await t.request('PATCH', `/api/users/${u.id}`, { as: office, body: { disabled: true } })).status).toBe(200);
    expect((await redeem(token, asked.cookie)).status).toBe(400);
    await ask(u.email, asked.cookie);
    expect(await linkMailsTo(u.email)).toHaveLength(1);
  });

  it('a link asked for before the organisation required its own sign-in (or before a move into one that does) is refused, as a password is', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const u = await t.user('staff', org.id);
    const sessionsOf = async (...ids: string[]) => (await t.db.selectFrom('auth_sessions').select('id').where('user_id', 'in', ids).execute()).length;
    const uBefore = await sessionsOf(u.id);
    const asked = await ask(u.email);
    const token = await tokenFor(u.email);
    await providerServing(t, org.id);
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    const refused = await redeem(token, asked.cookie);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'sso_required']);
    expect(refused.headers.get('set-cookie') ?? '').not.toMatch(/sid=/);
    const password = await t.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } });
    expect([password.status, password.json.error.code]).toEqual([403, 'sso_required']);

    // Moved by an administrator into such an organisation after asking: the same.
    const mover = await t.user('staff', (await t.org()).id);
    const before = uBefore + (await sessionsOf(mover.id));
    const moverAsked = await ask(mover.email);
    const moverToken = await tokenFor(mover.email);
    expect((await t.request('PUT', `/api/users/${mover.id}/placement`, { as: admin, body: { role: 'staff', orgId: org.id } })).status).toBe(200);
    const moved = await redeem(moverToken, moverAsked.cookie);
    expect([moved.status, moved.json.error.code]).toEqual([403, 'sso_required']);
    // Nobody was signed in by either link.
    expect(await sessionsOf(u.id, mover.id)).toBe(before);
  });

  it('asking is throttled like password sign-in, the same for known and unknown addresses, and at most three emails go out to one browser', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const statuses = async (email: string) => {
      const out: number[] = [];
      let cookie: string | undefined;
      for (let i = 0; i < 6; i++) {
        const r = await ask(email, cookie);
        cookie = r.cookie;
        out.push(r.status);
      }
      return out;
    };
    const known = await statuses(u.email);
    const unknown = await statuses('nobody-here@example.org');
    expect(known).toEqual([202, 202, 202, 202, 202, 429]);
    expect(unknown).toEqual(known);
    expect(await linkMailsTo(u.email)).toHaveLength(3);
    // A link request counts as a sign-in attempt: the password is not even checked now.
    const login = await t.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } });
    expect(login.status).toBe(429);
    expect(login.headers.get('retry-after')).toBeTruthy();
  });

  it('someone else asking for links to your address (which work only in their browser) does not stop yours: each browser gets its own three, the address at most ten from every browser together', async () => {
    const u = await t.user('staff', (await t.org()).id);
    let stranger: string | undefined;
    for (let i = 0; i < 3; i++) stranger = (await ask(u.email, stranger)).cookie;
    expect((await ask(u.email, stranger)).status).toBe(202); // a fourth from that browser: nothing sent
    expect(await linkMailsTo(u.email)).toHaveLength(3);
    // The person, in their own browser.
    const mine = await ask(u.email);
    expect(mine.status).toBe(202);
    const mails = await linkMailsTo(u.email);
    expect(mails).toHaveLength(4);
    const done = await redeem(await tokenFor(u.email, 3), mine.cookie);
    expect(done.status, done.text).toBe(200);
    expect(done.json.user.id).toBe(u.id);

    // From many browsers and client addresses together, no more than ten in 15 minutes.
    const proxies = t.deps.config.trustProxy;
    t.deps.config.trustProxy = 1;
    try {
      for (let i = 0; i < 12; i++) expect((await ask(u.email, undefined, { 'x-forwarded-for': `198.51.100.${i + 1}` })).status).toBe(202);
    } finally {
      t.deps.config.trustProxy = proxies;
    }
    expect(await linkMailsTo(u.email)).toHaveLength(10);
  });

  it('the staff of a school behind one address sign in by link one after another without using up its allowance: only what fails counts', async () => {
    const org = await t.org();
    const people = await Promise.all(Array.from({ length: 6 }, () => t.user('staff', org.id)));
    const school = { 'x-forwarded-for': '203.0.113.77' };
    const [limits, proxies] = [t.deps.config.signInLimits, t.deps.config.trustProxy];
    t.deps.config.signInLimits = { ...limits, perClient: 4 };
    t.deps.config.trustProxy = 1;
    try {
      // Six people, each asking for a link and using it: twelve steps from one address allowed four.
      for (const p of people) {
        const asked = await ask(p.email, undefined, school);
        expect(asked.status).toBe(202);
        const done = await t.request('POST', '/api/auth/email-link/complete', { body: { token: await tokenFor(p.email) }, headers: { cookie: asked.cookie!, ...school } });
        expect(done.status, done.text).toBe(200);
        expect(done.json.user.id).toBe(p.id);
      }
      const login = await t.request('POST', '/api/auth/login', { body: { email: people[0]!.email, password: TEST_PASSWORD }, headers: school });
      expect(login.status).toBe(200);
      // Made-up links from that address still count, and are stopped at the limit.
      const guesses: number[] = [];
      for (let i = 0; i < 5; i++) guesses.push((await t.request('POST', '/api/auth/email-link/complete', { body: { token: `made-up-${i}-${'x'.repeat(30)}` }, headers: school })).status);
      expect(guesses).toEqual([400, 400, 400, 400, 429]);
    } finally {
      t.deps.config.signInLimits = limits;
      t.deps.config.trustProxy = proxies;
    }
  });
});
