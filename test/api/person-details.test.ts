/**
 * Putting a person's name or email right (`PATCH /api/users/{id}` `{name, email}`), keeping
 * their account and history: administrators for anyone, a school office for its own staff.
 * The person then signs in by the new address and not the old, links sent to the old one stop
 * working, what still waits to be sent follows them, their calendar feeds show the change, a
 * certificate prints the new name; a refused change changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { feedRevision } from '../../server/calendar/feed-revisions.js';
import { makeTestContext, providerServing, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext();
});
afterAll(() => t.close());

const patch = (who: TestUser, as: TestUser, body: unknown) => t.request('PATCH', `/api/users/${who.id}`, { as, body });
const login = (email: string, password = TEST_PASSWORD) => t.request('POST', '/api/auth/login', { body: { email, password } });
const tokenIn = (text: string, page: string) => text.match(new RegExp(`/${page}#token=([A-Za-z0-9_-]+)`))![1]!;

/** Asks for an emailed sign-in link for `email` as a new browser; the browser's cookie, to open the link with. */
async function askLink(email: string) {
  const res = await t.request('POST', '/api/auth/email-link', { body: { email } });
  expect(res.status).toBe(202);
  return `signin_browser=${res.headers.get('set-cookie')!.match(/signin_browser=([^;]+)/)![1]}`;
}
const openLink = (token: string, cookie: string) => t.request('POST', '/api/auth/email-link/complete', { body: { token }, headers: { cookie } });
/** The token of the latest email of `kind` to `email`. */
async function latestToken(kind: 'sign_in_link' | 'password_reset', email: string) {
  const mails = (await t.mails(kind)).filter((m) => m.to_email === email);
  return tokenIn(mails.at(-1)!.message.text, kind === 'sign_in_link' ? 'signin-link' : 'reset-password');
}

/** The person's row as stored, and what hangs off it that a refused change must leave alone. */
async function snapshot(userId: string) {
  const row = await t.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
  const liveLinks = await t.db.selectFrom('sign_in_links').select('id').where('user_id', '=', userId).where('used_at', 'is', null).execute();
  const liveResets = await t.db.selectFrom('password_resets').select('id').where('user_id', '=', userId).where('used_at', 'is', null).execute();
  const audit = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', userId).execute();
  return { ...row, liveLinks: liveLinks.length, liveResets: liveResets.length, audit: audit.length, feed: (await feedRevision(t.db, 'user', userId)).revision };
}

