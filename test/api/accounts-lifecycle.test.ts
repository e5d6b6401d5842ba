/**
 * An account's life: changing the password, "Forgot your password?" with an emailed
 * single-use link, turning accounts off and on, and who may grant the captioner flag.
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { ensureAdmin } from '../../server/accounts/service.js';
import { holdingLocks, lockWaits, makeTestContext, TEST_PASSWORD, usePostgres, type TestContext, type TestUser } from '../helpers.js';
import { startSmtp } from '../smtp.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext();
});
afterAll(() => t.close());

const NEW_PASSWORD = 'a much longer new passphrase';

const login = (email: string, password: string) => t.request('POST', '/api/auth/login', { body: { email, password } });
const me = (auth: Record<string, string>) => t.request('GET', '/api/me', { headers: auth });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The reset link in a message's text. */
function linkIn(text: string): string {
  return text.match(/http:\/\/localhost:3000\/reset-password#token=[A-Za-z0-9_-]+/)![0];
}
/** The text of a raw MIME message whose text part is quoted-printable. */
const decodeQuotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');

async function resetMailsTo(email: string) {
  return (await t.mails('password_reset')).filter((m) => m.to_email === email);
}

describe('changing your password', () => {
  it('needs the current password; ends every other sign-in session but keeps this one', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const here = await login(u.email, TEST_PASSWORD);
    const elsewhere = await login(u.email, TEST_PASSWORD);
    const wrong = await t.request('POST', '/api/me/password', { headers: bearer(here.json.token), body: { currentPassword: 'not my password', newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('wrong_password');
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(200); // unchanged

    const short = await t.request('POST', '/api/me/password', { headers: bearer(here.json.token), body: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(short.status).toBe(400);
    expect(short.json.error.details.issues[0].path).toBe('newPassword');
    // The same password again: refused (after the current one was right), and no one signed out.
    const same = await t.request('POST', '/api/me/password', { headers: bearer(here.json.token), body: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD } });
    expect(same.status).toBe(400);
    expect(same.json.error.details.issues).toEqual([{ path: 'newPassword', message: 'must be different from your current password' }]);
    expect((await me(bearer(elsewhere.json.token))).status).toBe(200);

    const ok = await t.request('POST', '/api/me/password', { headers: bearer(here.json.token), body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(ok.status).toBe(204);
    expect((await me(bearer(here.json.token))).status).toBe(200);
    expect((await me(bearer(elsewhere.json.token))).status).toBe(401);
    expect((await me(u.auth)).status).toBe(401);
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('works with the session cookie and its CSRF token, and not without the token', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const here = await login(u.email, TEST_PASSWORD);
    const cookie = here.headers.get('set-cookie')!.split(';')[0]!;
    const body = { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD };
    expect((await t.request('POST', '/api/me/password', { headers: { cookie }, body })).status).toBe(403);
    expect((await t.request('POST', '/api/me/password', { headers: { cookie, 'x-csrf-token': here.json.csrfToken }, body })).status).toBe(204);
  });

  it('guessing the current password is throttled like signing in', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.request('POST', '/api/me/password', { as: u, body: { currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD } })).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
  });

  it('needs a sign-in', async () => {
    expect((await t.request('POST', '/api/me/password', { body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(401);
  });
});

describe('the administrator named by ADMIN_EMAIL and ADMIN_PASSWORD at start-up', () => {
  it('is made once; a start with the same password changes nothing; a changed password ends the old sign-ins and voids emailed links', async () => {
    const email = `boot-admin-${Date.now()}@example.org`;
    const id = await ensureAdmin(t.deps, email, 'first long admin passphrase');
    const login = async (password: string) => t.request('POST', '/api/auth/login', { body: { email, password } });
    const first = await login('first long admin passphrase');
    expect(first.status).toBe(200);
    const bearer = { authorization: `Bearer ${first.json.token}` };
    expect(await ensureAdmin(t.deps, email, 'first long admin passphrase')).toBe(id);
    expect((await t.request('GET', '/api/me', { headers: bearer })).status).toBe(200);
    await t.request('POST', '/api/auth/password-reset', { body: { email } });
    const token = tokenOf(linkIn((await resetMailsTo(email))[0]!.message.text));
    // Rotated (after a leak, say): the old sign-in and the reset link asked for before no longer work.
    expect(await ensureAdmin(t.deps, email, 'second long admin passphrase')).toBe(id);
    expect((await t.request('GET', '/api/me', { headers: bearer })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } })).status).toBe(400);
    expect((await login('first long admin passphrase')).status).toBe(401);
    expect((await login('second long admin passphrase')).status).toBe(200);
  });
});

describe('forgot your password', () => {
  it('emails a single-use link (over SMTP) that sets a new password and ends every sign-in session', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const session = await login(u.email, TEST_PASSWORD);
    const asked = await t.request('POST', '/api/auth/password-reset', { body: { email: u.email.toUpperCase() } });
    expect(asked.status).toBe(202);

    const smtp = await startSmtp();
    let link: string;
    try {
      await deliverDue(t.deps, smtpMailer(smtp.url, 'SEND Live Training <noreply@example.org>'));
      const mail = smtp.received.find((m) => m.to.includes(u.email))!;
      expect(mail.raw).toMatch(/^Subject: Reset your password for SEND Live Training/m);
      link = linkIn(decodeQuotedPrintable(mail.raw));
    } finally {
      await smtp.close();
    }
    const token = tokenOf(link);
    // Only the token's hash is kept.
    const stored = await t.db.selectFrom('password_resets').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const done = await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } });
    expect(done.status).toBe(204);
    expect((await me(bearer(session.json.token))).status).toBe(401);
    expect((await me(u.auth)).status).toBe(401);
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);

    const again = await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: 'yet another passphrase' } });
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe('invalid_reset_link');
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('answers the same for an unknown address, and sends nothing', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const known = await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } });
    const unknown = await t.request('POST', '/api/auth/password-reset', { body: { email: 'no-such-person@example.org' } });
    expect(unknown.status).toBe(known.status);
    expect(unknown.json).toEqual(known.json);
    expect(await resetMailsTo('no-such-person@example.org')).toHaveLength(0);
    expect(await resetMailsTo(u.email)).toHaveLength(1);
  });

  it('a link stops working after an hour', async () => {
    const u = await t.user('staff', (await t.org()).id);
    await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } });
    const [mail] = await resetMailsTo(u.email);
    const token = tokenOf(linkIn(mail!.message.text));
    t.clock.advance(60 * 60_000 + 1000);
    const late = await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } });
    expect(late.status).toBe(400);
    expect(late.json.error.code).toBe('invalid_reset_link');
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('a link used up by a password change, or a made-up token, does not work', async () => {
    const u = await t.user('staff', (await t.org()).id);
    await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } });
    const token = tokenOf(linkIn((await resetMailsTo(u.email))[0]!.message.text));
    expect((await t.request('POST', '/api/me/password', { as: await signedIn(u), body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(204);
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: 'another long passphrase' } })).status).toBe(400);
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token: 'x'.repeat(43), password: 'another long passphrase' } })).status).toBe(400);
  });

  it('sends at most three emails an hour to one address, answering the same each time', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } })).status);
    expect(answers).toEqual([202, 202, 202, 202, 202]);
    expect(await resetMailsTo(u.email)).toHaveLength(3);
  });

  it('after a reset the person can sign in from the address that was throttled', async () => {
    const u = await t.user('staff', (await t.org()).id);
    for (let i = 0; i < 5; i++) await login(u.email, `wrong ${i}`);
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(429);
    await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } });
    const token = tokenOf(linkIn((await resetMailsTo(u.email))[0]!.message.text));
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } })).status).toBe(204);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('made-up links are counted per address like sign-ins: past the limit a real link waits too, with Retry-After', async () => {
    const tight = await makeTestContext({ config: { signInLimits: { windowMinutes: 15, perAccountAndClient: 5, perClient: 3, perAccount: 100 } } });
    try {
      const u = await tight.user('staff', (await tight.org()).id);
      await tight.request('POST', '/api/auth/password-reset', { body: { email: u.email } });
      const token = tokenOf(linkIn((await tight.mails('password_reset')).find((m) => m.to_email === u.email)!.message.text));
      const guesses = [];
      for (let i = 0; i < 3; i++) guesses.push((await tight.request('POST', '/api/auth/password-reset/complete', { body: { token: `${'g'.repeat(42)}${i}`, password: NEW_PASSWORD } })).status);
      expect(guesses).toEqual([400, 400, 400]);
      const stopped = await tight.request('POST', '/api/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } });
      expect(stopped.status).toBe(429);
      expect(stopped.json.error.code).toBe('rate_limited');
      expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0);
      // Nothing changed: the old password still signs in and the link was not used up.
      expect((await tight.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } })).status).toBe(200);
      const usable = await tight.db.selectFrom('password_resets').select('used_at').where('user_id', '=', u.id).executeTakeFirstOrThrow();
      expect(usable.used_at).toBeNull();
    } finally {
      await tight.close();
    }
  });

  it('works with a stale Authorization header', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const res = await t.request('POST', '/api/auth/password-reset', { headers: { authorization: 'Bearer no-longer-valid' }, body: { email: u.email } });
    expect(res.status).toBe(202);
  });
});

