/**
 * The sign-in look every request makes (batched: many bearer tokens in one statement): each
 * live token names its person; a revoked or expired token, or a disabled account's, names
 * nobody, alone or among others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findLiveAuthSessions } from '../../server/accounts/repository.js';
import { hashToken } from '../../server/accounts/service.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('live sign-ins by token hash', () => {
  it('names the person behind each live token, many at once or one, and nobody for a revoked, expired or disabled one', async () => {
    t = await makeTestContext();
    const [live, alsoLive, revoked, expired, disabled] = [await t.user('staff'), await t.user('office'), await t.user('staff'), await t.user('staff'), await t.user('trainer')];
    const hash = (u: { token: string }) => hashToken(u.token);
    const now = t.clock.now().toISOString();
    await t.db.updateTable('auth_sessions').set({ revoked_at: now }).where('token_hash', '=', hash(revoked)).execute();
    await t.db.updateTable('auth_sessions').set({ expires_at: now }).where('token_hash', '=', hash(expired)).execute();
    await t.db.updateTable('users').set({ disabled_at: now }).where('id', '=', disabled.id).execute();

    const all = [live, alsoLive, revoked, expired, disabled].map(hash);
    const found = await findLiveAuthSessions(t.db, [...all, hashToken('nobody has this token')], now);
    expect(Object.fromEntries([...found].map(([h, r]) => [h, { id: r.id, role: r.role }]))).toEqual({
      [hash(live)]: { id: live.id, role: 'staff' },
      [hash(alsoLive)]: { id: alsoLive.id, role: 'office' },
    });
    expect([...(await findLiveAuthSessions(t.db, [hash(live)], now)).values()].map((r) => r.email)).toEqual([live.email]);
    for (const gone of [revoked, expired, disabled]) expect((await findLiveAuthSessions(t.db, [hash(gone)], now)).size).toBe(0);

    // The same number of hashes again, when every sign-in has run out: the time is the
    // call's own, not the first call's (the statement is kept per number of hashes).
    expect((await findLiveAuthSessions(t.db, [...all, hashToken('still nobody')], '9999-01-01T00:00:00.000Z')).size).toBe(0);
    // More hashes than are kept prepared (a burst of requests): the live ones are still found.
    const many = [...Array.from({ length: 150 }, (_, i) => hashToken(`stranger ${i}`)), hash(alsoLive), hash(revoked), hash(live)];
    expect([...(await findLiveAuthSessions(t.db, many, now)).values()].map((r) => r.id).sort()).toEqual([live.id, alsoLive.id].sort());
  });
});