describe('an administrator puts a name and an email right', () => {
  it('keeps the account: the person signs in by the new address, by password or emailed link, and not by the old; links sent to the old address stop working; waiting mail follows; feeds are raised; the audit log keeps it', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const staff = await t.user('staff', org.id, 'Samira Okafr');
    const oldEmail = staff.email;
    // Booked before the change: its confirmation is still waiting to be sent (no delivery here).
    const s = await t.session({ title: 'Zones of regulation' });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    // A sign-in link and a reset link, asked for at the old address and not yet used.
    const oldBrowser = await askLink(oldEmail);
    const oldLink = await latestToken('sign_in_link', oldEmail);
    expect((await t.request('POST', '/api/auth/password-reset', { body: { email: oldEmail } })).status).toBe(202);
    const oldReset = await latestToken('password_reset', oldEmail);
    const feeds = { user: (await feedRevision(t.db, 'user', staff.id)).revision, org: (await feedRevision(t.db, 'org', org.id)).revision };

    const res = await patch(staff, admin, { name: '  Samira Okafor ', email: ' Samira.Okafor@Newdomain.sch.uk' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: staff.id, name: 'Samira Okafor', email: 'samira.okafor@newdomain.sch.uk', role: 'staff', orgId: org.id, disabled: false, placesGivenUp: 0, sessionsWithoutTrainer: [] });
    const newEmail = 'samira.okafor@newdomain.sch.uk';

    // Signing in: by the new address, in any case; the old one is unknown now.
    expect((await login(oldEmail)).json.error.code).toBe('invalid_credentials');
    const signedIn = await login('SAMIRA.OKAFOR@newdomain.sch.uk');
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.user).toMatchObject({ id: staff.id, name: 'Samira Okafor', email: newEmail });
    // Signed in already: still signed in, and shown as they now are.
    expect((await t.request('GET', '/api/me', { as: staff })).json).toMatchObject({ name: 'Samira Okafor', email: newEmail });

    // The links sent to the old address no longer work.
    expect((await openLink(oldLink, oldBrowser)).json.error.code).toBe('invalid_sign_in_link');
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token: oldReset, password: 'a long new passphrase' } })).json.error.code).toBe('invalid_reset_link');
    expect((await login(newEmail, 'a long new passphrase')).status).toBe(401);

    // A link asked for at the old address now goes nowhere; at the new one, it signs them in.
    const linksBefore = (await t.mails('sign_in_link')).length;
    await askLink(oldEmail);
    expect((await t.mails('sign_in_link')).length).toBe(linksBefore);
    const browser = await askLink(newEmail);
    const opened = await openLink(await latestToken('sign_in_link', newEmail), browser);
    expect(opened.status).toBe(200);
    expect(opened.json.user.id).toBe(staff.id);

    // Mail still waiting: the booking's confirmation goes to the new address; the old links' emails are not sent at all.
    const mail = await t.db.selectFrom('outbox').select(['kind', 'to_email', 'status']).where('user_id', '=', staff.id).orderBy('id').execute();
    expect(mail.filter((m) => m.kind === 'confirmed')).toEqual([{ kind: 'confirmed', to_email: newEmail, status: 'pending' }]);
    expect(mail.filter((m) => m.to_email === oldEmail).map((m) => [m.kind, m.status])).toEqual([
      ['sign_in_link', 'dropped'],
      ['password_reset', 'dropped'],
      // ...but the old address is told of the change, where the person can still read it.
      ['email_changed', 'pending'],
    ]);
    // Their calendar feeds (theirs and their school's name them in their events) have moved on.
    expect((await feedRevision(t.db, 'user', staff.id)).revision).toBeGreaterThan(feeds.user);
    expect((await feedRevision(t.db, 'org', org.id)).revision).toBeGreaterThan(feeds.org);
    // Who put it right, whom, when; by ids only.
    expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'subject_id']).where('subject_id', '=', staff.id).execute()).toEqual([{ action: 'rectify_personal_data', actor_id: admin.id, subject_id: staff.id }]);
    // Found in People by the new name and address, not the old.
    const find = async (q: string) => (await t.request('GET', `/api/users?q=${encodeURIComponent(q)}`, { as: admin })).json.items.map((p: { id: string }) => p.id);
    expect(await find('Okafor')).toContain(staff.id);
    expect(await find('newdomain.sch.uk')).toContain(staff.id);
    expect(await find(oldEmail)).not.toContain(staff.id);
  });

  it('the same address in other letters, or the same name, is no change: links still work, nothing is raised or recorded', async () => {
    const admin = await t.user('admin');
    const staff = await t.user('staff', (await t.org()).id, 'Theo Same');
    const browser = await askLink(staff.email);
    const link = await latestToken('sign_in_link', staff.email);
    const before = await snapshot(staff.id);
    const res = await patch(staff, admin, { name: 'Theo Same', email: staff.email.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'Theo Same', email: staff.email });
    expect(await snapshot(staff.id)).toEqual(before);
    expect((await openLink(link, browser)).status).toBe(200);
  });

  it('an administrator puts their own name, and a trainer’s, right', async () => {
    const admin = await t.user('admin', null, 'Ada Admn');
    const trainer = await t.user('trainer', null, 'Tom Trainr');
    const adminEmail = admin.email;
    expect((await patch(admin, admin, { name: 'Ada Admin', email: 'ada.admin@training.example.org' })).json.name).toBe('Ada Admin');
    // Their own change is told to the old address too: someone in their signed-in session could otherwise keep the account unseen.
    const own = (await t.mails('email_changed')).filter((m) => m.user_id === admin.id);
    expect(own.map((m) => m.to_email)).toEqual([adminEmail]);
    expect(own[0]!.message.text).toContain('was changed to ada.admin@training.example.org by you (signed in as yourself).');
    const moved = await patch(trainer, admin, { name: 'Tom Trainer', email: 'tom.trainer@training.example.org' });
    expect(moved.status).toBe(200);
    expect((await login('tom.trainer@training.example.org')).json.user).toMatchObject({ id: trainer.id, name: 'Tom Trainer', role: 'trainer' });
  });

  it('an identity provider’s link to the person is kept: it is by the provider’s identifier for them, not by address', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const provider = await providerServing(t, org.id, 'linked.sch.uk');
    await t.db.insertInto('user_identities').values({ id: randomUUID(), provider_id: provider, subject: `sub-${staff.id}`, user_id: staff.id, created_at: '2026-01-01T00:00:00.000Z', last_used_at: '2026-01-01T00:00:00.000Z' }).execute();
    expect((await patch(staff, admin, { email: 'new.address@linked.sch.uk' })).status).toBe(200);
    expect(await t.db.selectFrom('user_identities').select(['provider_id', 'subject']).where('user_id', '=', staff.id).execute()).toEqual([{ provider_id: provider, subject: `sub-${staff.id}` }]);
  });
});