/** A fresh password sign-in for a fixture user (bearer). */
async function signedIn(u: TestUser): Promise<TestUser> {
  const res = await login(u.email, TEST_PASSWORD);
  return { ...u, token: res.json.token, auth: bearer(res.json.token) };
}

describe('asking for reset emails for one address after another', () => {
  it('is limited per client address, as asking for sign-in links is: past the limit, 429 with Retry-After and nothing sent', async () => {
    const limits = { windowMinutes: 15, perAccountAndClient: 5, perClient: 5, perAccount: 100 };
    const ctx = await makeTestContext({ config: { signInLimits: limits } });
    try {
      const org = await ctx.org();
      const people = [];
      for (let i = 0; i < 7; i++) people.push(await ctx.user('staff', org.id));
      const answers = [];
      for (const p of people) answers.push(await ctx.request('POST', '/api/auth/password-reset', { body: { email: p.email } }));
      expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 429, 429]);
      expect(answers[5]!.headers.get('retry-after')).toBeTruthy();
      expect(answers[5]!.json.error.code).toBe('rate_limited');
      expect((await ctx.mails('password_reset')).map((m) => m.to_email).sort()).toEqual(people.slice(0, 5).map((p) => p.email).sort());
      // Another client address is not held back by this one's.
      ctx.deps.config.trustProxy = 1;
      const elsewhere = await ctx.request('POST', '/api/auth/password-reset', { body: { email: people[6]!.email }, headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(elsewhere.status).toBe(202);
      expect(await ctx.mails('password_reset')).toHaveLength(6);
    } finally {
      await ctx.close();
    }
  });
});

