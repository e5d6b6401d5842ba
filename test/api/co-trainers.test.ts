/**
 * Co-trainers: a trainer or in-house lead finds trainers by name (`GET /api/trainers?q=`:
 * ids and names only, bounded, for people who run sessions) and adds them to a session they
 * run; they stay on it themselves, and add only trainers whose accounts are on.
 * `GET /api/sessions/:id/trainers` names who runs a session for those who run it.
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

const online = { title: 'Sensory processing', mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 10 } };

describe('finding trainers by name', () => {
  it('is for people who run sessions (trainers, in-house leads, administrators), never staff or office staff', async () => {
    const school = await t.org('Hill Primary');
    const staff = await t.user('staff', school.id);
    const office = await t.user('office', school.id);
    const lead = await t.user('staff', school.id);
    const admin = await t.user('admin');
    const trainer = await t.user('trainer', null, 'Tara Trainer');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);

    expect((await t.request('GET', '/api/trainers?q=tara')).status).toBe(401);
    expect((await t.request('GET', '/api/trainers?q=tara', { as: staff })).status).toBe(403);
    expect((await t.request('GET', '/api/trainers?q=tara', { as: office })).status).toBe(403);
    for (const who of [trainer, lead, admin]) {
      const res = await t.request('GET', '/api/trainers?q=tara', { as: who });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ items: [{ id: trainer.id, name: 'Tara Trainer' }], hasMore: false });
    }
  });

  it('answers ids and names only (no emails), trainers with their accounts on, every word in the name, any case, at most `limit` (up to 50)', async () => {
    const me = await t.user('trainer', null, 'Mo Caller');
    const cole = await t.user('trainer', null, 'Cole Second');
    const off = await t.user('trainer', null, 'Cole Offline');
    await t.db.updateTable('users').set({ disabled_at: '2026-02-01T00:00:00.000Z' }).where('id', '=', off.id).execute();
    await t.user('admin', null, 'Cole Admin');
    await t.user('staff', (await t.org()).id, 'Cole Staff');
    const found = await t.request('GET', `/api/trainers?q=${encodeURIComponent('cOLE  sec')}`, { as: me });
    expect(found.status).toBe(200);
    expect(found.json).toEqual({ items: [{ id: cole.id, name: 'Cole Second' }], hasMore: false });
    expect(found.text).not.toContain('@');
    expect(found.text).not.toContain(cole.email);
    expect((await t.request('GET', '/api/trainers?q=cole', { as: me })).json.items).toEqual([{ id: cole.id, name: 'Cole Second' }]);
    expect((await t.request('GET', '/api/trainers?q=%C3%89lise', { as: me })).json.items).toEqual([]);

    // Bounded: 20 at a time unless asked, never more than 50, and says more match.
    for (let i = 0; i < 55; i++) await t.user('trainer', null, `Many Trainer ${String(i).padStart(2, '0')}`);
    const first = await t.request('GET', '/api/trainers?q=many', { as: me });
    expect(first.json.items).toHaveLength(20);
    expect(first.json.hasMore).toBe(true);
    expect(first.json.items[0]).toEqual({ id: expect.any(String), name: 'Many Trainer 00' });
    expect(Object.keys(first.json.items[0]).sort()).toEqual(['id', 'name']);
    const most = await t.request('GET', '/api/trainers?q=many&limit=50', { as: me });
    expect(most.json.items).toHaveLength(50);
    expect(most.json.hasMore).toBe(true);
    expect((await t.request('GET', '/api/trainers?q=many&limit=51', { as: me })).status).toBe(400);
    expect((await t.request('GET', '/api/trainers?limit=5', { as: me })).json.items).toHaveLength(5);
  });
});

describe('adding co-trainers', () => {
  it('a trainer adds another trainer to a session they run; the co-trainer then runs it, and both see its trainers by name', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const cole = await t.user('trainer', null, 'Cole Second');
    const s = await t.session(online, tara);
    const colesId = (await t.request('GET', '/api/trainers?q=cole', { as: tara })).json.items[0].id;
    expect(colesId).toBe(cole.id);

    const added = await t.request('PATCH', `/api/sessions/${s.id}`, { as: tara, body: { trainerIds: [tara.id, colesId] } });
    expect(added.status).toBe(200);
    expect([...added.json.trainerIds].sort()).toEqual([tara.id, cole.id].sort());
    const cole_s = await t.request('GET', '/api/me/sessions', { as: cole });
    expect(cole_s.json.items.map((i: any) => i.session.id)).toEqual([s.id]);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: cole })).json.youRun).toBe(true);

    const runners = await t.request('GET', `/api/sessions/${s.id}/trainers`, { as: cole });
    expect(runners.status).toBe(200);
    expect(runners.json).toEqual({
      items: [
        { id: cole.id, name: 'Cole Second', runsAs: 'trainer', disabled: false, runs: true },
        { id: tara.id, name: 'Tara Trainer', runsAs: 'trainer', disabled: false, runs: true },
      ],
    });
    expect(runners.text).not.toContain('@');
    // Not for a trainer who does not run it, nor for staff.
    expect((await t.request('GET', `/api/sessions/${s.id}/trainers`, { as: await t.user('trainer') })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}/trainers`, { as: await t.user('staff', (await t.org()).id) })).status).toBe(403);

    // A trainer publishes with a co-trainer too.
    const both = await t.request('POST', '/api/sessions', { as: cole, body: { ...online, title: 'Published together', trainerIds: [cole.id, tara.id] } });
    expect(both.status).toBe(201);
    expect([...both.json.trainerIds].sort()).toEqual([tara.id, cole.id].sort());
  });

  it('a trainer stays on the session, adds only trainers whose accounts are on, and may take a co-trainer off again', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const cole = await t.user('trainer', null, 'Cole Second');
    const admin = await t.user('admin');
    const off = await t.user('trainer');
    await t.db.updateTable('users').set({ disabled_at: '2026-02-01T00:00:00.000Z' }).where('id', '=', off.id).execute();
    const s = await t.session(online, tara);
    const patch = (body: object) => t.request('PATCH', `/api/sessions/${s.id}`, { as: tara, body });

    // Handing the session to someone else, or leaving it with nobody: refused.
    expect((await patch({ trainerIds: [cole.id] })).status).toBe(403);
    expect((await patch({ trainerIds: [] })).status).toBe(403);
    expect((await t.request('POST', '/api/sessions', { as: tara, body: { ...online, trainerIds: [cole.id] } })).status).toBe(403);
    // Only trainers, with their accounts on: not an administrator, not a turned-off account, not staff.
    const asAdmin = await patch({ trainerIds: [tara.id, admin.id] });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.json.error.details.issues[0].path).toBe('trainerIds');
    expect((await patch({ trainerIds: [tara.id, off.id] })).status).toBe(403);
    expect((await patch({ trainerIds: [tara.id, (await t.user('staff', (await t.org()).id)).id] })).status).toBe(400);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: tara })).json.trainerIds).toEqual([tara.id]);

    // An administrator's choice stays when the trainer saves the list again; the trainer takes Cole off.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { trainerIds: [tara.id, admin.id, cole.id] } })).status).toBe(200);
    const kept = await patch({ trainerIds: [tara.id, admin.id] });
    expect(kept.status).toBe(200);
    expect([...kept.json.trainerIds].sort()).toEqual([tara.id, admin.id].sort());
    // Someone else's session: the trainer cannot name themselves onto it.
    const other = await t.session({ ...online, title: 'Not hers' });
    expect((await t.request('PATCH', `/api/sessions/${other.id}`, { as: tara, body: { trainerIds: [other.trainer.id, tara.id] } })).status).toBe(403);
  });

  it('a refused co-trainer is named as people know them, never by a raw id', async () => {
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const admin = await t.user('admin', null, 'Ada Admin');
    const off = await t.user('trainer', null, 'Otto Off');
    await t.db.updateTable('users').set({ disabled_at: '2026-02-01T00:00:00.000Z' }).where('id', '=', off.id).execute();
    const s = await t.session(online, tara);

    const one = await t.request('PATCH', `/api/sessions/${s.id}`, { as: tara, body: { trainerIds: [tara.id, admin.id] } });
    expect(one.status).toBe(403);
    expect(one.json.error.message).toBe('You can add trainers as co-trainers; only an administrator can name anyone else to run a session: Ada Admin is not a trainer you can add.');
    expect(one.json.error.details.issues).toEqual([{ path: 'trainerIds', message: 'Ada Admin is not a trainer you can add' }]);

    const two = await t.request('POST', '/api/sessions', { as: tara, body: { ...online, trainerIds: [tara.id, admin.id, off.id] } });
    expect(two.status).toBe(403);
    expect(two.json.error.message).toContain('Ada Admin and Otto Off are not trainers you can add.');
    expect(two.json.error.details.issues.map((i: { message: string }) => i.message)).toEqual(['Ada Admin is not a trainer you can add', 'Otto Off is not a trainer you can add']);
    expect(two.text).not.toContain(admin.id);
    expect(two.text).not.toContain(off.id);
  });

  it('an in-house lead adds a trainer as co-trainer to their own session, and stays on it', async () => {
    const school = await t.org('Hill Primary');
    const admin = await t.user('admin');
    const lead = await t.user('staff', school.id, 'Lee Lead');
    const cole = await t.user('trainer', null, 'Cole Second');
    const colleague = await t.user('staff', school.id);
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
    const inset = { ...online, title: 'Hill INSET', audience: { kind: 'organisation', orgId: school.id } };

    const made = await t.request('POST', '/api/sessions', { as: lead, body: { ...inset, trainerIds: [lead.id, cole.id] } });
    expect(made.status).toBe(201);
    expect([...made.json.trainerIds].sort()).toEqual([lead.id, cole.id].sort());
    // Cole runs it (an in-house session, seen by its trainers).
    expect((await t.request('GET', '/api/me/sessions', { as: cole })).json.items.map((i: any) => i.session.id)).toEqual([made.json.id]);
    expect((await t.request('GET', `/api/sessions/${made.json.id}/trainers`, { as: lead })).json.items).toEqual([
      { id: cole.id, name: 'Cole Second', runsAs: 'trainer', disabled: false, runs: true },
      { id: lead.id, name: 'Lee Lead', runsAs: 'in-house lead', disabled: false, runs: true },
    ]);
    // Cole edits the list keeping the lead (who is not a trainer by role): allowed.
    expect((await t.request('PATCH', `/api/sessions/${made.json.id}`, { as: cole, body: { trainerIds: [cole.id, lead.id] } })).status).toBe(200);
    // Taking the lead off is not Cole's to do (Cole could not put them back): refused, nothing changed.
    const dropLead = await t.request('PATCH', `/api/sessions/${made.json.id}`, { as: cole, body: { trainerIds: [cole.id] } });
    expect(dropLead.status).toBe(403);
    expect(dropLead.json.error.message).toBe('You can take co-trainers off; Lee Lead runs it as an in-house lead or administrator, whom only an administrator can take off.');
    expect([...(await t.request('GET', `/api/sessions/${made.json.id}`, { as: lead })).json.trainerIds].sort()).toEqual([lead.id, cole.id].sort());
    // Once the lead no longer leads the school, their name may go.
    expect((await t.request('DELETE', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(200);
    expect((await t.request('PATCH', `/api/sessions/${made.json.id}`, { as: cole, body: { trainerIds: [cole.id] } })).status).toBe(200);
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);

    const mine = await t.request('POST', '/api/sessions', { as: lead, body: inset });
    expect(mine.json.trainerIds).toEqual([lead.id]);
    const patch = (trainerIds: string[]) => t.request('PATCH', `/api/sessions/${mine.json.id}`, { as: lead, body: { trainerIds } });
    expect((await patch([cole.id])).status).toBe(403);
    expect((await patch([lead.id, colleague.id])).status).toBe(400);
    expect((await patch([lead.id, admin.id])).status).toBe(403);
    expect((await patch([lead.id, cole.id])).status).toBe(200);
    expect((await t.request('GET', '/api/trainers?q=cole', { as: lead })).json.items).toEqual([{ id: cole.id, name: 'Cole Second' }]);
  });
});
