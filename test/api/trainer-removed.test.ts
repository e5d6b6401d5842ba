/**
 * Taking a trainer off a session: co-trainers run a session as equals, so one may take
 * another off, the trainer who published it too; whoever is taken off by someone else is told
 * by email, written in the same transaction as the change (an account message about the
 * session: `trainer_removed`). Someone taking themselves off, or saving the list unchanged,
 * tells no one; a refused change tells no one and changes nothing. A session keeps at least
 * one trainer: a trainer or lead stays on it (403 otherwise), and an administrator cannot
 * empty the list (400).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const online = { title: 'TB Clocks: reading the room', mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 10 } };
const removedMail = () => t.db.selectFrom('outbox').select(['to_email', 'user_id', 'session_id', 'acted_by', 'subject', 'text_body', 'html_body', 'status']).where('kind', '=', 'trainer_removed').orderBy('id').execute();

describe('a trainer taken off a session by someone else', () => {
  it('a co-trainer may take off the trainer who published it; that trainer is emailed who did it, which session and what to do', async () => {
    const priya = await t.user('trainer', null, 'Priya Patel');
    const tom = await t.user('trainer', null, 'Tom Okafor');
    const s = await t.session(online, priya);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: priya, body: { trainerIds: [priya.id, tom.id] } })).status).toBe(200);
    // Adding a co-trainer takes no one off: no email.
    expect(await removedMail()).toEqual([]);

    const res = await t.request('PATCH', `/api/sessions/${s.id}`, { as: tom, body: { trainerIds: [tom.id] } });
    expect(res.status).toBe(200);
    expect(res.json.trainerIds).toEqual([tom.id]);
    const mail = await removedMail();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to_email: priya.email, user_id: priya.id, session_id: s.id, acted_by: tom.id, status: 'pending', subject: 'You no longer run “TB Clocks: reading the room”' });
    const text = mail[0]!.text_body!;
    expect(text).toContain('Hello Priya Patel,');
    expect(text).toContain('Tom Okafor (trainer) took you off the trainers of the session “TB Clocks: reading the room”, on Tuesday, 10 March 2026, 16:00 to 17:00 (GMT).');
    expect(text).toContain('It is no longer in your My sessions');
    expect(text).toContain('ask Tom Okafor or another of its trainers to add you again');
    expect(text).toContain('http://localhost:3000/trainer/sessions');
    expect(mail[0]!.html_body).toContain('Tom Okafor (trainer) took you off');
    expect(mail[0]!.html_body).toContain('<html lang="en-GB">');

    // It is gone from Priya's sessions; she reads the email among her messages.
    const mine = await t.request('GET', '/api/me/sessions?when=upcoming', { as: priya });
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((x: { session: { id: string } }) => x.session.id)).not.toContain(s.id);
    expect((await t.request('GET', '/api/me/sessions?when=upcoming', { as: tom })).json.items.map((x: { session: { id: string } }) => x.session.id)).toContain(s.id);
    // Saving the same list again tells no one again.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: tom, body: { trainerIds: [tom.id], title: 'TB Clocks: reading the room again' } })).status).toBe(200);
    expect(await removedMail()).toHaveLength(1);
  });

  it('an administrator taking trainers off names themselves as administrator; taking themselves off, or a turned-off account, tells no one', async () => {
    const priya = await t.user('trainer', null, 'Priya Patel');
    const tom = await t.user('trainer', null, 'Tom Okafor');
    const otto = await t.user('trainer', null, 'Otto Off');
    const admin = await t.user('admin', null, 'Ada Admin');
    const s = await t.session(online, priya);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { trainerIds: [priya.id, tom.id, otto.id, admin.id] } })).status).toBe(200);
    await t.db.updateTable('users').set({ disabled_at: '2026-02-01T00:00:00.000Z' }).where('id', '=', otto.id).execute();

    const res = await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { trainerIds: [tom.id] } });
    expect(res.status).toBe(200);
    const mail = await removedMail();
    expect(mail.map((m) => m.to_email)).toEqual([priya.email]);
    expect(mail[0]!.text_body).toContain('Ada Admin (administrator) took you off the trainers of the session');
    expect(mail[0]!.text_body).toContain('contact the service’s administrators, who can add you again');
  });

  it('a session keeps at least one trainer: emptying the list is refused (a trainer 403, an administrator 400), with nothing changed and no one told', async () => {
    const priya = await t.user('trainer', null, 'Priya Patel');
    const admin = await t.user('admin');
    const s = await t.session(online, priya);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: priya, body: { trainerIds: [] } })).status).toBe(403);
    const emptied = await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { trainerIds: [] } });
    expect(emptied.status).toBe(400);
    expect(emptied.json.error.code).toBe('validation_failed');
    expect(emptied.json.error.message).toBe('A session needs at least one trainer: tick who should run it before taking the others off. Nothing was changed.');
    expect(emptied.json.error.details.issues).toEqual([{ path: 'trainerIds', message: 'choose at least one trainer to run this session' }]);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: admin })).json.trainerIds).toEqual([priya.id]);
    // Handed over to someone else instead: allowed, and the one taken off is told.
    const tom = await t.user('trainer', null, 'Tom Okafor');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { trainerIds: [tom.id] } })).status).toBe(200);
    expect((await removedMail()).map((m) => m.to_email)).toEqual([priya.email]);
  });

  it('a change refused for another reason takes no one off and tells no one', async () => {
    const priya = await t.user('trainer', null, 'Priya Patel');
    const tom = await t.user('trainer', null, 'Tom Okafor');
    const s = await t.session(online, priya);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: priya, body: { trainerIds: [priya.id, tom.id] } })).status).toBe(200);
    const refused = await t.request('PATCH', `/api/sessions/${s.id}`, { as: tom, body: { trainerIds: [tom.id], startsAt: '2026-03-10T18:00:00Z', endsAt: '2026-03-10T17:00:00Z' } });
    expect(refused.status).toBe(400);
    expect([...(await t.request('GET', `/api/sessions/${s.id}`, { as: tom })).json.trainerIds].sort()).toEqual([priya.id, tom.id].sort());
    expect(await removedMail()).toEqual([]);
  });
});