describe('turning accounts off and on', () => {
  it('office staff turn off their own staff: every session ends at once and sign-in says why', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id);
    const second = await signedIn(staff);
    const off = await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { disabled: true } });
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ id: staff.id, disabled: true });
    expect((await me(staff.auth)).status).toBe(401);
    expect((await me(second.auth)).status).toBe(401);

    const refused = await login(staff.email, TEST_PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('account_disabled');
    expect(refused.json.error.message).toMatch(/turned off/);
    // A wrong password learns nothing about the account.
    const wrong = await login(staff.email, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalid_credentials');
    // No reset email either.
    await t.request('POST', '/api/auth/password-reset', { body: { email: staff.email } });
    expect(await resetMailsTo(staff.email)).toHaveLength(0);

    const list = await t.request('GET', `/api/orgs/${org.id}/users`, { as: office });
    expect(list.json.items.find((p: any) => p.id === staff.id).disabled).toBe(true);

    const on = await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { disabled: false } });
    expect(on.json.disabled).toBe(false);
    expect((await me(staff.auth)).status).toBe(401); // ended sessions stay ended
    expect((await login(staff.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('office staff cannot turn off people of another organisation, other office staff, or anyone as staff', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const colleague = await t.user('office', org.id);
    const staff = await t.user('staff', org.id);
    const outsider = await t.user('staff', (await t.org()).id);
    const other = await t.request('PATCH', `/api/users/${outsider.id}`, { as: office, body: { disabled: true } });
    expect(other.status).toBe(404);
    expect((await t.request('PATCH', `/api/users/${colleague.id}`, { as: office, body: { disabled: true } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/users/${office.id}`, { as: staff, body: { disabled: true } })).status).toBe(403);
    for (const u of [outsider, colleague, office]) expect((await me(u.auth)).status).toBe(200);
  });

  it('admins turn off and on anyone but themselves', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    expect((await t.request('PATCH', `/api/users/${trainer.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    expect((await me(trainer.auth)).status).toBe(401);
    expect((await login(trainer.email, TEST_PASSWORD)).json.error.code).toBe('account_disabled');
    expect((await t.request('PATCH', `/api/users/${trainer.id}`, { as: admin, body: { disabled: false } })).status).toBe(200);
    expect((await login(trainer.email, TEST_PASSWORD)).status).toBe(200);
    expect((await t.request('PATCH', `/api/users/${admin.id}`, { as: admin, body: { disabled: true } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/users/00000000-0000-4000-8000-000000000000`, { as: admin, body: { disabled: true } })).status).toBe(404);
  });

  it('turning off or moving someone who runs sessions says which sessions still to come are left with no one to run them', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const tara = await t.user('trainer', null, 'Tara Sole');
    const cole = await t.user('trainer', null, 'Cole Shared');
    const day = (d: number, h = 0) => new Date(t.clock.now().getTime() + d * 86_400_000 + h * 3_600_000).toISOString();
    const at = (d: number) => ({ startsAt: day(d), endsAt: day(d, 1) });
    const later = await t.session({ title: 'Sole, later', ...at(9) }, tara);
    const soon = await t.session({ title: 'Sole, soon', ...at(5) }, tara);
    const shared = await t.session({ title: 'Shared', ...at(6), trainerIds: [tara.id, cole.id] }, tara);
    const cancelled = await t.session({ title: 'Cancelled', ...at(7) }, tara);
    expect((await t.request('POST', `/api/sessions/${cancelled.id}/cancel`, { as: tara, body: {} })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${shared.id}/trainers`, { as: cole })).status).toBe(200);

    const off = await t.request('PATCH', `/api/users/${tara.id}`, { as: admin, body: { disabled: true } });
    expect(off.status).toBe(200);
    // Soonest first; the shared one has Cole, the cancelled one needs no one.
    expect(off.json.sessionsWithoutTrainer).toEqual([
      { id: soon.id, title: 'Sole, soon', startsAt: soon.startsAt },
      { id: later.id, title: 'Sole, later', startsAt: later.startsAt },
    ]);
    // The session page says so to an administrator, while the session is still to come; not to anyone else.
    const page = async (id: string, as: TestUser) => (await t.request('GET', `/api/sessions/${id}`, { as })).json.noOneRuns;
    expect([await page(soon.id, admin), await page(shared.id, admin), await page(shared.id, cole), await page(soon.id, cole), await page(cancelled.id, admin)]).toEqual([true, false, false, undefined, undefined]);
    const on = await t.request('PATCH', `/api/users/${tara.id}`, { as: admin, body: { disabled: false } });
    expect(await page(soon.id, admin)).toBe(false);
    expect(on.json.sessionsWithoutTrainer).toEqual([]);
    // Made staff: she runs none of them any more.
    const moved = await t.request('PUT', `/api/users/${tara.id}/placement`, { as: admin, body: { role: 'staff', orgId: org.id } });
    expect(moved.status).toBe(200);
    expect(moved.json.sessionsWithoutTrainer.map((s: { title: string }) => s.title)).toEqual(['Sole, soon', 'Sole, later']);
    // Now Cole is the only one able to run the shared session.
    const coleOff = await t.request('PATCH', `/api/users/${cole.id}`, { as: admin, body: { disabled: true } });
    expect(coleOff.json.sessionsWithoutTrainer.map((s: { title: string }) => s.title)).toEqual(['Shared']);
    // A change that turns no one off says nothing of it.
    expect((await t.request('PATCH', `/api/users/${cole.id}`, { as: admin, body: { jobRole: 'leadership' } })).json.sessionsWithoutTrainer).toEqual([]);
  });

  it('an administrator cannot take away their own administrator role (as they cannot turn off their own account); another administrator can', async () => {
    const [admin, other] = [await t.user('admin'), await t.user('admin')];
    const org = await t.org();
    const own = await t.request('PUT', `/api/users/${admin.id}/placement`, { as: admin, body: { role: 'staff', orgId: org.id } });
    expect(own.status).toBe(403);
    expect(own.json.error.message).toBe('You cannot take away your own administrator role: ask another administrator.');
    expect((await t.request('GET', '/api/me', { as: admin })).json.role).toBe('admin');
    // Placing themselves in an organisation, still an administrator, is theirs to do.
    expect((await t.request('PUT', `/api/users/${admin.id}/placement`, { as: admin, body: { role: 'admin', orgId: org.id } })).status).toBe(200);
    expect((await t.request('PUT', `/api/users/${admin.id}/placement`, { as: other, body: { role: 'staff', orgId: org.id } })).status).toBe(200);
    expect((await t.request('GET', '/api/me', { as: admin })).json.role).toBe('staff');
  });

  it('a reset link sent before the account was turned off no longer works', async () => {
    const admin = await t.user('admin');
    const u = await t.user('staff', (await t.org()).id);
    await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } });
    const token = tokenOf(linkIn((await resetMailsTo(u.email))[0]!.message.text));
    await t.request('PATCH', `/api/users/${u.id}`, { as: admin, body: { disabled: true } });
    await t.request('PATCH', `/api/users/${u.id}`, { as: admin, body: { disabled: false } });
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } })).status).toBe(400);
  });
});

