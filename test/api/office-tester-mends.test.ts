/**
 * Mends an exploratory tester asked for, as the API answers them; each test here failed on the
 * code before its fix.
 * - A calendar address over 2,000 characters was refused in zod's own words ("Too big: expected
 *   string to have <=2000 characters"), for a person's own timetable and an office's for its staff.
 * - The reset link an administrator sends from a person's record said "Someone (we hope you)
 *   asked to reset the password": no one had asked; the administrator sent it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext();
});
afterAll(() => t.close());

describe('linking a calendar whose address is too long', () => {
  it('is refused 400 naming the field, in plain words with the limit; nothing is fetched or changed (a person’s own, and an office’s for its staff)', async () => {
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const office = await t.user('office', org.id);
    const url = `https://calendar.example.org/${'a'.repeat(2_100)}.ics`;
    for (const [as, path] of [
      [staff, '/api/me/timetable/subscription'],
      [office, `/api/users/${staff.id}/timetable/subscription`],
    ] as const) {
      const res = await t.request('PUT', path, { as, body: { url } });
      expect(res.status, path).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details.issues).toEqual([{ path: 'url', message: 'is too long: a calendar address has at most 2,000 characters' }]);
      expect(res.text).not.toContain('Too big');
    }
    expect((await t.request('GET', '/api/me/timetable', { as: staff })).json.source).toBeNull();
  });
});

describe('a password reset link sent by an administrator', () => {
  it('says an administrator sent it, not that someone (we hope you) asked; one asked for still says so', async () => {
    const admin = await t.user('admin');
    const staff = await t.user('staff', (await t.org()).id, 'Rae Reset');
    expect((await t.request('POST', `/api/users/${staff.id}/password-reset`, { as: admin })).status).toBeLessThan(300);
    const [sent] = (await t.mails('password_reset')).filter((m) => m.to_email === staff.email);
    expect(sent!.message.text).toContain('An administrator of SEND Live Training sent you this link to set a new password for your account.');
    expect(sent!.message.text).not.toContain('asked to reset');
    expect(sent!.message.text).toMatch(/\/reset-password#token=\S+/);
    expect(sent!.message.html).toContain('An administrator of SEND Live Training sent you this link');

    // Asked for on "Forgot your password?": as before.
    expect((await t.request('POST', '/api/auth/password-reset', { body: { email: staff.email } })).status).toBe(202);
    const asked = (await t.mails('password_reset')).filter((m) => m.to_email === staff.email).at(-1)!;
    expect(asked.message.text).toContain('Someone (we hope you) asked to reset the password of your SEND Live Training account.');
    expect(asked.message.text).not.toContain('An administrator');
  });

  it('to someone who has no password yet (just added), says it is a link to choose one', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const added = await t.request('POST', '/api/users', { as: admin, body: { name: 'Nova New', email: 'nova.new@example.org', role: 'staff', orgId: org.id } });
    expect(added.status).toBe(201);
    expect((await t.request('POST', `/api/users/${added.json.id}/password-reset`, { as: admin })).status).toBeLessThan(300);
    const [sent] = (await t.mails('password_reset')).filter((m) => m.to_email === 'nova.new@example.org');
    expect(sent!.message.subject).toBe('Choose a password for SEND Live Training');
    expect(sent!.message.text).toContain('An administrator of SEND Live Training sent you this link to choose a password for your account.');
    expect(sent!.message.text).not.toMatch(/asked to reset|new password/);
  });
});
