/**
 * Organisations' chains (an organisation, then those above it) read together for many
 * organisations: what every signed-in session list asks to know whom it may show.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { orgChain, orgChains } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('organisation chains', () => {
  it('gives each organisation its chain, nearest first, many at once; a missing one has none', async () => {
    t = await makeTestContext();
    const now = new Date().toISOString();
    const org = (id: string, kind: 'trust' | 'school', parent: string | null) => ({ id, name: id, kind, urn: null, parent_id: parent, time_zone: 'Europe/London', settings: '{}', created_at: now });
    await t.db.insertInto('organisations').values([org('trust-a', 'trust', null), org('school-1', 'school', 'trust-a'), org('school-2', 'school', 'trust-a'), org('school-3', 'school', null)]).execute();
    const chains = await orgChains(t.db, ['school-1', 'school-2', 'school-3', 'trust-a', 'nowhere', 'school-1']);
    expect(Object.fromEntries(chains)).toEqual({ 'school-1': ['school-1', 'trust-a'], 'school-2': ['school-2', 'trust-a'], 'school-3': ['school-3'], 'trust-a': ['trust-a'], nowhere: [] });
    expect(await orgChain(t.db, 'school-2')).toEqual(['school-2', 'trust-a']);
  });
});
