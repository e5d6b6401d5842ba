/**
 * Fuzz every operation of the app's own OpenAPI document with random and malformed input
 * (fast-check, bounded runs): path parameters, query strings, JSON bodies shaped like the
 * real ones but with wrong types and hostile strings, malformed JSON, wrong content types.
 * Callers: an admin, a staff member, office staff, the session's trainer, and no one.
 * Every answer must be below 500, a 4xx must carry the error shape, and a 4xx must change
 * nothing in the database (the whole content of every table is compared, not just row
 * counts). FUZZ_RUNS and FUZZ_SEED repeat a run; a failure prints its seed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/accounts/service.js';
import { makeTestContext, usePostgres, type TestUser } from '../helpers.js';
import { startLiveKitStandIn } from '../livekit-standin.js';
import { fillPath, operations, snapshot, type Operation } from './openapi.js';

const RUNS = Number(process.env.FUZZ_RUNS || (usePostgres ? 10 : 30));

const lk = await startLiveKitStandIn();
const t = await makeTestContext({ now: '2026-02-10T15:50:00.000Z', config: { livekit: lk.config } });
afterAll(async () => {
  await t.close();
  await lk.close();
});

const orgA = await t.org('Fuzz Primary');
const orgB = await t.org('Fuzz College');
const admin = await t.user('admin');
const staff = await t.user('staff', orgA.id);
const office = await t.user('office', orgA.id);
const other = await t.user('staff', orgB.id);
const session = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 2, online: 2 } });
const booked = await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: staff, body: { seat: 'online' } });
const course = await t.request('POST', '/api/courses', { as: admin, body: { title: 'Fuzzing course' } });
const realIds = [orgA.id, orgB.id, admin.id, staff.id, office.id, other.id, session.id, session.trainer.id, booked.json.id as string, course.json.id as string];
const ops = await operations(t);

/**
 * A new bearer token for `user`, so a fuzzed sign-out never blinds the runs after it. Its row
 * is deleted once the run has been judged (`forget`): thousands of runs would otherwise leave
 * thousands of rows for every later snapshot to read and hash.
 */
async function freshAuth(user: TestUser): Promise<{ headers: Record<string, string>; forget: () => Promise<void> }> {
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await t.db
    .insertInto('auth_sessions')
    .values({ id, token_hash: hashToken(token), user_id: user.id, csrf_token: 'csrf', created_at: t.clock.now().toISOString(), expires_at: '2999-01-01T00:00:00.000Z', revoked_at: null })
    .execute();
  return {
    headers: { authorization: `Bearer ${token}` },
    forget: async () => {
      await t.db.deleteFrom('auth_sessions').where('id', '=', id).execute();
    },
  };
}

const hostileStrings = fc.constantFrom(
  '',
  ' ',
  "'; drop table users; --",
  '%',
  '_',
  '\\',
  '\u0000',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  '=cmd|"/c calc"!A1',
  'x'.repeat(20_000),
  '2026-02-10T16:00:00Z',
  '2026-13-45T99:99:99Z',
  '../../etc/passwd',
  '\ud800',
  'online',
  'in_person',
  'admin',
);
const value = fc.oneof(
  hostileStrings,
  fc.constantFrom(...realIds),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...realIds)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const pathValue = fc.oneof(fc.constantFrom(...realIds), fc.string({ minLength: 1, maxLength: 80 }), fc.constantFrom('..', '%00', 'x'.repeat(300), "' or '1'='1", '\\', '%', '_', 'null', '0', 'feed.ics'));

