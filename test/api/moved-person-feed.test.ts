/**
 * DESIGN.md invariant 12 for someone moved out of an organisation (or whose school moved out
 * of its trust): an in-house session of the organisation they have left no longer exists for
 * them, in their own calendar feed (past bookings and future ones given up alike, SUMMARY and
 * DESCRIPTION) as in My bookings, and in their timetable clashes. The feed a calendar already
 * holds is not answered 304 with the old body: its ETag changes with who the person now is.
 * Both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { primaryCsv } from './timetables.fixtures.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  // A Monday.
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

async function ok(method: string, path: string, as: TestUser, body?: unknown, headers?: Record<string, string>) {
  const res = await t.request(method, path, { as, body, headers });
  expect(res.status, res.text).toBeLessThan(300);
  return res.json;
}

const book = async (sessionId: string, as: TestUser) => (await ok('POST', `/api/sessions/${sessionId}/bookings`, as, {})) as { id: string; status: string };

/** A person's feed as a subscribed calendar polls it: the last ETag it was sent goes back each time. */
async function subscribed(as: TestUser) {
  const path = new URL((await ok('GET', '/api/me/calendar', as)).url as string).pathname;
  const first = await t.request('GET', path);
  expect(first.status).toBe(200);
  let etag = first.headers.get('etag')!;
  return {
    first: first.text,
    /** The next poll: a 200 with a new ETag (never a 304 with the old body), then 304 while nothing changes. */
    async changed() {
      const res = await t.request('GET', path, { headers: { 'if-none-match': etag } });
      expect(res.status).toBe(200);
      const next = res.headers.get('etag')!;
      expect(next).not.toBe(etag);
      etag = next;
      expect((await t.request('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);
      return res.text;
    },
  };
}

const summaries = (text: string) => readCalendar(text).events.map((e) => e.summary).sort();

describe('a person moved to another school', () => {
  it('their feed and clashes leave out the old school’s in-house sessions, past and given up; a trust session of the trust they are still in and a programme session stay', async () => {
    const admin = await t.user('admin');
    const org = async (body: Record<string, unknown>) => (await ok('POST', '/api/orgs', admin, body)) as { id: string };
    const trust = await org({ name: 'Elm Trust', kind: 'trust' });
    const ash = await org({ name: 'Ash Primary', parentId: trust.id });
    const oak = await org({ name: 'Oak Primary', parentId: trust.id });
    const kit = await t.user('staff', ash.id, 'Kit Ash');
    const oakOffice = await t.user('office', oak.id);
    const trainer = await t.user('trainer');
    // Tuesday 13:30 (during Class 4 afternoon) and 10:00 (Class 4 morning): over by the time Kit moves.
    const pastAsh = await t.session({ title: 'Ash only past', description: 'ASH-PAST-NOTES', startsAt: '2026-01-13T13:30:00.000Z', endsAt: '2026-01-13T14:30:00.000Z', audience: { kind: 'organisation', orgId: ash.id } }, trainer);
    const pastTrust = await t.session({ title: 'Elm trust past', startsAt: '2026-01-13T10:00:00.000Z', endsAt: '2026-01-13T11:00:00.000Z', audience: { kind: 'trust', orgId: trust.id } }, trainer);
    const futureAsh = await t.session({ title: 'Ash only future', description: 'ASH-FUTURE-NOTES', startsAt: '2026-01-27T13:30:00.000Z', endsAt: '2026-01-27T14:30:00.000Z', audience: { kind: 'organisation', orgId: ash.id } }, trainer);
    const open = await t.session({ title: 'Programme future', startsAt: '2026-01-28T16:00:00.000Z', endsAt: '2026-01-28T17:00:00.000Z' }, trainer);
    const pastAshPlace = await book(pastAsh.id, kit);
    const pastTrustPlace = await book(pastTrust.id, kit);
    const futureAshPlace = await book(futureAsh.id, kit);
    await book(open.id, kit);
    await ok('PUT', '/api/me/timetable', kit, primaryCsv(), { 'content-type': 'text/csv' });
    t.clock.set('2026-01-15T09:00:00.000Z');

    const feed = await subscribed(kit);
    expect(summaries(feed.first)).toEqual(['Ash only future', 'Ash only past', 'Elm trust past', 'Programme future']);
    const clashes = async () => ((await ok('GET', '/api/me/clashes?from=2026-01-01T00:00:00Z', kit)).items as { bookingId: string }[]).map((c) => c.bookingId).sort();
    expect(await clashes()).toEqual([pastAshPlace.id, pastTrustPlace.id, futureAshPlace.id].sort());

    await ok('PUT', `/api/users/${kit.id}/placement`, admin, { role: 'staff', orgId: oak.id });

    // Left out, not shown as cancelled: a subscribed calendar drops the events it no longer finds.
    const after = await feed.changed();
    expect(summaries(after)).toEqual(['Elm trust past', 'Programme future']);
    for (const word of ['Ash only', 'ASH-PAST-NOTES', 'ASH-FUTURE-NOTES']) expect(after).not.toContain(word);
    expect(await clashes()).toEqual([pastTrustPlace.id]);
    // As My bookings has it.
    expect(((await ok('GET', '/api/me/bookings', kit)).items as { session: { title: string } }[]).map((b) => b.session.title).sort()).toEqual(['Elm trust past', 'Programme future']);
    // Their new school's feed, read as its office sees, holds no Ash session either.
    const oakFeed = await t.request('GET', new URL((await ok('GET', `/api/orgs/${oak.id}/calendar`, oakOffice)).url as string).pathname);
    expect(summaries(oakFeed.text)).toEqual(['Kit Ash - Elm trust past', 'Kit Ash - Programme future']);
  });

  it('a school moved out of its trust: its person’s feed drops a past session of that trust at once, though no place of theirs changed (not a 304)', async () => {
    const admin = await t.user('admin');
    const org = async (body: Record<string, unknown>) => (await ok('POST', '/api/orgs', admin, body)) as { id: string };
    const trust = await org({ name: 'Elm Trust', kind: 'trust' });
    const birch = await org({ name: 'Birch Primary', parentId: trust.id });
    const bo = await t.user('staff', birch.id, 'Bo Birch');
    const trainer = await t.user('trainer');
    const pastTrust = await t.session({ title: 'Elm trust past', description: 'ELM-NOTES', startsAt: '2026-01-13T10:00:00.000Z', endsAt: '2026-01-13T11:00:00.000Z', audience: { kind: 'trust', orgId: trust.id } }, trainer);
    const open = await t.session({ title: 'Programme past', startsAt: '2026-01-13T16:00:00.000Z', endsAt: '2026-01-13T17:00:00.000Z' }, trainer);
    await book(pastTrust.id, bo);
    await book(open.id, bo);
    t.clock.set('2026-01-15T09:00:00.000Z');

    const feed = await subscribed(bo);
    expect(summaries(feed.first)).toEqual(['Elm trust past', 'Programme past']);
    await ok('PATCH', `/api/orgs/${birch.id}`, admin, { parentId: null });
    const after = await feed.changed();
    expect(summaries(after)).toEqual(['Programme past']);
    expect(after).not.toContain('ELM-NOTES');
  });
});
