/**
 * The authorisation matrix: every operation in /api/openapi.json × every kind of caller,
 * each answer written out below. Adding a route means adding a row; a route in the OpenAPI
 * document without a row fails the test by name.
 *
 * Callers (columns), acting on things that belong to `me`, a staff member of organisation A,
 * on a session taught by `trainer`:
 *   anon     no credentials at all
 *   revoked  me, with a token that was signed out (revoked)
 *   staff    me, with a live token (the owner)
 *   staffB   a staff member of organisation B (someone else's things)
 *   office   office staff of organisation A (me's own organisation)
 *   officeB  office staff of organisation B (another organisation)
 *   trainer  a trainer of the session
 *   trainer2 a trainer who does not teach the session
 *   admin    an administrator
 * Every cell runs on fresh objects (a new `me`, new session, new booking) with a new token,
 * so one cell's change (a sign-out, a cancellation) never leaks into another.
 *
 * Callers whose rights changed, or who act from the edge of a trust (organisation A sits in
 * trust T and has left trust T2, which holds organisation B), each answered everywhere as
 * the column named in SAME_AS is, but where EXCEPT says otherwise:
 *   off            me, turned off while my token is live (not signed out)
 *   trustOffice    office staff of trust T (acts for organisation A)
 *   exTrustOffice  office staff of trust T2, which organisation A left
 *   demoted        office staff of organisation A made staff, acting as before
 *   leadA          an in-house lead of organisation A, on the programme session (not theirs)
 * And on an in-house session for organisation A (the rows acting on a session or booking):
 * a lead of organisation B is answered as staffB is, and a lead of organisation A who was
 * un-made, still named as the session's trainer, as a colleague of mine who never led.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/accounts/service.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { identityOf, roomNameOf } from '../../shared/live.js';
import { makeTestContext, TEST_PASSWORD, type TestUser } from '../helpers.js';
import { signedWebhook, startLiveKitStandIn } from '../livekit-standin.js';
import { fillPath, operations } from './openapi.js';

const ACTORS = ['anon', 'revoked', 'staff', 'staffB', 'office', 'officeB', 'trainer', 'trainer2', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
const MORE = ['off', 'trustOffice', 'exTrustOffice', 'demoted', 'leadA'] as const;
type More = (typeof MORE)[number];
const SAME_AS: Record<More, Actor> = { off: 'revoked', trustOffice: 'office', exTrustOffice: 'officeB', demoted: 'staffB', leadA: 'staffB' };
/** Where a caller of MORE is rightly answered otherwise than its SAME_AS column. */
const EXCEPT: Record<string, Partial<Record<More, number>>> = {
  // The password is right, so a turned-off account is told why it cannot sign in.
  'POST /api/auth/login': { off: 403 },
  // Staff of organisation A see it.
  'GET /api/orgs/{id}': { demoted: 200, leadA: 200 },
  // Leads run sessions: their list, trainers to add, the materials library.
  'GET /api/me/sessions': { leadA: 200 },
  'GET /api/trainers': { leadA: 200 },
  'GET /api/courses/{id}/materials': { leadA: 200 },
  'GET /api/materials/{id}/download': { leadA: 200 },
  // Organisation A's own in-house session: its staff (leads and the demoted among them) see it
  // and are refused; its trust's office does not see it at all.
  'PUT /api/sessions/{id}/trainers/{userId}': { trustOffice: 404, demoted: 403, leadA: 403 },
  // Only organisation A's own office: its trust's office sees none of A's own sessions.
  'GET /api/orgs/{id}/sessions-needing-lead': { trustOffice: 403 },
};

const lk = await startLiveKitStandIn();
// A timetable people subscribe to, served on 127.0.0.1.
const icsServer = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/calendar' });
  res.end('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:lesson-1@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/London:20260105T090000\r\nDTEND;TZID=Europe/London:20260105T100000\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Year 5 maths\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
});
await new Promise<void>((r) => icsServer.listen(0, '127.0.0.1', r));
const icsUrl = `http://127.0.0.1:${(icsServer.address() as AddressInfo).port}/timetable.ics`;

// Ten minutes before a 16:00 session: inside the online join window.
// The subscription server is on 127.0.0.1, which only OUTBOUND_ALLOW lets the server fetch.
const t = await makeTestContext({ now: '2026-02-10T15:50:00.000Z', config: { livekit: { ...lk.config, agentName: 'authz-transcriber' }, outbound: { ...defaultConfig().outbound, allow: [`127.0.0.1:${(icsServer.address() as AddressInfo).port}`] } } });
afterAll(async () => {
  await t.close();
  await lk.close();
  await new Promise<void>((r) => icsServer.close(() => r()));
});

const orgA = await t.org('Riverside Primary');
const orgB = await t.org('Hilltop College');
const fixed = {
  staffB: await t.user('staff', orgB.id),
  office: await t.user('office', orgA.id),
  officeB: await t.user('office', orgB.id),
  trainer: await t.user('trainer'),
  trainer2: await t.user('trainer'),
  admin: await t.user('admin'),
};
const trustT = await ok<{ id: string }>('POST', '/api/orgs', fixed.admin, { name: 'Valley Trust', kind: 'trust' });
const trustT2 = await ok<{ id: string }>('POST', '/api/orgs', fixed.admin, { name: 'Ridge Trust', kind: 'trust' });
// Organisation A was in trust T2 and moved to trust T; organisation B stays in T2.
for (const [org, parentId] of [[orgA, trustT2.id], [orgA, trustT.id], [orgB, trustT2.id]] as const) await ok('PATCH', `/api/orgs/${org.id}`, fixed.admin, { parentId });
const more = {
  trustOffice: await t.user('office', trustT.id),
  exTrustOffice: await t.user('office', trustT2.id),
  demoted: await t.user('office', orgA.id),
  leadA: await t.user('staff', orgA.id),
  leadB: await t.user('staff', orgB.id),
  exLead: await t.user('staff', orgA.id),
  colleague: await t.user('staff', orgA.id),
};
await ok('PUT', `/api/users/${more.demoted.id}/placement`, fixed.admin, { role: 'staff', orgId: orgA.id });
for (const [org, lead] of [[orgA, more.leadA], [orgB, more.leadB], [orgA, more.exLead]] as const) await ok('PUT', `/api/orgs/${org.id}/leads/${lead.id}`, fixed.admin);
await ok('DELETE', `/api/orgs/${orgA.id}/leads/${more.exLead.id}`, fixed.admin);
const ops = await operations(t);