describe('the certificate after a rename', () => {
  it('prints the new name; the code of the one printing the old name checks as replaced (the name changed), not as forged', async () => {
    const c = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    try {
      const admin = await c.user('admin');
      const s = await c.session({ title: 'Understanding autism', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
      const staff = await c.user('staff', (await c.org()).id, 'Zoe Misspelt');
      const booking = (await c.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.id as string;
      c.clock.set('2026-02-10T16:05:00.000Z');
      expect((await c.request('PUT', `/api/sessions/${s.id}/attendance/${booking}`, { as: s.trainer, body: { attended: true, minutes: 80 } })).status).toBe(200);
      c.clock.set('2026-02-10T18:00:00.000Z');
      await recordAttendanceOutcomes(c.deps);
      const download = async () => (await c.app.request(`/api/bookings/${booking}/certificate.pdf`, { headers: staff.auth })).status;
      const current = () => c.db.selectFrom('certificates').select(['code', 'person_name']).where('superseded_at', 'is', null).executeTakeFirstOrThrow();
      expect(await download()).toBe(200);
      const first = await current();
      expect(first.person_name).toBe('Zoe Misspelt');

      expect((await c.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { name: 'Zoë Mistry' } })).status).toBe(200);
      expect((await c.request('GET', `/api/certificates/${first.code}`)).json).toMatchObject({ status: 'replaced', certificate: { name: 'Zoe Misspelt' }, changed: ['name'] });
      expect(await download()).toBe(200);
      const second = await current();
      expect(second).toMatchObject({ person_name: 'Zoë Mistry' });
      expect(second.code).not.toBe(first.code);
      expect((await c.request('GET', `/api/certificates/${second.code}`)).json).toMatchObject({ status: 'genuine', certificate: { name: 'Zoë Mistry' } });
    } finally {
      await c.close();
    }
  });
});

describe('a school office puts its own staff’s details right', () => {
  it('changes its own staff’s name and email; not another school’s staff (404), nor a trainer, an administrator or an office colleague (403)', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id, 'Priya Patel');
    const ok = await patch(staff, office, { name: 'Priya Patel-Jones', email: 'priya.pj@rowan.sch.uk' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ name: 'Priya Patel-Jones', email: 'priya.pj@rowan.sch.uk' });
    expect((await login('priya.pj@rowan.sch.uk')).json.user.id).toBe(staff.id);
    // The old address is told, with the new one and who changed it: whoever holds the new address can sign in as her.
    const told = (await t.mails('email_changed')).filter((m) => m.user_id === staff.id);
    expect(told.map((m) => m.to_email)).toEqual([staff.email]);
    expect(told[0]!.message.subject).toBe('The email address of your SEND Live Training account was changed');
    expect(told[0]!.message.text).toContain(`The email address of your SEND Live Training account was changed to priya.pj@rowan.sch.uk by ${office.name} from your school’s office.`);
    expect(told[0]!.message.text).toContain('If you did not expect this, tell your school office or the service’s administrators at once');
    expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id']).where('subject_id', '=', staff.id).execute()).toEqual([{ action: 'rectify_personal_data', actor_id: office.id }]);

    const elsewhere = await t.user('staff', (await t.org()).id);
    const trainer = await t.user('trainer', org.id);
    const admin = await t.user('admin', org.id);
    const colleague = await t.user('office', org.id);
    const before = await Promise.all([elsewhere, trainer, admin, colleague].map((u) => snapshot(u.id)));
    const other = await patch(elsewhere, office, { name: 'Renamed By Another School' });
    expect(other.status).toBe(404);
    for (const u of [trainer, admin, colleague]) {
      const refused = await patch(u, office, { name: 'Renamed By The Office', email: `renamed-${u.id.slice(0, 6)}@rowan.sch.uk` });
      expect(refused.status).toBe(403);
      expect(refused.json.error.message).toBe('Office staff can change staff accounts only; ask an administrator.');
    }
    expect(await Promise.all([elsewhere, trainer, admin, colleague].map((u) => snapshot(u.id)))).toEqual(before);
    // Staff cannot change anyone's, their own included.
    expect((await patch(staff, staff, { name: 'Self Renamed' })).status).toBe(403);

    // A captioner's address only an administrator changes (their account reaches live rooms the office's cannot).
    const captioner = await t.user('staff', org.id, 'Cal Captioner');
    expect((await patch(captioner, admin, { captioner: true })).status).toBe(200);
    const kept = await snapshot(captioner.id);
    const refusedCaptioner = await patch(captioner, office, { email: 'cal.new@rowan.sch.uk' });
    expect(refusedCaptioner.status).toBe(403);
    expect(refusedCaptioner.json.error.message).toBe('This person is a captioner, so only an administrator can change their email address: ask one. Nothing was changed.');
    expect(await snapshot(captioner.id)).toEqual(kept);
    expect((await patch(captioner, office, { name: 'Cal Captioner-Smith' })).status).toBe(200);
  });

  it('a trust’s office changing a school’s staff member’s address is named as the trust’s office in the notice to the old one', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: `Trust ${randomUUID().slice(0, 6)}`, kind: 'trust' } })).json as { id: string };
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: `School ${randomUUID().slice(0, 6)}`, parentId: trust.id } })).json as { id: string };
    const trustOffice = await t.user('office', trust.id, 'Tia Trust');
    const staff = await t.user('staff', school.id, 'Sol Staff');
    expect((await patch(staff, trustOffice, { email: `sol.${randomUUID().slice(0, 6)}@school.example` })).status).toBe(200);
    const [told] = (await t.mails('email_changed')).filter((m) => m.user_id === staff.id);
    expect(told!.message.text).toContain('by Tia Trust from your trust’s office.');
  });

  it('may not give an address whose domain another school’s sign-in serves (400 on the email; an administrator may)', async () => {
    const org = await t.org();
    const elm = await t.org('Elm School');
    await providerServing(t, elm.id, 'elm.sch.uk');
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const staff = await t.user('staff', org.id);
    const before = await snapshot(staff.id);
    const refused = await patch(staff, office, { name: 'Moved Over', email: 'moved@elm.sch.uk' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.issues).toEqual([{ path: 'email', message: 'This email belongs to Elm School’s sign-in, so only Elm School’s office or an administrator can give an account this address.' }]);
    expect(await snapshot(staff.id)).toEqual(before);
    expect((await patch(staff, admin, { email: 'moved@elm.sch.uk' })).status).toBe(200);
  });
});