describe('changing several things about a person at once', () => {
  it('changes all of them or, when one fails, none: a failed change leaves the account on, its sessions and its places', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const start = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const s = await t.session({ title: 'Changed together', startsAt: start, endsAt: new Date(Date.parse(start) + 3_600_000).toISOString() });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const notices = async () => (await t.db.selectFrom('outbox').select('kind').where('user_id', '=', staff.id).execute()).length;
    const before = await notices();
    // Planted by the test alone: saving this person's job role fails (as a lost connection would, half way through).
    if (t.deps.dbKind === 'sqlite') {
      await sql.raw(`create trigger planted_job_role_failure before update of job_role on users when new.id = '${staff.id}' begin select raise(abort, 'planted failure'); end`).execute(t.db);
    } else {
      await sql.raw(`create function planted_job_role_failure() returns trigger language plpgsql as $$ begin raise exception 'planted failure'; end $$`).execute(t.db);
      await sql.raw(`create trigger planted_job_role_failure before update of job_role on users for each row when (new.id = '${staff.id}') execute function planted_job_role_failure()`).execute(t.db);
    }
    try {
      const failed = await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { disabled: true, captioner: true, jobRole: 'teacher' } });
      expect(failed.status).toBe(500);
      const person = await t.request('GET', `/api/users/${staff.id}`, { as: admin });
      expect(person.json).toMatchObject({ disabled: false, captioner: false, jobRole: null });
      expect((await me(staff.auth)).status).toBe(200);
      const mine = await t.request('GET', '/api/me/bookings', { as: staff });
      expect(mine.json.items.map((b: { sessionId: string; status: string }) => [b.sessionId, b.status])).toContainEqual([s.id, 'confirmed']);
      expect(await notices()).toBe(before);
    } finally {
      await sql.raw('drop trigger planted_job_role_failure' + (t.deps.dbKind === 'sqlite' ? '' : ' on users')).execute(t.db);
    }
    const done = await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { disabled: true, captioner: true, jobRole: 'teacher' } });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ disabled: true, captioner: true, jobRole: 'teacher', placesGivenUp: 1 });
  });
});