function requestArb(op: Operation) {
  const body =
    op.method === 'GET' || op.method === 'DELETE'
      ? fc.constant(undefined)
      : fc.oneof(
          fc.record(Object.fromEntries(op.bodyProperties.map((k) => [k, value])), { requiredKeys: [] }).map((o) => JSON.stringify(o)),
          fc.anything({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'undefined'),
          fc.constantFrom('{', '{"a":', '[1,2', 'nul', '{"x":1,}', '"\\ud800"', '', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR', 'day,start,end\nFunday,25:00,xx'),
          fc.string({ maxLength: 200 }),
        );
  return fc.record({
    as: fc.constantFrom('admin', 'staff', 'office', 'trainer', 'anon'),
    params: fc.record(Object.fromEntries(op.pathParams.map((p) => [p, pathValue]))),
    query: fc.dictionary(fc.constantFrom(...op.queryParams, 'limit', 'offset', 'x'), fc.oneof(hostileStrings, fc.string({ maxLength: 20 }), fc.constantFrom('-1', '0', '201', '1e9', 'true', 'me')), { maxKeys: 4 }),
    body,
    contentType: fc.option(fc.constantFrom(...op.contentTypes, 'application/json', 'text/plain', 'text/csv', 'text/calendar', 'application/x-www-form-urlencoded'), { nil: undefined }),
  });
}

describe('fuzzing every operation in openapi.json', () => {
  it('finds the operations', () => {
    expect(ops.length).toBeGreaterThan(20);
  });

  for (const op of ops) {
    it(`${op.key}: random and malformed input gives 4xx (never 5xx) and a 4xx changes nothing`, { timeout: 120_000 }, async () => {
      // Sign-in attempts and password checks are counted on purpose, before anything else (the sign-in throttle).
      // Certificate checks and attempts to use a reset link are counted the same way (per client address),
      // so a made-up link still counts towards the limit although it is refused; so does a reset email an
      // administrator asks for (the same per-person cap as "Forgot your password?"), held back or not.
      const mayChange = ['POST /api/auth/login', 'POST /api/me/password', 'POST /api/auth/password-reset', 'POST /api/users/{id}/password-reset', 'POST /api/auth/password-reset/complete', 'POST /api/auth/email-link', 'POST /api/auth/email-link/complete', 'GET /api/certificates/{code}'].includes(op.key) ? ['login_throttle'] : [];
      let statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(requestArb(op), async (r) => {
          const caller = { admin, staff, office, trainer: session.trainer, anon: null }[r.as];
          const auth = caller ? await freshAuth(caller) : null;
          try {
            await judge(r, auth?.headers ?? {});
          } finally {
            await auth?.forget();
          }
        }),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || undefined, endOnFailure: true },
      );
      async function judge(r: { as: string; params: Record<string, string>; query: Record<string, string>; body: string | undefined; contentType: string | undefined }, headers: Record<string, string>) {
          if (r.contentType) headers['content-type'] = r.contentType;
          const qs = new URLSearchParams(r.query).toString();
          const url = fillPath(op.path, r.params) + (qs ? `?${qs}` : '');
          const before = await snapshot(t, mayChange);
          const res = await t.app.request(url, { method: op.method, headers, body: r.body });
          const text = await res.text();
          statuses.push(res.status);
          const what = `${op.method} ${url} as ${r.as} (${r.contentType ?? 'no content type'}) body ${JSON.stringify(r.body)?.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) {
            expect(JSON.parse(text).error.code, what).toEqual(expect.any(String));
            expect(await snapshot(t, mayChange), `a ${res.status} changed the database: ${what}`).toEqual(before);
          }
      }
      // Malformed input is refused, not silently accepted as something else. (Routes that take
      // no path parameters and no body may rightly answer every signed-in fuzz run with 2xx.)
      // The public certificate check is the exception by design: it answers any code, a malformed
      // one included, with 200 and "unknown" (what the verify page shows), so a run may see no 4xx.
      const answersAnyCode = op.key === 'GET /api/certificates/{code}';
      if ((op.pathParams.length > 0 || op.contentTypes.length > 0) && !answersAnyCode) expect(statuses.some((s) => s >= 400 && s < 500)).toBe(true);
      statuses = [];
    });
  }
});