describe('a refused change changes nothing', () => {
  it('an email that belongs to another account: 409 email_taken, with the name given alongside left as it was', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id, 'Kept Name');
    await askLink(staff.email);
    const other = await t.user('trainer');
    const before = await snapshot(staff.id);
    for (const as of [admin, office]) {
      const taken = await patch(staff, as, { name: 'Changed Name', email: other.email.toUpperCase() });
      expect(taken.status).toBe(409);
      expect(taken.json.error).toMatchObject({ code: 'email_taken', message: 'That email address already belongs to an account. Use a different one.' });
    }
    expect(await snapshot(staff.id)).toEqual(before);
    expect(before.liveLinks).toBe(1);
    expect((await login(staff.email)).status).toBe(200);
  });

  it('a name or email that cannot be used: 400 by the field, nothing changed', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id, 'Stays The Same');
    await askLink(staff.email);
    const before = await snapshot(staff.id);
    const cases: [unknown, string][] = [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'Two\nLines' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'Evil \u202eeman' }, 'name'],
      [{ email: 'not an address' }, 'email'],
      [{ email: '' }, 'email'],
      [{ name: 'Fine Name', email: 'missing-at.example.org' }, 'email'],
      [{ name: 42 }, 'name'],
    ];
    for (const as of [admin, office]) {
      for (const [body, field] of cases) {
        const res = await patch(staff, as, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json.error.code).toBe('validation_failed');
        expect(res.json.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
      }
    }
    expect((await patch(staff, admin, {})).status).toBe(400);
    expect(await snapshot(staff.id)).toEqual(before);
  });

  it('an erased account: 409, nothing changed', async () => {
    const admin = await t.user('admin');
    const staff = await t.user('staff', (await t.org()).id);
    expect((await patch(staff, admin, { disabled: true })).status).toBe(200);
    expect((await t.request('POST', `/api/users/${staff.id}/erase`, { as: admin })).status).toBe(200);
    const before = await snapshot(staff.id);
    const res = await patch(staff, admin, { name: 'Back Again', email: 'back.again@example.org' });
    expect(res.status).toBe(409);
    expect(await snapshot(staff.id)).toEqual(before);
  });
});
