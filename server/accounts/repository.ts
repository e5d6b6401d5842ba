import { sql, type Expression, type Insertable, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database, JobRole, OrganisationRow, Role, UserRow } from '../../db/schema.js';
import { lowerContains } from '../../db/like.js';
import type { AuthUser } from '../platform/http.js';
import { kindOf, oneOf, prepared, preparedIn, type ArgFn } from '../../db/prepared.js';

export type Q = Kysely<Database> | Transaction<Database>;

export function toAuthUser(u: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'org_id' | 'captioner'>): AuthUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.org_id, captioner: u.captioner === 1 };
}

export function findUserByEmail(db: Q, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

const userById = prepared<{ id: string }>()((db, arg) => db.selectFrom('users').selectAll().where('id', '=', arg('id')));

export function findUserById(db: Q, id: string) {
  return userById.first(db, { id });
}

export function findUsersByIds(db: Q, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as UserRow[]);
  if (ids.length === 1) return userById.all(db, { id: ids[0]! }); // every self-booking
  return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

export async function insertUser(db: Q, row: { id: string; email: string; name: string; role: Role; orgId: string | null; passwordHash: string | null; captioner?: boolean; jobRole?: JobRole | null; createdAt: string }) {
  await db
    .insertInto('users')
    .values({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      org_id: row.orgId,
      password_hash: row.passwordHash,
      captioner: row.captioner ? 1 : 0,
      time_zone: null,
      created_at: row.createdAt,
      disabled_at: null,
      job_role: row.jobRole ?? null,
    })
    .execute();
}

/** Puts a person's name or email right (either, or both); false, changing nothing, for an erased account. */
export async function setUserNameAndEmail(db: Q, userId: string, set: { name?: string; email?: string }): Promise<boolean> {
  const r = await db.updateTable('users').set(set).where('id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Messages whose link is a key to the account, and their stand-ins for someone who signs in with their school's own account. */
const ADDRESS_BOUND_KINDS = ['password_reset', 'sign_in_link', 'password_reset_sso', 'sign_in_link_sso'];

/**
 * A person's messages still waiting to go to their old address, once it has changed: a reset
 * or sign-in link (or what stands in for one) is dropped, as its link no longer works and it
 * answered a request made for the old address; every other message (a booking notice, a
 * reminder) goes to the new address instead.
 */
export async function readdressWaitingMail(db: Q, userId: string, oldEmail: string, newEmail: string) {
  const waiting = db.updateTable('outbox').where('user_id', '=', userId).where('to_email', '=', oldEmail).where('status', '=', 'pending');
  await waiting.set({ status: 'dropped', locked_until: null, last_error: 'No longer applies: the person’s email address was changed, and the link went with the old one' }).where('kind', 'in', ADDRESS_BOUND_KINDS).execute();
  await waiting.set({ to_email: newEmail }).where('kind', 'not in', ADDRESS_BOUND_KINDS).execute();
}

export async function setUserJobRole(db: Q, userId: string, jobRole: JobRole | null) {
  await db.updateTable('users').set({ job_role: jobRole }).where('id', '=', userId).execute();
}

export function listUsersOfOrg(db: Q, orgId: string) {
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export function findOrg(db: Q, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Organisation names by id. */
export async function orgNames(db: Q, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Which organisations a search may return: all, one and those directly under it, or just one. */
export type OrgScope = { all: true } | { all: false; orgId: string; withChildren: boolean };

export interface OrgSearch {
  scope: OrgScope;
  /** Name holds it (any case), or the URN is it. */
  text?: string;
  kinds?: readonly OrganisationRow['kind'][];
  /** Only those directly under this one. */
  parentId?: string;
  /** Only these (as well as the scope). */
  ids?: readonly string[];
  /** This one first (an office person's own organisation), the rest by name. */
  firstId?: string;
}

function orgsMatching(db: Q, o: OrgSearch) {
  let q = db.selectFrom('organisations as o');
  const scope = o.scope;
  if (!scope.all) q = q.where((eb) => (scope.withChildren ? eb.or([eb('o.id', '=', scope.orgId), eb('o.parent_id', '=', scope.orgId)]) : eb('o.id', '=', scope.orgId)));
  if (o.text) {
    const text = o.text;
    q = q.where((eb) => eb.or([lowerContains(db, 'o.name', text), eb('o.urn', '=', text)]));
  }
  if (o.kinds?.length) q = q.where('o.kind', 'in', o.kinds);
  if (o.parentId) q = q.where('o.parent_id', '=', o.parentId);
  if (o.ids) q = o.ids.length ? q.where('o.id', 'in', o.ids) : q.where(sql<boolean>`1 = 0`);
  return q;
}

/** The organisations a search finds, each with the name of the one it sits under. */
const withParentName = (db: Q, o: OrgSearch) => orgsMatching(db, o).leftJoin('organisations as p', 'p.id', 'o.parent_id').selectAll('o').select('p.name as parent_name');

/** One organisation within `scope`, with the name of the one it sits under: one statement. */
export function findOrgInScope(db: Q, scope: OrgScope, id: string) {
  return withParentName(db, { scope, ids: [id] }).executeTakeFirst();
}

/**
 * A page of the organisations a search finds, by name (`firstId` first), each with the name
 * of the one it sits under, and how many it finds in all: two statements however many
 * organisations there are.
 */
export async function searchOrgs(db: Q, o: OrgSearch & { limit: number; offset: number }): Promise<{ rows: (OrganisationRow & { parent_name: string | null })[]; total: number }> {
  let q = withParentName(db, o);
  if (o.firstId) q = q.orderBy(sql`case when o.id = ${o.firstId} then 0 else 1 end`);
  const [rows, count] = await Promise.all([
    q.orderBy('o.name').orderBy('o.id').limit(o.limit).offset(o.offset).execute(),
    orgsMatching(db, o).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

/** An organisation's id and those of the organisations directly under it (its own first). */
export async function orgAndChildren(db: Q, orgId: string): Promise<string[]> {
  const rows = await db.selectFrom('organisations').select('id').where((eb) => eb.or([eb('id', '=', orgId), eb('parent_id', '=', orgId)])).orderBy('name').execute();
  const ids = rows.map((r) => r.id);
  return ids.includes(orgId) ? [orgId, ...ids.filter((id) => id !== orgId)] : [];
}

/** Organisations by id, `ids[0]` first and the rest by name. */
export async function findOrgs(db: Q, ids: readonly string[]): Promise<OrganisationRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('organisations').selectAll().where('id', 'in', ids).orderBy('name').execute();
  return [...rows.filter((r) => r.id === ids[0]), ...rows.filter((r) => r.id !== ids[0])];
}

export function findOrgByUrn(db: Q, urn: string) {
  return db.selectFrom('organisations').selectAll().where('urn', '=', urn).executeTakeFirst();
}

export async function countChildOrgs(db: Q, id: string): Promise<number> {
  const r = await db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', id).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** A person's row, locked until the transaction ends (PostgreSQL; SQLite's transaction holds the write lock). */
export function lockUserRow(trx: Transaction<Database>, id: string): Promise<UserRow | undefined> {
  let q = trx.selectFrom('users').selectAll().where('id', '=', id);
  if (kindOf(trx) === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** An organisation's row, locked until the transaction ends (PostgreSQL; SQLite's transaction holds the write lock). */
export function lockOrg(trx: Transaction<Database>, id: string): Promise<OrganisationRow | undefined> {
  let q = trx.selectFrom('organisations').selectAll().where('id', '=', id);
  if (kindOf(trx) === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateOrg(db: Q, id: string, set: Partial<Omit<OrganisationRow, 'id' | 'created_at'>>) {
  await db.updateTable('organisations').set(set).where('id', '=', id).execute();
}

export async function insertOrg(db: Q, row: Insertable<Database['organisations']>) {
  await db.insertInto('organisations').values(row).execute();
}

/**
 * Writes a sign-in session for its user only while the account is on, in one statement that
 * reads the account as it writes (true when written; false when the account is off or gone):
 * an account turned off while the person was proving who they are (a password's scrypt takes
 * a while) gets no session. On PostgreSQL the account's row is share-locked by the statement,
 * so turning it off either waits for this write to commit (and then ends the session with the
 * others) or commits first and is seen here.
 */
export async function insertAuthSessionIfOn(db: Q, row: Database['auth_sessions']): Promise<boolean> {
  let account = db
    .selectFrom('users')
    .select([
      sql<string>`cast(${row.id} as text)`.as('id'),
      sql<string>`cast(${row.token_hash} as text)`.as('token_hash'),
      'users.id as user_id',
      sql<string>`cast(${row.csrf_token} as text)`.as('csrf_token'),
      sql<string>`cast(${row.created_at} as text)`.as('created_at'),
      sql<string>`cast(${row.expires_at} as text)`.as('expires_at'),
      sql<string | null>`cast(${row.revoked_at} as text)`.as('revoked_at'),
    ])
    .where('users.id', '=', row.user_id)
    .where('users.disabled_at', 'is', null);
  if (kindOf(db) === 'postgres') account = account.forShare();
  const r = await db.insertInto('auth_sessions').columns(['id', 'token_hash', 'user_id', 'csrf_token', 'created_at', 'expires_at', 'revoked_at']).expression(account).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * The live sessions behind token hashes, each with its user; none for a token revoked,
 * expired or whose account is disabled. `which` picks the hashes: one, or a list.
 */
function liveAuthSessions(db: Kysely<Database>, which: Expression<SqlBool>, now: string) {
  return db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.token_hash', 's.id as session_id', 's.csrf_token', 'u.id', 'u.email', 'u.name', 'u.role', 'u.org_id', 'u.captioner'])
    // Whether they have a timetable: the session list and a booking's answer want it for
    // the caller, and read here it costs them no look of their own.
    .select(sql<number>`case when exists (select 1 from timetables t where t.user_id = u.id) then 1 else 0 end`.as('has_timetable'))
    .where(which)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null);
}
const liveAuthSessionOfOne = prepared<{ tokenHash: string; now: string }>()((db, arg) => liveAuthSessions(db, sql<SqlBool>`s.token_hash = ${arg('tokenHash')}`, arg('now')));
/** PostgreSQL: many hashes as one array parameter, so the statement is built and compiled once, whatever their number. */
const liveAuthSessionsAmong = prepared<{ tokenHashes: string[]; now: string }>()((db, arg) => liveAuthSessions(db, oneOf('postgres', 's.token_hash', arg('tokenHashes')), arg('now')));
/** SQLite (no arrays): many hashes as a list, prepared once per number of hashes. */
const liveAuthSessionsIn = preparedIn((db, tokenHashes: readonly string[], arg: ArgFn<{ now: string }>) => liveAuthSessions(db, oneOf('sqlite', 's.token_hash', tokenHashes), arg('now')));

/** The signed-in people behind token hashes, by hash. Every request asks (batched: accounts/service.ts). */
export async function findLiveAuthSessions(db: Q, tokenHashes: readonly string[], nowIso: string) {
  const rows =
    tokenHashes.length === 1
      ? await liveAuthSessionOfOne.all(db, { tokenHash: tokenHashes[0]!, now: nowIso })
      : kindOf(db) === 'postgres'
        ? await liveAuthSessionsAmong.all(db, { tokenHashes: [...tokenHashes], now: nowIso })
        : await liveAuthSessionsIn(db, tokenHashes, { now: nowIso });
  return new Map(rows.map((r) => [r.token_hash, r]));
}

export async function revokeAuthSession(db: Q, id: string, nowIso: string) {
  await db.updateTable('auth_sessions').set({ revoked_at: nowIso }).where('id', '=', id).execute();
}

/**
 * Counts one more hit under `key` and returns the count, in one statement (an upsert), so
 * hits arriving together are each counted: none can read a count another has not yet
 * written. A window that started at or before `cutoffIso` is over: the count starts again.
 */
export async function bumpThrottle(db: Q, key: string, nowIso: string, cutoffIso: string, weight = 1): Promise<{ hits: number; windowStart: string }> {
  const row = await db
    .insertInto('login_throttle')
    .values({ key, window_start: nowIso, hits: weight })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const expired = eb('login_throttle.window_start', '<=', cutoffIso);
        return {
          hits: eb.case().when(expired).then(weight).else(eb('login_throttle.hits', '+', weight)).end(),
          window_start: eb.case().when(expired).then(nowIso).else(eb.ref('login_throttle.window_start')).end(),
        };
      }),
    )
    .returning(['hits', 'window_start'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), windowStart: row.window_start };
}

/** Takes back one hit under each key (an attempt that turned out to be the right password). */
export async function refundThrottle(db: Q, keys: string[]) {
  if (keys.length === 0) return;
  await db.updateTable('login_throttle').set((eb) => ({ hits: eb('hits', '-', 1) })).where('key', 'in', keys).where('hits', '>', 0).execute();
}

/**
 * Takes a lease named `key` (a row of the throttle table, its window_start the holder's
 * token) unless someone holds it; one older than `staleBeforeIso` (its holder died) is taken
 * over. Returns the holder's token, or null when it is held.
 */
export async function takeLease(db: Q, key: string, tokenIso: string, staleBeforeIso: string): Promise<string | null> {
  await db.deleteFrom('login_throttle').where('key', '=', key).where('window_start', '<', staleBeforeIso).execute();
  const taken = await db.insertInto('login_throttle').values({ key, window_start: tokenIso, hits: 1 }).onConflict((oc) => oc.column('key').doNothing()).returning('key').execute();
  return taken.length > 0 ? tokenIso : null;
}

/** Gives a lease back, only as its holder (another's, taken since, stays). */
export async function giveLeaseBack(db: Q, key: string, tokenIso: string) {
  await db.deleteFrom('login_throttle').where('key', '=', key).where('window_start', '=', tokenIso).execute();
}

/** When a lease named `key` was taken (its token), or null when no one holds it. */
export async function leaseTakenAt(db: Q, key: string): Promise<string | null> {
  return (await db.selectFrom('login_throttle').select('window_start').where('key', '=', key).executeTakeFirst())?.window_start ?? null;
}

/** Forgets these counters where they hold no count: one taken back to zero is as if it had never been counted. */
export async function forgetEmptyThrottles(db: Q, keys: string[]) {
  if (keys.length === 0) return;
  await db.deleteFrom('login_throttle').where('key', 'in', keys).where('hits', '<=', 0).execute();
}

export async function clearThrottle(db: Q, key: string) {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** Forgets counters whose window started before `beforeIso`. */
export async function pruneThrottle(db: Q, beforeIso: string) {
  await db.deleteFrom('login_throttle').where('window_start', '<', beforeIso).execute();
}

/** Forgets every sign-in counter of one account (its own, and its pairs with each client). */
export async function clearThrottlesOfAccount(db: Q, email: string) {
  const escaped = email.replace(/[\\%_]/g, (c) => `\\${c}`);
  await db
    .deleteFrom('login_throttle')
    .where((eb) => eb.or([eb('key', '=', `account:${email}`), eb('key', 'like', sql<string>`${`pair:%|${escaped}`} escape '\\'`)]))
    .execute();
}

export async function setPasswordHash(db: Q, userId: string, passwordHash: string) {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Ends every live sign-in session of a person, but the one `exceptSessionId` if given. */
export async function revokeSessionsOfUser(db: Q, userId: string, nowIso: string, exceptSessionId?: string) {
  let q = db.updateTable('auth_sessions').set({ revoked_at: nowIso }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}

/**
 * Ends every live sign-in session of an organisation's staff and office staff (the people its
 * own sign-in is for: service.ts `ssoRequiringOrg`), however they signed in.
 */
export async function revokeSessionsOfOrgStaff(db: Q, orgId: string, nowIso: string) {
  await db
    .updateTable('auth_sessions')
    .set({ revoked_at: nowIso })
    .where('revoked_at', 'is', null)
    .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('org_id', '=', orgId).where('role', 'in', ['staff', 'office']))
    .execute();
}

export async function insertPasswordReset(db: Q, row: Database['password_resets']) {
  await db.insertInto('password_resets').values(row).execute();
}

/**
 * Uses up a reset link: marks it used and returns its person, in one statement, so a link
 * opened twice at once works only once. Undefined when unknown, used or expired.
 */
/** Whether a reset link is known, unused and unexpired (read only; `consumePasswordReset` uses it). */
export async function passwordResetUsable(db: Q, tokenHash: string, nowIso: string): Promise<boolean> {
  const row = await db.selectFrom('password_resets').select('id').where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', nowIso).executeTakeFirst();
  return row !== undefined;
}

export async function consumePasswordReset(db: Q, tokenHash: string, nowIso: string): Promise<string | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: nowIso })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

/** Every unused reset link of a person stops working. */
export async function voidPasswordResets(db: Q, userId: string, nowIso: string) {
  await db.updateTable('password_resets').set({ used_at: nowIso }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

/** Turns an account off (`disabledAt`) or on (null); false, changing nothing, for an erased account. */
export async function setUserDisabled(db: Q, userId: string, disabledAt: string | null): Promise<boolean> {
  const r = await db.updateTable('users').set({ disabled_at: disabledAt }).where('id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function setUserCaptioner(db: Q, userId: string, captioner: boolean) {
  await db.updateTable('users').set({ captioner: captioner ? 1 : 0 }).where('id', '=', userId).execute();
}

/**
 * Ends every assignment of the person to caption a session (`live_captioners`), answering
 * the sessions they were assigned to. An assignment's power comes from the captioner flag,
 * so it ends with the flag: none comes back if the flag is granted again.
 */
export async function endCaptionerAssignments(db: Q, userId: string): Promise<string[]> {
  const rows = await db.deleteFrom('live_captioners').where('user_id', '=', userId).returning('session_id').execute();
  return rows.map((r) => r.session_id);
}

/** People whose name or email contains `text` (any case), who have `role` and are in `orgId` (each when given). */
function peopleMatching(db: Q, opts: { text?: string; role?: Role; orgId?: string }) {
  // An erased person is in no list of people (their row stays only so that counts stay right).
  let q = db.selectFrom('users as u').where('u.erased_at', 'is', null);
  if (opts.role) q = q.where('u.role', '=', opts.role);
  if (opts.orgId) q = q.where('u.org_id', '=', opts.orgId);
  if (opts.text) {
    const text = opts.text;
    q = q.where((eb) => eb.or([lowerContains(db, 'u.name', text), lowerContains(db, 'u.email', text)]));
  }
  return q;
}

/**
 * People whose name or email contains `text` (any case), who have `role` and are in `orgId`, by name, with their organisation's
 * name; one more than `limit` is read so the caller knows whether there are more.
 */
export function searchUsers(db: Q, opts: { text?: string; role?: Role; orgId?: string; limit: number; offset: number }) {
  return peopleMatching(db, opts)
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .selectAll('u')
    .select('o.name as org_name')
    .orderBy('u.name')
    .orderBy('u.id')
    .limit(opts.limit + 1)
    .offset(opts.offset)
    .execute();
}

/** How many people `searchUsers` finds in all, on every page. */
export async function countUsers(db: Q, opts: { text?: string; role?: Role; orgId?: string }): Promise<number> {
  const row = await peopleMatching(db, opts).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSignInLink(db: Q, row: Database['sign_in_links']) {
  await db.insertInto('sign_in_links').values(row).execute();
}

/** A sign-in link by its token's hash, used or not. */
export function findSignInLink(db: Q, tokenHash: string) {
  return db.selectFrom('sign_in_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Uses up a sign-in link opened in the browser that asked for it: marks it used and returns
 * its person, in one statement, so a link opened twice at once works only once. Undefined
 * when unknown, used, expired or from another browser.
 */
export async function consumeSignInLink(db: Q, tokenHash: string, browserHash: string, nowIso: string): Promise<string | undefined> {
  const row = await db
    .updateTable('sign_in_links')
    .set({ used_at: nowIso })
    .where('token_hash', '=', tokenHash)
    .where('browser_hash', '=', browserHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

/** Every unused sign-in link of a person stops working. */
export async function voidSignInLinks(db: Q, userId: string, nowIso: string) {
  await db.updateTable('sign_in_links').set({ used_at: nowIso }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

export async function setUserPlacement(db: Q, userId: string, role: Role, orgId: string | null) {
  await db.updateTable('users').set({ role, org_id: orgId }).where('id', '=', userId).execute();
}

/** Which of `emails` already belong to an account. */
export async function existingEmails(db: Q, emails: readonly string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  return (await db.selectFrom('users').select('email').where('email', 'in', emails).execute()).map((r) => r.email);
}

/** Ends `userId`'s in-house leadership of every organisation but `keep` (all of them when `keep` is empty). */
export async function dropLeadsOutside(db: Q, userId: string, keep: readonly string[]) {
  let q = db.deleteFrom('inhouse_leads').where('user_id', '=', userId);
  if (keep.length) q = q.where('org_id', 'not in', keep);
  await q.execute();
}

/** Takes someone off every course's list of who may run its sessions (they no longer run sessions). */
export async function dropCourseListings(db: Q, userId: string) {
  await db.deleteFrom('course_trainers').where('user_id', '=', userId).execute();
}

/** Ends the in-house leadership of `orgId` of everyone whose organisation is `memberOrgId` (a school leaving that trust). */
export async function dropLeadsOfMembers(db: Q, orgId: string, memberOrgId: string) {
  await db
    .deleteFrom('inhouse_leads')
    .where('org_id', '=', orgId)
    .where('user_id', 'in', db.selectFrom('users').select('id').where('org_id', '=', memberOrgId))
    .execute();
}

/** The organisations whose settings require their staff to sign in with their own identity provider. */
export async function orgsRequiringSso(db: Q): Promise<{ id: string; name: string; urn: string | null; parent_id: string | null }[]> {
  const rows = await db.selectFrom('organisations').select(['id', 'name', 'urn', 'parent_id', 'settings']).where('settings', 'like', '%ssoRequired%').orderBy('name').execute();
  return rows.filter((r) => (JSON.parse(r.settings) as { ssoRequired?: boolean }).ssoRequired === true).map(({ id, name, urn, parent_id }) => ({ id, name, urn, parent_id }));
}

/** Every organisation under `rootId` (children, their children...), not the root itself. */
export async function descendantOrgs(db: Q, rootId: string) {
  const found: { id: string; name: string; kind: string; parent_id: string | null; urn: string | null }[] = [];
  let frontier = [rootId];
  const seen = new Set(frontier);
  for (let depth = 0; depth < 5 && frontier.length; depth++) {
    const rows = await db.selectFrom('organisations').select(['id', 'name', 'kind', 'parent_id', 'urn']).where('parent_id', 'in', frontier).execute();
    frontier = rows.map((r) => r.id).filter((id) => !seen.has(id));
    for (const r of rows) if (!seen.has(r.id)) { seen.add(r.id); found.push(r); }
  }
  return found;
}

/** Keeps a name or email put right (null: that one did not change), for erasure and "My data" to find. */
export async function keepFormerDetails(db: Q, row: Database['former_details']) {
  await db.insertInto('former_details').values(row).execute();
}

/** The names and emails the person had before they were put right, oldest first. */
export function formerDetailsOf(db: Q, userId: string) {
  return db.selectFrom('former_details').select(['name', 'email', 'replaced_at']).where('user_id', '=', userId).orderBy('replaced_at').orderBy('id').execute();
}
