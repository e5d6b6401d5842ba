/**
 * How much timetable work one person can ask for (server/timetables/limits.ts): calendar
 * links and refreshes (each an outbound fetch) and uploaded files (each read in the shared
 * worker pool) are counted per person and hour, and one account has one fetch or file being
 * read at a time. A refused request is 429 `rate_limited` with Retry-After and changes
 * nothing, not even the counters; other people are not held up.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TIMETABLE_LIMITS } from '../../server/timetables/limits.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { snapshot } from '../hostile/openapi.js';
import { partTimeTaCsv, primaryCsv, secondaryIcs } from './timetables.fixtures.js';

let t: TestContext;
let server: Server;
let base: string;
/** Paths the calendar server was asked for, in order. */
let asked: string[];
/** Requests for /held/... wait here until the test lets them go. */
let held: { req: IncomingMessage; release: () => void }[];
let heldArrived: (() => void) | null;

beforeEach(async () => {
  t = await makeTestContext();
  asked = [];
  held = [];
  heldArrived = null;
  server = createServer((req, res) => {
    asked.push(String(req.url));
    const send = () => {
      if (res.headersSent) return;
      if (req.url?.startsWith('/gone')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not here');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.end(secondaryIcs());
    };
    if (req.url?.startsWith('/held/')) {
      held.push({ req, release: send });
      heldArrived?.();
    } else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A calendar served from 127.0.0.1 is internal: the test allows it explicitly (OUTBOUND_ALLOW).
  t.deps.config.outbound = { ...t.deps.config.outbound, allow: [`127.0.0.1:${(server.address() as AddressInfo).port}`] };
});
afterEach(async () => {
  for (const h of held) h.release();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

const csv = { 'content-type': 'text/csv' };

async function school() {
  const org = await t.org();
  return { org, office: await t.user('office', org.id), a: await t.user('staff', org.id, 'Amira Khan'), b: await t.user('staff', org.id, 'Ben Lowe') };
}

const link = (as: TestUser, url: string, userId?: string) => t.request('PUT', userId ? `/api/users/${userId}/timetable/subscription` : '/api/me/timetable/subscription', { as, body: { url } });
const upload = (as: TestUser, body: string, userId?: string) => t.request('PUT', userId ? `/api/users/${userId}/timetable` : '/api/me/timetable', { as, body, headers: csv });

/** The next request to reach /held/..., once it has. */
function nextHeld(): Promise<void> {
  return new Promise((resolve) => (heldArrived = resolve));
}

describe('timetable limits per person and hour', () => {
  it(`links or refreshes a person’s calendar at most ${TIMETABLE_LIMITS.subscriptions.perPerson} times an hour, failed fetches included; the next is refused 429, fetches nothing and changes nothing; others are unaffected`, async () => {
    const { office, a, b } = await school();
    const limit = TIMETABLE_LIMITS.subscriptions.perPerson;
    expect((await link(a, `${base}/sis/first.ics`)).status).toBe(200);
    t.clock.advance(20 * 60_000);
    // A fetch that fails still asked the remote server: it counts.
    expect((await link(a, `${base}/gone.ics`)).status).toBe(422);
    // An address refused before anything is fetched does not count.
    expect((await link(a, 'ftp://example.org/a.ics')).status).toBe(422);
    for (let i = 3; i <= limit; i++) expect((await link(a, `${base}/sis/refresh-${i}.ics`)).status, `link ${i}`).toBe(200);
    expect(asked).toHaveLength(limit);

    const before = await snapshot(t);
    const refused = await link(a, `${base}/sis/one-too-many.ics`);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toEqual({
      code: 'rate_limited',
      message: `There have been too many attempts to link or refresh this timetable’s calendar (at most ${limit} an hour). Please wait 40 minutes and try again. Nothing was changed.`,
      details: { retryAfterSeconds: 2400 },
    });
    expect(refused.headers.get('retry-after')).toBe('2400');
    // Nothing was fetched, and nothing in the database changed: not the timetable, not a counter.
    expect(asked).toHaveLength(limit);
    expect(await snapshot(t)).toEqual(before);
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json.subscription.url).toBe(`${base}/sis/refresh-${limit}.ics`);
    // The limit is the person’s timetable’s, whoever asks: their office is refused too.
    expect((await link(office, `${base}/sis/by-office.ics`, a.id)).status).toBe(429);
    expect(await snapshot(t)).toEqual(before);

    // Another person, and the office for them, are not held up.
    expect((await link(b, `${base}/sis/b.ics`)).status).toBe(200);
    expect((await link(office, `${base}/sis/b-by-office.ics`, b.id)).status).toBe(200);

    // Once the hour since the first link is over, the person may link again.
    t.clock.advance(40 * 60_000);
    expect((await link(a, `${base}/sis/next-hour.ics`)).status).toBe(200);
  });

  it(`takes at most ${TIMETABLE_LIMITS.uploads.perPerson} timetable files an hour for one person (a refused file does not count); the next is refused 429 and the timetable kept; others are unaffected`, async () => {
    const { office, a, b } = await school();
    const limit = TIMETABLE_LIMITS.uploads.perPerson;
    // A file with a bad line is refused for what it holds: it does not count, and leaves nothing behind.
    const untouched = await snapshot(t);
    expect((await upload(a, 'day,start,end\nFunday,25:00,xx\n')).status).toBe(400);
    expect(await snapshot(t)).toEqual(untouched);
    for (let i = 1; i <= limit; i++) expect((await upload(a, i % 2 ? partTimeTaCsv() : primaryCsv())).status, `upload ${i}`).toBe(200);
    const kept = (await t.request('GET', '/api/me/timetable', { as: a })).json;
    expect(kept.weekly).toHaveLength(10);

    const before = await snapshot(t);
    const refused = await upload(a, 'day,start,end\nFriday,09:00,10:00\n');
    expect(refused.status).toBe(429);
    expect(refused.json.error).toEqual({
      code: 'rate_limited',
      message: `There have been too many files uploaded to this timetable (at most ${limit} an hour). Please wait 60 minutes and try again. Nothing was changed.`,
      details: { retryAfterSeconds: 3600 },
    });
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect(await snapshot(t)).toEqual(before);
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json).toEqual(kept);
    // Their office is refused for them too, and nothing changes.
    expect((await upload(office, primaryCsv(), a.id)).status).toBe(429);
    expect(await snapshot(t)).toEqual(before);

    // Another person, and the office for them, are not held up.
    expect((await upload(b, primaryCsv())).status).toBe(200);
    expect((await upload(office, partTimeTaCsv(), b.id)).status).toBe(200);
  });
});

describe('one fetch or file at a time per account', () => {
  it('refuses a second request while a calendar is being fetched for the same account, 429 and changing nothing; others go ahead, and so does the account once the first is done', async () => {
    const { org, office, a, b } = await school();
    expect((await upload(a, primaryCsv())).status).toBe(200);
    const arrived = nextHeld();
    const first = link(a, `${base}/held/a.ics`);
    await arrived;

    const before = await snapshot(t);
    for (const second of [() => link(a, `${base}/sis/other.ics`), () => upload(a, partTimeTaCsv())]) {
      const res = await second();
      expect(res.status).toBe(429);
      expect(res.json.error).toEqual({
        code: 'rate_limited',
        message: 'A timetable file or calendar you sent is still being read. Please wait for it to finish, then try again. Nothing was changed.',
        details: { retryAfterSeconds: 15 },
      });
      expect(res.headers.get('retry-after')).toBe('15');
      expect(await snapshot(t)).toEqual(before);
    }
    expect(asked).toEqual(['/held/a.ics']);

    // Someone else, and the office (for a or anyone), are other accounts: they go ahead.
    expect((await link(b, `${base}/sis/b.ics`)).status).toBe(200);
    expect((await upload(office, partTimeTaCsv(), b.id)).status).toBe(200);

    held[0]!.release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(done.json.subscription.url).toBe(`${base}/held/a.ics`);
    // The first is done: the account may send the next.
    expect((await upload(a, primaryCsv())).status).toBe(200);

    // An office's whole-school CSV goes through the same bound: refused while the office's
    // own fetch for a member of staff is under way.
    const officeArrived = nextHeld();
    const officeLink = link(office, `${base}/held/for-b.ics`, b.id);
    await officeArrived;
    const whileBusy = await snapshot(t);
    const orgCsv = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: `email,day,start,end\n${a.email},Monday,09:00,10:00\n`, headers: csv });
    expect(orgCsv.status).toBe(429);
    expect(orgCsv.json.error.code).toBe('rate_limited');
    expect(await snapshot(t)).toEqual(whileBusy);
    held[1]!.release();
    expect((await officeLink).status).toBe(200);
    expect((await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: `email,day,start,end\n${a.email},Monday,09:00,10:00\n`, headers: csv })).status).toBe(200);
  });
});