/** A new live token for `user` (the fixture tokens are never used, so a sign-out cannot spill over). */
async function token(user: TestUser, revoked = false): Promise<string> {
  const raw = randomBytes(32).toString('base64url');
  await t.db
    .insertInto('auth_sessions')
    .values({ id: randomUUID(), token_hash: hashToken(raw), user_id: user.id, csrf_token: 'csrf', created_at: t.clock.now().toISOString(), expires_at: '2999-01-01T00:00:00.000Z', revoked_at: revoked ? t.clock.now().toISOString() : null })
    .execute();
  return raw;
}

async function ok<T = any>(method: string, path: string, as: TestUser, body?: unknown): Promise<T> {
  const res = await t.request(method, path, { as, body });
  if (res.status >= 300) throw new Error(`fixture ${method} ${path} failed: ${res.status} ${res.text}`);
  return res.json as T;
}

/** What one cell works on: a fresh `me` and, on demand, a fresh session and booking. */
class Cell {
  me!: TestUser;
  /** Who is calling in this cell (me when signed out or revoked). */
  caller!: TestUser;
  private _session?: string;
  /** The cell's session is in-house training for organisation A, with the un-made lead still named as a trainer. */
  inHouse = false;
  static async make(inHouse = false) {
    const c = new Cell();
    c.me = await t.user('staff', orgA.id);
    c.inHouse = inHouse;
    return c;
  }
  async session(input: Record<string, unknown> = {}): Promise<string> {
    if (this._session) return this._session;
    const audience = this.inHouse ? { audience: { kind: 'organisation', orgId: orgA.id } } : {};
    this._session = (await t.session({ mode: 'hybrid', venue: 'Main hall', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:30:00Z', capacity: { inPerson: 20, online: 20 }, ...audience, ...input }, fixed.trainer)).id;
    // Published by them while they led (a lead names only trainers, so set here).
    if (this.inHouse) await t.db.insertInto('session_trainers').values({ session_id: this._session, user_id: more.exLead.id }).execute();
    return this._session;
  }
  async booking(seat: 'online' | 'in_person' = 'online'): Promise<string> {
    return (await ok<{ id: string }>('POST', `/api/sessions/${await this.session()}/bookings`, this.me, { seat })).id;
  }
  /** A seat offered to me: capacity 1, someone else had it and let it go. */
  async offered(): Promise<string> {
    const s = (await t.session({ mode: 'online', capacity: { online: 1 }, waitlistPolicy: 'offer' }, fixed.trainer)).id;
    const first = await t.user('staff', orgA.id);
    const taken = await ok<{ id: string }>('POST', `/api/sessions/${s}/bookings`, first, {});
    const mine = await ok<{ id: string; status: string }>('POST', `/api/sessions/${s}/bookings`, this.me, {});
    await ok('DELETE', `/api/bookings/${taken.id}`, first);
    return mine.id;
  }
  async myTimetable(): Promise<void> {
    const res = await t.request('PUT', '/api/me/timetable', { as: this.me, body: lessonCsv, headers: { 'content-type': 'text/csv' } });
    if (res.status !== 200) throw new Error(`fixture timetable failed: ${res.status} ${res.text}`);
  }
  /** Gives the caller a timetable, so reading one has something to read. */
  async callerTimetable(): Promise<void> {
    const res = await t.request('PUT', '/api/me/timetable', { as: this.caller, body: lessonCsv, headers: { 'content-type': 'text/csv' } });
    if (res.status !== 200) throw new Error(`fixture timetable failed: ${res.status} ${res.text}`);
  }
  /** A booking of mine that the session's outcome made `attended` (set directly: the session is still to come). */
  async attended(): Promise<string> {
    const id = await this.booking();
    await t.db.updateTable('bookings').set({ status: 'attended' }).where('id', '=', id).execute();
    return id;
  }
  /** A course I completed (its one session attended, set directly). */
  async completedCourse(): Promise<string> {
    const course = await ok<{ id: string }>('POST', '/api/courses', fixed.trainer, { title: `Course ${randomUUID()}` });
    const s = (await t.session({ courseId: course.id, mode: 'online', capacity: { online: 5 } }, fixed.trainer)).id;
    const b = await ok<{ id: string }>('POST', `/api/sessions/${s}/bookings`, this.me, {});
    await t.db.updateTable('bookings').set({ status: 'attended' }).where('id', '=', b.id).execute();
    return course.id;
  }
  async feedFile(): Promise<string> {
    const { url } = await ok<{ url: string }>('GET', '/api/me/calendar', this.me);
    return new URL(url).pathname.split('/').pop()!;
  }
}

interface Req {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  contentType?: string;
  /** The route authenticates by its own means (a signature), so no caller credentials are sent. */
  noCaller?: boolean;
  headers?: Record<string, string>;
}

type Row = [route: string, make: (c: Cell) => Promise<Req>, expected: Record<Actor, number>];

/** Columns: anon, revoked, staff, staffB, office, officeB, trainer, trainer2, admin. */
const e = (...codes: number[]): Record<Actor, number> => {
  if (codes.length !== ACTORS.length) throw new Error(`a row needs ${ACTORS.length} statuses, got ${codes.length}`);
  return Object.fromEntries(ACTORS.map((a, i) => [a, codes[i]!])) as Record<Actor, number>;
};
const staffCsv = (c: Cell) => `email,day,start,end\n${c.me.email},Monday,09:00,10:00\n`;
const lessonCsv = 'day,start,end\nMonday,09:00,10:00\n';

// prettier-ignore
const MATRIX: Row[] = [
  //                                                                                                                 anon rev  staff staffB office officeB trainer trainer2 admin
  // Open to anyone: a load balancer's checks and the API's own description (a revoked token
  // is told so, as everywhere outside sign-in).
  ['GET /api/health',                       async () => ({}),                                                        e(200, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/ready',                        async () => ({}),                                                        e(200, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/openapi.json',                 async () => ({}),                                                        e(200, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/docs',                         async () => ({}),                                                        e(200, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['POST /api/auth/login',                  async (c) => ({ body: { email: c.me.email, password: TEST_PASSWORD } }), e(200, 200, 200, 200,  200,   200,    200,    200,     200)],
  ['POST /api/auth/logout',                 async () => ({}),                                                        e(204, 204, 204, 204,  204,   204,    204,    204,     204)],
  ['POST /api/auth/password-reset',         async (c) => ({ body: { email: c.me.email } }),                          e(202, 202, 202, 202,  202,   202,    202,    202,     202)],
  ['POST /api/auth/password-reset/complete', async () => ({ body: { token: randomBytes(32).toString('base64url'), password: 'a new long passphrase' } }),
                                                                                                                     e(400, 400, 400, 400,  400,   400,    400,    400,     400)],
  ['POST /api/auth/email-link',             async (c) => ({ body: { email: c.me.email } }),                          e(202, 202, 202, 202,  202,   202,    202,    202,     202)],
  ['POST /api/auth/email-link/complete',    async () => ({ body: { token: randomBytes(32).toString('base64url') } }),
                                                                                                                     e(400, 400, 400, 400,  400,   400,    400,    400,     400)],
  ['GET /api/auth/oidc/providers',          async () => ({}),                                                        e(200, 200, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/auth/oidc/{id}/start',         async () => ({ params: { id: randomUUID() } }),                          e(404, 404, 404, 404,  404,   404,    404,    404,     404)],
  // Without a sign-in under way: back to the sign-in page with sso_error, for anyone.
  ['GET /api/auth/oidc/callback',           async () => ({ query: 'code=x&state=y' }),                               e(302, 302, 302, 302,  302,   302,    302,    302,     302)],
  ['GET /api/identity-providers',           async () => ({}),                                                        e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  // A plain-http issuer not on the allow list: refused (400) even for an administrator, so nothing is fetched.
  ['POST /api/identity-providers',          async () => ({ body: { label: 'Sign in with X', issuer: 'http://127.0.0.1:9', clientId: 'x' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     400)],
  ['PATCH /api/identity-providers/{id}',    async () => ({ params: { id: randomUUID() }, body: { label: 'Sign in with Y' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     404)],
  ['DELETE /api/identity-providers/{id}',   async () => ({ params: { id: randomUUID() } }),                          e(401, 401, 403, 403,  403,   403,    403,    403,     404)],
  ['GET /api/me/sign-in-methods',           async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  // A wrong current password (403 wrong_password): a right one would end the shared fixture users' other sessions.
  ['POST /api/me/password',                 async () => ({ body: { currentPassword: 'not the password', newPassword: 'a new long passphrase' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     403)],
  ['GET /api/users',                        async () => ({ query: 'q=staff' }),                                      e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['GET /api/users/{id}',                   async (c) => ({ params: { id: c.me.id } }),                              e(401, 401, 200, 404,  200,   404,    404,    404,     200)],
  ['PATCH /api/users/{id}',                 async (c) => ({ params: { id: c.me.id }, body: { disabled: true } }),    e(401, 401, 403, 403,  200,   404,    403,    403,     200)],
  // Erasing me once an administrator turned me off (so my own token no longer signs me in): my office and admins.
  ['POST /api/users/{id}/erase',            async (c) => (await ok('PATCH', `/api/users/${c.me.id}`, fixed.admin, { disabled: true }), { params: { id: c.me.id } }),
                                                                                                                     e(401, 401, 401, 403,  200,   404,    403,    403,     200)],
  // A copy of my data for a subject access request: my office and admins; I use GET /api/me/data.
  ['GET /api/users/{id}/data',              async (c) => ({ params: { id: c.me.id } }),                              e(401, 401, 403, 403,  200,   404,    403,    403,     200)],
  // My own job role: staff and office staff (whose job roles coverage counts) only.
  ['PATCH /api/me',                         async () => ({ body: { jobRole: 'teacher' } }),                          e(401, 401, 200, 200,  200,   200,    403,    403,     403)],
  ['GET /api/me',                           async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['POST /api/orgs',                        async () => ({ body: { name: `Org ${randomUUID()}` } }),                 e(401, 401, 403, 403,  403,   403,    403,    403,     201)],
  ['GET /api/orgs',                         async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/orgs/{id}',                    async () => ({ params: { id: orgA.id } }),                               e(401, 401, 200, 404,  200,   404,    200,    200,     200)],
  ['PUT /api/users/{id}/placement',         async (c) => ({ params: { id: c.me.id }, body: { role: 'staff', orgId: orgA.id } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['POST /api/users/{id}/password-reset',   async (c) => ({ params: { id: c.me.id } }),                              e(401, 401, 403, 403,  403,   403,    403,    403,     202)],
  // Who did what to whose account: administrators only, even about me (my entries, filtered to me).
  ['GET /api/audit-log',                    async (c) => ({ query: `person=${c.me.id}&limit=10` }),                  e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['PATCH /api/orgs/{id}',                  async () => ({ params: { id: orgA.id }, body: { settings: { travelBufferMinutes: 30 } } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/leads',              async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/lead-candidates',    async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['PUT /api/orgs/{id}/leads/{userId}',     async () => ({ params: { id: orgA.id, userId: (await t.user('staff', orgA.id)).id } }),
                                                                                                                     e(401, 401, 403, 403,  204,   403,    403,    403,     204)],
  ['DELETE /api/orgs/{id}/leads/{userId}',  async () => ({ params: { id: orgA.id, userId: (await t.user('staff', orgA.id)).id } }),
                                                                                                                     e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/sessions-needing-lead', async () => ({ params: { id: orgA.id } }),                           e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  // An in-house session for organisation A given to another of A's leads: A's office (not its
  // trust's, which does not see a school's own session) and admins; outsiders are not told it exists.
  ['PUT /api/sessions/{id}/trainers/{userId}', async (c) => {
    const lead = await t.user('staff', orgA.id);
    await t.db.insertInto('inhouse_leads').values({ user_id: lead.id, org_id: orgA.id, created_by: fixed.admin.id, created_at: t.clock.now().toISOString() }).execute();
    return { params: { id: await c.session({ audience: { kind: 'organisation', orgId: orgA.id } }), userId: lead.id } };
  },                                                                                                                 e(401, 401, 403, 404,  204,   404,    403,    404,     204)],
  ['GET /api/me/lead-orgs',                 async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/orgs/{id}/users',              async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['POST /api/users',                       async () => ({ body: { email: `${randomUUID()}@example.org`, name: 'New Person', role: 'staff', orgId: orgA.id } }),
                                                                                                                     e(401, 401, 403, 403,  201,   403,    403,    403,     201)],
  ['POST /api/orgs/{id}/users/import',      async () => ({ params: { id: orgA.id }, contentType: 'text/csv', body: `name,email,role\nImported Person,${randomUUID()}@example.org,staff\n` }),
                                                                                                                     e(401, 401, 403, 403,  201,   403,    403,    403,     201)],
  ['GET /api/courses',                      async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  // Each its own title: a title another course has is refused (409).
  ['POST /api/courses',                     async () => ({ body: { title: `Adaptive teaching ${randomUUID()}` } }),  e(401, 401, 403, 403,  403,   403,    201,    201,     201)],
  ['PUT /api/courses/{id}/trainers',        async () => ({ params: { id: (await ok<{ id: string }>('POST', '/api/courses', fixed.trainer, { title: `Course ${randomUUID()}` })).id }, body: { trainerIds: [fixed.trainer.id] } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['PATCH /api/courses/{id}',               async () => ({ params: { id: (await ok<{ id: string }>('POST', '/api/courses', fixed.trainer, { title: `Course ${randomUUID()}` })).id }, body: { title: `Renamed ${randomUUID()}`, partsRequired: 2 } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  // A course no session counts for (one a trainer made, say): only administrators delete it.
  ['DELETE /api/courses/{id}',              async () => ({ params: { id: (await ok<{ id: string }>('POST', '/api/courses', fixed.trainer, { title: `Course ${randomUUID()}` })).id } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     204)],
  ['POST /api/sessions',                    async () => ({ body: { title: 'Inclusive classrooms', mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    201,    201,     201)],
  ['GET /api/sessions',                     async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/sessions/{id}',                async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['PATCH /api/sessions/{id}',              async (c) => ({ params: { id: await c.session() }, body: { venue: 'Library' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/cancel',        async (c) => ({ params: { id: await c.session() }, body: { reason: 'Trainer unwell' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  // Booking me: myself, my organisation's office and an admin may; no one else. Another
  // organisation's office is told I am no one it books for (404), as for an unknown id.
  ['POST /api/sessions/{id}/bookings',      async (c) => ({ params: { id: await c.session() }, body: { userId: c.me.id, seat: 'online' } }),
                                                                                                                     e(401, 401, 201, 403,  201,   404,    403,    403,     201)],
  // Office staff of another organisation get 200 with none of organisation A's rows (checked below).
  ['GET /api/sessions/{id}/bookings',       async (c) => (await c.booking(), { params: { id: await c.session() } }), e(401, 401, 403, 403,  200,   200,    200,    403,     200)],
  ['GET /api/me/bookings',                  async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  // Someone else's booking does not exist for you (404, so ids cannot be probed).
  ['GET /api/bookings/{id}',                async (c) => ({ params: { id: await c.booking() } }),                    e(401, 401, 200, 404,  200,   404,    404,    404,     200)],
  ['DELETE /api/bookings/{id}',             async (c) => ({ params: { id: await c.booking() } }),                    e(401, 401, 200, 404,  200,   404,    404,    404,     200)],
  ['POST /api/bookings/{id}/accept',        async (c) => ({ params: { id: await c.offered() } }),                    e(401, 401, 200, 404,  404,   404,    404,    404,     404)],
  ['POST /api/bookings/{id}/decline',       async (c) => ({ params: { id: await c.offered() } }),                    e(401, 401, 200, 404,  404,   404,    404,    404,     404)],
  ['GET /api/orgs/{id}/bookings',           async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  // Office staff see only their own organisation's holds (checked in test/hostile/leaks.test.ts).
  ['GET /api/sessions/{id}/roster',         async (c) => ({ params: { id: await c.session() }, query: `orgId=${orgA.id}` }),  e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/sessions/{id}/holds',          async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 403, 403,  200,   200,    200,    403,     200)],
  // Office staff hold seats for their own school (each is offered only its own); another school's is 404 to them.
  ['GET /api/sessions/{id}/holds/organisations', async (c) => ({ params: { id: await c.session() } }),             e(401, 401, 403, 403,  200,   200,    200,    403,     200)],
  ['PUT /api/sessions/{id}/holds',          async (c) => ({ params: { id: await c.session() }, body: { orgId: orgA.id, seat: 'online', seats: 2 } }),
                                                                                                                     e(401, 401, 403, 403,  204,   404,    204,    403,     204)],
  ['GET /api/outbox',                       async () => ({ query: 'to=example&limit=10&offset=0' }),                 e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['POST /api/outbox/{id}/retry',           async (c) => (await c.booking(), { params: { id: (await t.db.selectFrom('outbox').select('id').where('to_email', '=', c.me.email).executeTakeFirstOrThrow()).id } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     204)],
  // A trainer's own sessions: only the session's trainers (trainer, not trainer2) and admins manage them.
  ['GET /api/me/sessions',                  async () => ({}),                                                        e(401, 401, 403, 403,  403,   403,    200,    200,     200)],
  // Trainers by name (no emails), to add as co-trainers: for people who run sessions.
  ['GET /api/trainers',                     async () => ({ query: 'q=trainer' }),                                    e(401, 401, 403, 403,  403,   403,    200,    200,     200)],
  ['GET /api/sessions/{id}/trainers',       async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/series',             async () => ({ body: { session: { title: 'Inclusive classrooms', mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } }, occurrences: [{ startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z' }, { startsAt: '2026-03-09T15:30:00Z', endsAt: '2026-03-09T17:00:00Z' }] } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    201,    201,     201)],
  ['GET /api/sessions/{id}/attendees',      async (c) => (await c.booking(), { params: { id: await c.session() } }), e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['GET /api/sessions/{id}/attendees.csv',  async (c) => (await c.booking(), { params: { id: await c.session() } }), e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  // Changing seat kind: the person, their organisation's office (as for cancelling), the session's trainers and admins; to anyone else the booking does not exist.
  ['POST /api/bookings/{id}/seat',          async (c) => ({ params: { id: await c.booking('online') }, body: { seat: 'in_person' } }),
                                                                                                                     e(401, 401, 200, 404,  200,   404,    200,    404,     200)],
  ['POST /api/bookings/{id}/remove',        async (c) => ({ params: { id: await c.booking() }, body: { reason: 'Booked twice' } }),
                                                                                                                     e(401, 401, 403, 404,  403,   404,    200,    404,     200)],
  ['POST /api/sessions/{id}/messages',      async (c) => (await c.booking(), { params: { id: await c.session() }, body: { text: 'Bring a laptop' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    201,    403,     201)],
  ['GET /api/bookings/{id}/invite.ics',     async (c) => ({ params: { id: await c.booking() } }),                    e(401, 401, 200, 404,  200,   404,    404,    404,     200)],
  ['GET /api/me/calendar',                  async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['POST /api/me/calendar/rotate',          async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/orgs/{id}/calendar',           async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['POST /api/orgs/{id}/calendar/rotate',   async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  // The private URL is the credential: whoever holds it reads the feed (a revoked bearer token is still refused).
  ['GET /api/calendar/feeds/{file}',        async (c) => (await c.booking(), { params: { file: await c.feedFile() } }),
                                                                                                                     e(200, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/orgs/{id}/bookings.ics',       async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/bookings.csv',       async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/me/timetable',                 async (c) => (await c.callerTimetable(), {}),                            e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['PUT /api/me/timetable',                 async () => ({ contentType: 'text/csv', body: lessonCsv }),              e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['DELETE /api/me/timetable',              async () => ({}),                                                        e(401, 401, 204, 204,  204,   204,    204,    204,     204)],
  ['PUT /api/me/timetable/subscription',    async () => ({ body: { url: icsUrl } }),                                 e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/me/clashes',                   async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  // Another organisation's office gets 404 (the person is not theirs to know); anyone else 403.
  ['GET /api/users/{id}/timetable',         async (c) => (await c.myTimetable(), { params: { id: c.me.id } }),      e(401, 401, 200, 403,  200,   404,    403,    403,     200)],
  ['PUT /api/users/{id}/timetable',         async (c) => ({ params: { id: c.me.id }, contentType: 'text/csv', body: lessonCsv }),
                                                                                                                     e(401, 401, 200, 403,  200,   404,    403,    403,     200)],
  ['DELETE /api/users/{id}/timetable',      async (c) => ({ params: { id: c.me.id } }),                              e(401, 401, 204, 403,  204,   404,    403,    403,     204)],
  ['PUT /api/users/{id}/timetable/subscription', async (c) => ({ params: { id: c.me.id }, body: { url: icsUrl } }),  e(401, 401, 200, 403,  200,   404,    403,    403,     200)],
  ['PUT /api/orgs/{id}/timetables',         async (c) => ({ params: { id: orgA.id }, contentType: 'text/csv', body: staffCsv(c) }),
                                                                                                                     e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/cover',              async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/cover.csv',          async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  // Everyone signed in may ask what the live room means for them (the answer says whether they may join).
  ['GET /api/sessions/{id}/live',           async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  // Only a confirmed online attendee and the session's own trainers get a room token.
  ['POST /api/sessions/{id}/join',          async (c) => (await c.booking('online'), { params: { id: await c.session() } }),
                                                                                                                     e(401, 401, 200, 403,  403,   403,    200,    403,     403)],
  ['POST /api/sessions/{id}/live/mute',     async (c) => liveTarget(c, (identity) => ({ identity, trackSid: 'TR_audio', muted: true })),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/live/remove',   async (c) => liveTarget(c, (identity) => ({ identity })),               e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/live/speaker',  async (c) => liveTarget(c, (identity) => ({ identity, speaker: true })), e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/live/end',      async (c) => liveTarget(c, () => undefined),                             e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  // The trainer's saved decisions about the room: who was removed (and letting them back), the captioners, reopening.
  ['GET /api/sessions/{id}/live/removed',   async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/live/readmit',  async (c) => removedTarget(c),                                           e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['GET /api/sessions/{id}/live/captioners', async (c) => ({ params: { id: await c.session() } }),                   e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['PUT /api/sessions/{id}/live/captioners', async (c) => captionerTarget(c),                                        e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/live/reopen',   async (c) => liveTarget(c, () => undefined),                             e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  // Starting automatic captions again (sending the speech-to-text agent): the session's trainers.
  ['POST /api/sessions/{id}/live/captions-agent', async (c) => liveTarget(c, () => undefined),                       e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  // Raising a hand is the caller's own (attendees and the session's trainers, connected to the room).
  ['POST /api/sessions/{id}/live/hand',     async (c) => handTarget(c),                                              e(401, 401, 200, 403,  403,   403,    200,    403,     403)],
  // LiveKit signs the webhook; no caller credentials are involved (unsigned is 401: see the fuzz test).
  ['POST /api/livekit/webhook',             async (c) => webhook(c),                                                 e(200, 200, 200, 200,  200,   200,    200,    200,     200)],
  ['POST /api/sessions/{id}/presence',      async (c) => (await c.booking('online'), { params: { id: await c.session() }, body: { event: 'join' } }),
                                                                                                                     e(401, 401, 204, 403,  403,   403,    204,    403,     403)],
  ['POST /api/sessions/{id}/captions',      async (c) => (await c.booking('online'), { params: { id: await c.session() }, body: { segmentId: randomUUID(), text: 'Welcome, everyone.', final: true } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    200,    403,     403)],
  ['GET /api/sessions/{id}/transcript.vtt', async (c) => (await c.booking('online'), { params: { id: await c.session() } }),
                                                                                                                     e(401, 401, 200, 403,  403,   403,    200,    403,     200)],
  // Office staff see their own organisation's rows only (checked below).
  ['GET /api/sessions/{id}/attendance',     async (c) => (await c.booking(), { params: { id: await c.session() } }), e(401, 401, 403, 403,  200,   200,    200,    403,     200)],
  ['GET /api/sessions/{id}/attendance.csv', async (c) => (await c.booking(), { params: { id: await c.session() } }), e(401, 401, 403, 403,  200,   200,    200,    403,     200)],
  ['PUT /api/sessions/{id}/attendance/{bookingId}', async (c) => ({ params: { bookingId: await c.booking('in_person'), id: await c.session() }, body: { attended: true, note: 'Signed the paper register' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['GET /api/sessions/{id}/attendance/{bookingId}/history', async (c) => ({ params: { bookingId: await c.booking(), id: await c.session() } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['GET /api/sessions/{id}/checkin-code',   async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['POST /api/sessions/{id}/checkin',       async (c) => checkin(c),                                                 e(401, 401, 200, 403,  403,   403,    403,    403,     403)],
  // Anyone signed in who may see the session asks for their own check-in (null when they have none).
  ['GET /api/sessions/{id}/checkin',        async (c) => (await c.booking('in_person'), { params: { id: await c.session() } }),
                                                                                                                     e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/me/completions',               async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/me/completions.csv',           async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/me/data',                      async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/orgs/{id}/completions',        async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/orgs/{id}/completions.csv',    async () => ({ params: { id: orgA.id } }),                               e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/users/{id}/completions',       async (c) => ({ params: { id: c.me.id } }),                              e(401, 401, 200, 403,  200,   404,    403,    403,     200)],
  // Feedback (issue 19): only the attendee answers; the session's trainers and admins see results; admins per course and overall.
  ['GET /api/sessions/{id}/feedback/mine',  async (c) => (await c.attended(), { params: { id: await c.session() } }), e(401, 401, 200, 403,  403,   403,    403,    403,     403)],
  ['PUT /api/sessions/{id}/feedback/mine',  async (c) => (await c.attended(), { params: { id: await c.session() }, body: { usefulness: 4, confidenceBefore: 2, confidenceAfter: 4, comment: 'Useful' } }),
                                                                                                                     e(401, 401, 200, 403,  403,   403,    403,    403,     403)],
  ['GET /api/sessions/{id}/feedback',       async (c) => (await c.attended(), { params: { id: await c.session() } }), e(401, 401, 403, 403,  403,   403,    200,    403,     200)],
  ['GET /api/me/feedback/sessions',         async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/feedback',                     async () => ({}),                                                        e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['GET /api/feedback/settings',            async () => ({}),                                                        e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['GET /api/courses/{id}/feedback',        async () => ({ params: { id: (await ok<{ id: string }>('POST', '/api/courses', fixed.trainer, { title: `Course ${randomUUID()}` })).id } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  ['PUT /api/courses/{id}/feedback-settings', async () => ({ params: { id: (await ok<{ id: string }>('POST', '/api/courses', fixed.trainer, { title: `Course ${randomUUID()}` })).id }, body: { anonymous: true } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     200)],
  // Certificates: the attendee's own (someone else's booking does not exist for you), and admins; the check is public.
  ['GET /api/bookings/{id}/certificate.pdf', async (c) => ({ params: { id: await c.attended() } }),                 e(401, 401, 200, 404,  404,   404,    404,    404,     200)],
  ['GET /api/courses/{id}/certificate.pdf', async (c) => ({ params: { id: await c.completedCourse() }, query: `userId=${c.me.id}` }),
                                                                                                                     e(401, 401, 200, 404,  404,   404,    404,    404,     200)],
  ['GET /api/me/certificates',              async () => ({}),                                                        e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['GET /api/certificates/{code}',          async () => ({ params: { code: 'ABCD-EFGH-JKMN-PQRS' } }),               e(200, 401, 200, 200,  200,   200,    200,    200,     200)],
  // Coverage of orgA: its office and admins; orgB's office is refused (a sibling, not under it).
  ['GET /api/reach/coverage',               async () => ({ query: `orgId=${orgA.id}` }),                             e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/reach/coverage.csv',           async () => ({ query: `figure=schools&orgId=${orgA.id}` }),              e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  ['GET /api/reach/not-booked',             async () => ({ query: `orgId=${orgA.id}` }),                             e(401, 401, 403, 403,  200,   403,    403,    403,     200)],
  // Materials (issue 20): the library is kept by administrators and read by those who run sessions.
  ['GET /api/courses/{id}/materials',       async () => ({ params: { id: await newCourse() } }),                    e(401, 401, 403, 403,  403,   403,    200,    200,     200)],
  ['POST /api/courses/{id}/materials/files', async () => ({ params: { id: await newCourse() }, query: 'name=slides.pdf', contentType: 'application/octet-stream', body: PDF }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     201)],
  ['POST /api/courses/{id}/materials/links', async () => ({ params: { id: await newCourse() }, body: { title: 'Video', url: 'https://example.org/v' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    403,    403,     201)],
  ['DELETE /api/materials/{id}',            async () => ({ params: { id: await libraryFile() } }),                   e(401, 401, 403, 403,  403,   403,    403,    403,     204)],
  ['GET /api/materials/{id}/download',      async () => ({ params: { id: await libraryFile() } }),                   e(401, 401, 403, 403,  403,   403,    200,    200,     200)],
  // A session's materials: anyone who sees the session sees the list; its trainers and admins change it;
  // its trainers, the people booked on it (me) and admins download.
  ['GET /api/sessions/{id}/materials',      async (c) => ({ params: { id: await c.session() } }),                    e(401, 401, 200, 200,  200,   200,    200,    200,     200)],
  ['POST /api/sessions/{id}/materials',     async (c) => ({ params: { id: await c.session() }, body: { materialId: await libraryFile() } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    201,    403,     201)],
  ['POST /api/sessions/{id}/materials/files', async (c) => ({ params: { id: await c.session() }, query: 'name=handout.pdf', contentType: 'application/octet-stream', body: PDF }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    201,    403,     201)],
  ['POST /api/sessions/{id}/materials/links', async (c) => ({ params: { id: await c.session() }, body: { title: 'Padlet', url: 'https://example.org/p' } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    201,    403,     201)],
  ['DELETE /api/sessions/{id}/materials/{materialId}', async (c) => ({ params: { id: await c.session(), materialId: await sessionFile(c) } }),
                                                                                                                     e(401, 401, 403, 403,  403,   403,    204,    403,     204)],
  ['GET /api/sessions/{id}/materials/{materialId}/download', async (c) => (await c.booking(), { params: { id: await c.session(), materialId: await sessionFile(c) } }),
                                                                                                                     e(401, 401, 200, 403,  403,   403,    200,    403,     200)],
];

const PDF = '%PDF-1.4\n%%EOF\n';
async function newCourse(): Promise<string> {
  return (await ok<{ id: string }>('POST', '/api/courses', fixed.admin, { title: `Course ${randomUUID()}` })).id;
}
async function libraryFile(): Promise<string> {
  const res = await t.request('POST', `/api/courses/${await newCourse()}/materials/files?name=lib.pdf`, { as: fixed.admin, body: PDF, headers: { 'content-type': 'application/octet-stream' } });
  if (res.status !== 201) throw new Error(`fixture library file failed: ${res.status} ${res.text}`);
  return res.json.id;
}
/** The cell's session's own file, added by its trainer. */
async function sessionFile(c: Cell): Promise<string> {
  const res = await t.request('POST', `/api/sessions/${await c.session()}/materials/files?name=own.pdf`, { as: fixed.trainer, body: PDF, headers: { 'content-type': 'application/octet-stream' } });
  if (res.status !== 201) throw new Error(`fixture session file failed: ${res.status} ${res.text}`);
  return res.json.id;
}

/** A live room with me in it (the stand-in plays LiveKit), for the trainer's room controls. */
async function liveTarget(c: Cell, body: (identity: string) => unknown): Promise<Req> {
  const id = await c.session();
  await c.booking('online');
  lk.addParticipant(roomNameOf(id), { sid: `PA_${randomUUID().slice(0, 8)}`, identity: identityOf(c.me.id), joinedAtMs: Date.now(), tracks: [{ sid: 'TR_audio' }] });
  return { params: { id }, body: body(identityOf(c.me.id)) };
}

/** `me` booked online and removed from the session's room by its trainer. */
async function removedTarget(c: Cell): Promise<Req> {
  const id = await c.session();
  await c.booking('online');
  await t.db.insertInto('live_removals').values({ session_id: id, user_id: c.me.id, removed_by: fixed.trainer.id, removed_at: t.clock.now().toISOString() }).execute();
  return { params: { id }, body: { identity: identityOf(c.me.id) } };
}

/** `me`, a captioner, booked online. */
async function captionerTarget(c: Cell): Promise<Req> {
  const id = await c.session();
  await c.booking('online');
  await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', c.me.id).execute();
  return { params: { id }, body: { identity: identityOf(c.me.id), assigned: true } };
}

/** `me` booked online; `me` and the session's trainer connected to its room. */
async function handTarget(c: Cell): Promise<Req> {
  const req = await liveTarget(c, () => ({ raised: true }));
  lk.addParticipant(roomNameOf(req.params!.id!), { sid: `PA_${randomUUID().slice(0, 8)}`, identity: identityOf(fixed.trainer.id), joinedAtMs: Date.now() });
  return req;
}

async function webhook(c: Cell): Promise<Req> {
  const id = await c.session();
  await c.booking('online');
  const { body, headers } = await signedWebhook({
    event: 'participant_joined',
    id: `EV_${randomUUID()}`,
    createdAt: BigInt(Math.floor(t.clock.now().getTime() / 1000)),
    room: { sid: `RM_${id.slice(0, 8)}`, name: roomNameOf(id) } as never,
    participant: { sid: `PA_${randomUUID().slice(0, 8)}`, identity: identityOf(c.me.id), joinedAt: BigInt(Math.floor(t.clock.now().getTime() / 1000)) } as never,
  });
  return { noCaller: true, body, headers: { ...headers, 'content-type': 'application/webhook+json' } };
}

async function checkin(c: Cell): Promise<Req> {
  const id = await c.session({ startsAt: '2026-02-10T15:45:00Z' });
  await c.booking('in_person');
  const code = await ok<{ code: string }>('GET', `/api/sessions/${id}/checkin-code`, fixed.trainer);
  return { params: { id }, body: { code: code.code } };
}

describe('authorisation matrix', () => {
  it('has a row for every operation in openapi.json, and no row for an operation that is gone', () => {
    const documented = ops.map((o) => o.key);
    const rows = MATRIX.map((r) => r[0]);
    const missing = documented.filter((k) => !rows.includes(k));
    const stale = rows.filter((k) => !documented.includes(k));
    expect(missing, `routes in openapi.json with no row in the authorisation matrix (add one to MATRIX in test/hostile/authz.test.ts): ${missing.join(', ')}`).toEqual([]);
    expect(stale, `rows for routes that are not in openapi.json: ${stale.join(', ')}`).toEqual([]);
    expect(new Set(rows).size, 'a route has two rows').toBe(rows.length);
  });

  /** One cell: `route` made by `make` on a fresh cell, asked by `caller` (me unless named), with a token `as` says (none, revoked, live). */
  async function answer(route: string, make: Row[1], who: { caller?: TestUser; as: 'none' | 'revoked' | 'live'; turnOff?: boolean; inHouse?: boolean }) {
    const [method, pathTemplate] = route.split(' ') as [string, string];
    const c = await Cell.make(who.inHouse);
    c.caller = who.caller ?? c.me;
    const req = await make(c);
    // Turned off behind the token's back: the token itself is never revoked.
    if (who.turnOff) await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', c.me.id).execute();
    const credential = who.as === 'none' ? null : await token(c.caller, who.as === 'revoked');
    const headers: Record<string, string> = { ...(req.noCaller || !credential ? {} : { authorization: `Bearer ${credential}` }), ...(req.headers ?? {}) };
    // The webhook's Authorization is LiveKit's; the caller's token shows up as a cookie instead.
    if (req.noCaller && credential && who.as !== 'live') headers.cookie = `sid=${credential}`;
    if (req.noCaller && who.turnOff) headers.cookie = `sid=${credential}`;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= req.contentType ?? 'application/json';
    }
    const url = fillPath(pathTemplate, req.params ?? {}) + (req.query ? `?${req.query}` : '');
    const res = await t.app.request(url, { method, headers, body });
    return { status: res.status, text: (await res.text()).slice(0, 200) };
  }

  for (const [route, make, expected] of MATRIX) {
    it(route, { timeout: 60_000 }, async () => {
      const wrong: string[] = [];
      for (const actor of ACTORS) {
        const got = await answer(route, make, { caller: actor === 'anon' || actor === 'revoked' || actor === 'staff' ? undefined : fixed[actor], as: actor === 'anon' ? 'none' : actor === 'revoked' ? 'revoked' : 'live' });
        if (got.status !== expected[actor]) wrong.push(`${actor}: expected ${expected[actor]}, got ${got.status} ${got.text}`);
      }
      for (const actor of MORE) {
        const want = EXCEPT[route]?.[actor] ?? expected[SAME_AS[actor]];
        const got = await answer(route, make, actor === 'off' ? { as: 'live', turnOff: true } : { caller: more[actor], as: 'live' });
        if (got.status !== want) wrong.push(`${actor}: expected ${want} (${EXCEPT[route]?.[actor] !== undefined ? 'EXCEPT' : `as ${SAME_AS[actor]}`}), got ${got.status} ${got.text}`);
      }
      expect(wrong, `${route}\n${wrong.join('\n')}`).toEqual([]);
    });
  }

  // On an in-house session for organisation A, a lead of organisation B is no one there, and a lead
  // of organisation A who was un-made runs nothing: each answered as someone who never led.
  for (const [route, make] of MATRIX.filter(([r]) => /\/(sessions|bookings)\/\{id\}/.test(r))) {
    it(`${route}, on an in-house session: leads of another organisation, and leads un-made`, { timeout: 60_000 }, async () => {
      const wrong: string[] = [];
      for (const [lead, plain] of [['leadB', 'staffB'], ['exLead', 'colleague']] as const) {
        const who = { leadB: more.leadB, exLead: more.exLead, staffB: fixed.staffB, colleague: more.colleague };
        const [a, b] = [await answer(route, make, { caller: who[lead], as: 'live', inHouse: true }), await answer(route, make, { caller: who[plain], as: 'live', inHouse: true })];
        if (a.status !== b.status) wrong.push(`${lead}: got ${a.status} ${a.text}, but ${plain} ${b.status}`);
      }
      expect(wrong, `${route}\n${wrong.join('\n')}`).toEqual([]);
    });
  }

  it('office staff of another organisation see none of its rows where the answer is a filtered list', async () => {
    const c = await Cell.make();
    const session = await c.session();
    await c.booking();
    const asB = { authorization: `Bearer ${await token(fixed.officeB)}` };
    const asA = { authorization: `Bearer ${await token(fixed.office)}` };
    for (const p of [`/api/sessions/${session}/bookings`, `/api/sessions/${session}/attendance`]) {
      const b = await t.app.request(p, { headers: asB });
      const a = await t.app.request(p, { headers: asA });
      const bText = await b.text();
      expect(bText, p).not.toContain(c.me.id);
      expect(bText, p).not.toContain(c.me.email);
      expect(await a.text(), p).toContain(c.me.id);
    }
    const csv = await (await t.app.request(`/api/sessions/${session}/attendance.csv`, { headers: asB })).text();
    expect(csv).not.toContain(c.me.email);
  });
});