describe('captioner flag and people', () => {
  it('only admins grant the captioner flag', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const staff = await t.user('staff', org.id);
    const made = await t.request('POST', '/api/users', { as: office, body: { email: 'captioner-by-office@example.org', name: 'Cap Tioner', role: 'staff', captioner: true } });
    expect(made.status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${org.id}/users`, { as: office })).json.items.some((p: any) => p.email === 'captioner-by-office@example.org')).toBe(false);
    const flag = await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { captioner: true } });
    expect(flag.status).toBe(403);
    // Nothing changed, even with a part office staff may change.
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { captioner: true, disabled: true } })).status).toBe(403);
    expect((await me(staff.auth)).json).toMatchObject({ captioner: false, disabled: false });

    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { captioner: true } })).json.captioner).toBe(true);
    expect((await me(staff.auth)).json.captioner).toBe(true);
    const byAdmin = await t.request('POST', '/api/users', { as: admin, body: { email: 'captioner-by-admin@example.org', name: 'Cap Tioner', role: 'staff', orgId: org.id, captioner: true } });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.json.captioner).toBe(true);
  });

  it('an office may not choose a new person’s password (it would hold the account, whatever role it is given later); an administrator may', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const refused = await t.request('POST', '/api/users', { as: office, body: { email: 'chosen-by-office@example.org', name: 'Pat Chosen', role: 'staff', password: 'office-knows-this-1' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe('Only administrators can set a password for someone. The person chooses their own: email them a link to choose one, or they can ask for a sign-in link on the sign-in page.');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'chosen-by-office@example.org').execute()).toHaveLength(0);
    expect((await t.request('POST', '/api/auth/login', { body: { email: 'chosen-by-office@example.org', password: 'office-knows-this-1' } })).status).toBe(401);
    // Without a password the office adds them, and they have none.
    const made = await t.request('POST', '/api/users', { as: office, body: { email: 'chosen-by-office@example.org', name: 'Pat Chosen', role: 'staff' } });
    expect(made.status).toBe(201);
    expect((await t.db.selectFrom('users').select('password_hash').where('id', '=', made.json.id).executeTakeFirstOrThrow()).password_hash).toBeNull();
    const byAdmin = await t.request('POST', '/api/users', { as: admin, body: { email: 'chosen-by-admin@example.org', name: 'Pat Admin', role: 'trainer', password: 'admin-set-this-1' } });
    expect(byAdmin.status).toBe(201);
  });

  it('an email taken in another school is refused without naming that school', async () => {
    const schoolA = await t.org('Oakfield Primary Academy');
    const taken = await t.user('staff', schoolA.id);
    const office = await t.user('office', (await t.org('Birchwood School')).id);
    const res = await t.request('POST', '/api/users', { as: office, body: { email: taken.email, name: 'Someone Else', role: 'staff' } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('email_taken');
    expect(res.text).not.toContain('Oakfield');
    expect(res.text).not.toContain(taken.name);
    expect(res.text).not.toContain(schoolA.id);
  });

  it('admins search everyone by name or email, a page at a time; no one else can', async () => {
    const admin = await t.user('admin');
    const org = await t.org('Search Test School');
    const people = [];
    for (const name of ['Zara Quill', 'zack quillon', 'Ann Other']) people.push(await t.user('staff', org.id, name));
    const found = await t.request('GET', '/api/users?q=QUILL', { as: admin });
    expect(found.status).toBe(200);
    expect(found.json.items.map((p: any) => p.name).sort()).toEqual(['Zara Quill', 'zack quillon']);
    expect(found.json.items[0].orgName).toBe('Search Test School');
    const byEmail = await t.request('GET', `/api/users?q=${encodeURIComponent(people[2]!.email)}`, { as: admin });
    expect(byEmail.json.items.map((p: any) => p.id)).toEqual([people[2]!.id]);
    const wild = await t.request('GET', '/api/users?q=%25', { as: admin });
    expect(wild.json.items).toEqual([]);
    const page = await t.request('GET', '/api/users?limit=2', { as: admin });
    expect(page.json.items).toHaveLength(2);
    expect(page.json.hasMore).toBe(true);
    const office = await t.user('office', org.id);
    expect((await t.request('GET', '/api/users', { as: office })).status).toBe(403);
  });

  it('finds names and organisations written outside ASCII, in any case and however the accent was typed (both databases)', async () => {
    const admin = await t.user('admin');
    const org = await t.org('École Saint-Joseph');
    const office = await t.user('office', org.id);
    const orla = await t.user('staff', org.id, 'ÓRLA Ní Bhriain');
    const olga = await t.user('staff', org.id, 'Ольга Петрова');
    // "é" typed as "e" and a combining accent, as older text may hold it.
    const zoe = await t.user('staff', org.id, 'Zoe\u0301 Ashe\u0301');
    const ids = async (path: string, as = admin) => {
      const r = await t.request('GET', path, { as });
      expect(r.status, r.text).toBe(200);
      return r.json.items.map((p: { id: string }) => p.id);
    };
    expect(await ids(`/api/users?q=${encodeURIComponent('órla')}`)).toEqual([orla.id]);
    expect(await ids(`/api/users?q=${encodeURIComponent('ОЛЬГА')}`)).toEqual([olga.id]);
    expect(await ids(`/api/users?q=${encodeURIComponent('zoé')}`)).toEqual([zoe.id]);
    expect(await ids(`/api/orgs/${org.id}/users?q=${encodeURIComponent('órla')}`, office)).toEqual([orla.id]);
    expect(await ids(`/api/orgs?q=${encodeURIComponent('école')}`)).toEqual([org.id]);
  });

  it('lists one organisation’s people with orgId, with the other filters; an organisation that does not exist has no one', async () => {
    const admin = await t.user('admin');
    const oak = await t.org('Oak Filter School');
    const elm = await t.org('Elm Filter School');
    await t.user('staff', oak.id, 'Quinn Oak');
    const oakOffice = await t.user('office', oak.id, 'Quentin Oak');
    await t.user('staff', elm.id, 'Quinn Elm');
    const names = async (query: string) => (await t.request('GET', `/api/users?${query}`, { as: admin })).json.items.map((p: any) => p.name);
    expect(await names(`orgId=${oak.id}`)).toEqual(['Quentin Oak', 'Quinn Oak']);
    expect(await names(`orgId=${oak.id}&q=quinn`)).toEqual(['Quinn Oak']);
    expect(await names(`orgId=${oak.id}&role=office`)).toEqual([oakOffice.name]);
    expect(await names('orgId=no-such-organisation')).toEqual([]);
  });
});

describe('an account turned off while its booking is under way (PostgreSQL: several connections at once)', () => {
  // Every hold is let go after its test, passed or failed: a hold left behind would keep
  // the next tests' requests waiting and their counts of waiting statements wrong.
  const held: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((release) => release()));
  });
  const holding = async (lock: (trx: Transaction<Database>) => Promise<unknown>) => {
    const release = await holdingLocks(t, lock);
    held.push(release);
    return release;
  };
  const waiting = () => lockWaits(t);

  it.runIf(usePostgres)('turned off while the booking waits for the session: the booking is refused and leaves no place', async () => {
    const school = await t.org();
    const office = await t.user('office', school.id);
    const staff = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 3 } });
    const release = await holding((trx) => sql`select id from sessions where id = ${s.id} for update`.execute(trx));
    const booking = t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
    await expect.poll(waiting).toBe(1);
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { disabled: true } })).status).toBe(200);
    await release();
    const answer = await booking;
    expect(answer.status, answer.text).toBe(401);
    expect(await t.db.selectFrom('bookings').select('id').where('session_id', '=', s.id).where('status', '!=', 'cancelled').execute()).toHaveLength(0);
  });

  it.runIf(usePostgres)('moved to another school while their booking of their school’s in-house session waits for it: refused, no place on a session they can no longer see', async () => {
    const admin = await t.user('admin');
    const [a, b] = [await t.org(), await t.org()];
    const u = await t.user('staff', a.id);
    const s = await t.session({ capacity: { online: 3 }, audience: { kind: 'organisation', orgId: a.id } });
    const release = await holding((trx) => sql`select id from sessions where id = ${s.id} for update`.execute(trx));
    const booking = t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } });
    try {
      await expect.poll(waiting).toBe(1);
      expect((await t.request('PUT', `/api/users/${u.id}/placement`, { as: admin, body: { role: 'staff', orgId: b.id } })).status).toBe(200);
    } finally {
      await release();
    }
    const answer = await booking;
    expect(answer.status, answer.text).not.toBe(201);
    expect(await t.db.selectFrom('bookings').select('id').where('session_id', '=', s.id).where('status', '!=', 'cancelled').execute()).toHaveLength(0);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: u })).status).toBe(404);
  });

  it.runIf(usePostgres)('a school moved out of its trust while a trainer holds seats for it on a trust session: the hold waits for the move and is refused, none left outside who the session is for', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: `Moving Trust ${Date.now()}`, kind: 'trust' } })).json as { id: string };
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: `Moving School ${Date.now()}`, parentId: trust.id } })).json as { id: string };
    const s = await t.session({ capacity: { online: 5 }, audience: { kind: 'trust', orgId: trust.id } });
    // The move's change of the school's trust is under way (not yet committed).
    const release = await holding((trx) => sql`update organisations set parent_id = null where id = ${school.id}`.execute(trx));
    const hold = t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: school.id, seat: 'online', seats: 2 } });
    try {
      await expect.poll(waiting).toBe(1);
    } finally {
      await release();
    }
    const answer = await hold;
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json.error.message).toBe('Seats can only be held for an organisation the session is for.');
    expect(await t.db.selectFrom('seat_holds').select('id').where('session_id', '=', s.id).execute()).toEqual([]);
  });

  it.runIf(usePostgres)('turned off while an office books them, among others, on a session where they have a place: both answer at once, no deadlock', async () => {
    const admin = await t.user('admin');
    const school = await t.org();
    const office = await t.user('office', school.id);
    const placed = await t.user('staff', school.id);
    const colleague = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 3 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: placed, body: { seat: 'online' } })).json.status).toBe('confirmed');
    // The turning off is held at its sign-out (their sign-in sessions), after anything it locks before that.
    const release = await holding((trx) => sql`select id from auth_sessions where user_id = ${placed.id} for update`.execute(trx));
    // The office books its department, the person being turned off among them.
    const { change: offAnswer, booked: bookAnswer } = await meet(() => t.request('PATCH', `/api/users/${placed.id}`, { as: admin, body: { disabled: true } }), office, s.id, [colleague.id, placed.id], release);
    // Neither is failed by PostgreSQL's deadlock check (it would be a 503: a lone booking is not re-run).
    expect(offAnswer.status, offAnswer.text).toBe(200);
    expect(offAnswer.json.placesGivenUp).toBe(1);
    expect(bookAnswer.status, bookAnswer.text).toBe(201);
    expect(bookAnswer.json.results).toEqual([
      expect.objectContaining({ userId: colleague.id, status: 'confirmed' }),
      expect.objectContaining({ userId: placed.id, error: expect.objectContaining({ code: 'not_found' }) }),
    ]);
    const active = await t.db.selectFrom('bookings').select('user_id').where('session_id', '=', s.id).where('status', '!=', 'cancelled').execute();
    expect(active.map((r) => r.user_id)).toEqual([colleague.id]);
  });

  it.runIf(usePostgres)('turned off just as they book another session, while an office books them on it: both answer at once, no deadlock', async () => {
    const admin = await t.user('admin');
    const school = await t.org();
    const office = await t.user('office', school.id);
    const placed = await t.user('staff', school.id);
    const colleague = await t.user('staff', school.id);
    const first = await t.session({ capacity: { online: 3 } });
    const second = await t.session({ capacity: { online: 3 } });
    expect((await t.request('POST', `/api/sessions/${first.id}/bookings`, { as: placed, body: { seat: 'online' } })).json.status).toBe('confirmed');
    // The turning off has read where they have places (the first session) and waits for its lock.
    const holdFirst = await holding((trx) => sql`select id from sessions where id = ${first.id} for update`.execute(trx));
    const off = t.request('PATCH', `/api/users/${placed.id}`, { as: admin, body: { disabled: true } });
    await expect.poll(waiting).toBe(1);
    // Meanwhile they book the second session themselves: a place the turning off has not seen.
    const own = await t.request('POST', `/api/sessions/${second.id}/bookings`, { as: placed, body: { seat: 'online' } });
    expect(own.json.status, own.text).toBe('confirmed');
    // The turning off goes on until its sign-out; then the office books its department on the second session.
    const holdSignOut = await holding((trx) => sql`select id from auth_sessions where user_id = ${placed.id} for update`.execute(trx));
    await holdFirst();
    // Waiting at the sign-out itself: just after the first hold goes, the count of waiting
    // statements can still be 1 from the turning off's wait for it.
    await expect.poll(holdSignOut.blocking).toBe(1);
    await expect.poll(waiting).toBe(1);
    const booking = t.request('POST', `/api/sessions/${second.id}/bookings`, { as: office, body: { seat: 'online', userIds: [colleague.id, placed.id] } });
    await expect.poll(waiting).toBe(2);
    await holdSignOut();
    const [offAnswer, bookAnswer] = await Promise.all([off, booking]);
    expect(offAnswer.status, offAnswer.text).toBe(200);
    // Both places given up, the one booked meanwhile too.
    expect(offAnswer.json.placesGivenUp).toBe(2);
    expect(bookAnswer.status, bookAnswer.text).toBe(201);
    expect(bookAnswer.json.results).toEqual([
      expect.objectContaining({ userId: colleague.id, status: 'confirmed' }),
      expect.objectContaining({ userId: placed.id, error: expect.objectContaining({ code: 'not_found' }) }),
    ]);
    const theirs = await t.db.selectFrom('bookings').select('status').where('user_id', '=', placed.id).execute();
    expect(theirs.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  /** Runs `off` and an office's booking of [colleague, person] on `s` until both wait on a lock `release` lets go; both answers. */
  async function meet(start: () => Promise<Awaited<ReturnType<TestContext['request']>>>, office: TestUser, sessionId: string, userIds: string[], release: () => Promise<void>) {
    const first = start();
    await expect.poll(waiting).toBe(1);
    const booking = t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: office, body: { seat: 'online', userIds } });
    await expect.poll(waiting).toBe(2);
    await release();
    const [change, booked] = await Promise.all([first, booking]);
    return { change, booked };
  }

  it.runIf(usePostgres)('moved to another school while its office books them, among others, on a session where they have a place: both answer at once, no deadlock', async () => {
    const admin = await t.user('admin');
    const school = await t.org();
    const other = await t.org();
    const office = await t.user('office', school.id);
    const moving = await t.user('staff', school.id);
    const colleague = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 3 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: moving, body: { seat: 'online' } })).json.status).toBe('confirmed');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${moving.id}`, { as: admin })).status).toBe(204);
    // The move is held where it ends their leadership of their old school, after anything it locks before that.
    const release = await holding((trx) => sql`select user_id from inhouse_leads where user_id = ${moving.id} for update`.execute(trx));
    const { change, booked } = await meet(() => t.request('PUT', `/api/users/${moving.id}/placement`, { as: admin, body: { role: 'staff', orgId: other.id } }), office, s.id, [colleague.id, moving.id], release);
    expect(change.status, change.text).toBe(200);
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.results).toEqual([
      expect.objectContaining({ userId: colleague.id, status: 'confirmed' }),
      // Moved first (it waited for no booking), they are no longer among the staff this office books for.
      expect.objectContaining({ userId: moving.id, error: expect.objectContaining({ code: 'not_found' }) }),
    ]);
  });

  it.runIf(usePostgres)('moved to another school while its office books them on a session: the calendar feeds both change do not deadlock them', async () => {
    const admin = await t.user('admin');
    const school = await t.org();
    const other = await t.org();
    const office = await t.user('office', school.id);
    const moving = await t.user('staff', school.id);
    const colleague = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 3 } });
    // The move is held at its first write, raising their calendar feed; the booking then raises the same feed.
    await t.db.insertInto('calendar_feed_revisions').values({ owner_kind: 'user', owner_id: moving.id, revision: 1, changed_at: t.clock.now().toISOString(), last_cancelled_at: null }).execute();
    const release = await holding((trx) => sql`select owner_id from calendar_feed_revisions where owner_kind = 'user' and owner_id = ${moving.id} for update`.execute(trx));
    const { change, booked } = await meet(() => t.request('PUT', `/api/users/${moving.id}/placement`, { as: admin, body: { role: 'staff', orgId: other.id } }), office, s.id, [colleague.id, moving.id], release);
    expect(change.status, change.text).toBe(200);
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.results[0]).toMatchObject({ userId: colleague.id, status: 'confirmed' });
    // The move took their row first (it waits for no booking): they are no longer among the staff this office books for.
    expect(booked.json.results[1]).toMatchObject({ userId: moving.id, error: { code: 'not_found' } });
    expect(change.json.orgId).toBe(other.id);
  });

  /**
   * A school of a trust (Ann with a place on the trust's in-house session, Ben with one on a
   * programme session `s`, their colleague Cal, their office), and an office booking of Cal on
   * `s` held where it reads its people (Cal's row locked by the test) while holding `s`'s lock.
   * Then the school is moved out of its trust (`body`), and the test lets the booking go.
   */
  async function schoolMovedWhileBooked(body: Record<string, unknown>) {
    const admin = await t.user('admin');
    const org = async (b: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body: b })).json as { id: string; name: string };
    const trust = await org({ name: 'Ash Trust', kind: 'trust' });
    const school = await org({ name: 'Birch Primary', parentId: trust.id });
    const office = await t.user('office', school.id);
    const ann = await t.user('staff', school.id, 'Ann Ash');
    const ben = await t.user('staff', school.id, 'Ben Birch');
    const cal = await t.user('staff', school.id, 'Cal Cedar');
    const trainer = await t.user('trainer');
    const inHouse = await t.session({ capacity: { online: 3 }, audience: { kind: 'trust', orgId: trust.id } }, trainer);
    const s = await t.session({ capacity: { online: 3 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${inHouse.id}/bookings`, { as: ann, body: { seat: 'online' } })).json.status).toBe('confirmed');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: { seat: 'online' } })).json.status).toBe('confirmed');
    // The office's booking of Cal on s locks s, then waits to read Cal.
    const release = await holding((trx) => sql`select id from users where id = ${cal.id} for update`.execute(trx));
    const booking = t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { seat: 'online', userIds: [cal.id] } });
    await expect.poll(waiting).toBe(1);
    // The move, meanwhile, until it waits too.
    const move = t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId: null, ...body } });
    await expect.poll(waiting).toBe(2);
    await release();
    const [moved, booked] = await Promise.all([move, booking]);
    return { moved, booked, cal, s };
  }

  it.runIf(usePostgres)('a school moved out of its trust while its office books one of its staff: both answer at once, no deadlock', async () => {
    // The move gives up Ann's in-house place (raising the school's calendar feed), then comes to Ben's session, which the booking holds; the booking then raises the school's feed.
    const { moved, booked, cal } = await schoolMovedWhileBooked({});
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ parentId: null, placesGivenUp: 1 });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.results).toEqual([expect.objectContaining({ userId: cal.id, status: 'confirmed' })]);
  });

  it.runIf(usePostgres)('a school renamed and moved out of its trust at once while its office books one of its staff: both answer at once, no deadlock', async () => {
    // The rename raises the school's calendar feed before the move looks at any session.
    const { moved, booked, cal, s } = await schoolMovedWhileBooked({ name: 'Birch Primary School' });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ name: 'Birch Primary School', parentId: null, placesGivenUp: 1 });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.results).toEqual([expect.objectContaining({ userId: cal.id, status: 'confirmed' })]);
    const active = await t.db.selectFrom('bookings').select('user_id').where('session_id', '=', s.id).where('status', '!=', 'cancelled').execute();
    expect(active).toHaveLength(2);
  });

  it.runIf(usePostgres)('turned off while the booking is being written: the place it made is given up at once, and the person told', async () => {
    const school = await t.org();
    const office = await t.user('office', school.id);
    const staff = await t.user('staff', school.id);
    const s = await t.session({ capacity: { online: 3 } });
    // The booking stops at its last writes (the person's calendar feed), having read the person.
    await t.db.insertInto('calendar_feed_revisions').values({ owner_kind: 'user', owner_id: staff.id, revision: 1, changed_at: t.clock.now().toISOString(), last_cancelled_at: null }).execute();
    const release = await holding((trx) => sql`select owner_id from calendar_feed_revisions where owner_kind = 'user' and owner_id = ${staff.id} for update`.execute(trx));
    const booking = t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
    await expect.poll(waiting).toBe(1);
    let turnedOff: Awaited<ReturnType<TestContext['request']>> | null = null;
    const off = t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { disabled: true } }).then((r) => (turnedOff = r));
    // Either the turning off waits for the booking (two waiting), or it is already done.
    await expect.poll(async () => turnedOff !== null || (await waiting()) === 2).toBe(true);
    await release();
    expect((await booking).status).toBe(201);
    expect((await off).status).toBe(200);
    const rows = await t.db.selectFrom('bookings').select(['status']).where('session_id', '=', s.id).where('user_id', '=', staff.id).execute();
    expect(rows.map((r) => r.status)).toEqual(['cancelled']);
    expect((await t.mails('cancelled')).filter((m) => m.to_email === staff.email)).toHaveLength(1);
  });
});
