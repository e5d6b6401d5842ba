/**
 * Accounts: organisations, people, and signing in. Who may create whom is decided here.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { csvErrorLine, csvReadProblem } from '../platform/csv-errors.js';
import { csvDelimiter, decodeSpreadsheet } from '../../shared/spreadsheet-text.js';
import type { z } from 'zod';
import type { OrganisationRow, UserRow } from '../../db/schema.js';
import { CreateUserInput, Email, JOB_ROLE_LABEL, JobRole, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_IMPORT_WORDS, PARENT_KINDS, Role, type CreateOrgInput, type OrgChanged, type OrgKind, type OrgWas, type UpdateOrgInput, type User } from '../../shared/accounts.js';
import { lockForMovedOrg, releaseForMovedOrg } from '../bookings/service.js';
import { placesChanged, type PlaceChange } from '../bookings/events.js';
import { raiseOrgFeed, raiseRunnerFeeds } from '../calendar/feed-revisions.js';
import { AppError, isUniqueViolation } from '../errors.js';
import { perDatabase, type Deps } from '../platform/deps.js';
import type { AuthContext, AuthUser } from '../platform/http.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repository.js';
import type { Q } from './repository.js';
import * as oidcRepo from './oidc-repository.js';
import { orgsActableBy } from './acting.js';
import { recordAudit } from './audit.js';
import { batchedLookup } from '../platform/batching.js';
import { countPasswordCheck, hit, rateLimited } from './throttle.js';
import { listInWords } from '../platform/words.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function toUser(u: UserRow, orgName: string | null): User {
  return { ...repo.toAuthUser(u), orgName, disabled: u.disabled_at !== null, jobRole: u.job_role ?? null, erased: u.erased_at != null };
}

export async function userView(deps: Deps, u: UserRow): Promise<User> {
  const org = u.org_id ? await repo.findOrg(deps.db, u.org_id) : undefined;
  return toUser(u, org?.name ?? null);
}

/**
 * Signs in with a password. The attempt is counted before the password is checked
 * (throttle.ts); a wrong password and an unknown email get the same answer, after the same
 * work. A disabled account is told so only once the password has proved who is asking.
 */
export async function login(deps: Deps, email: string, password: string, client: string) {
  const ticket = await countPasswordCheck(deps, email, client);
  const user = await repo.findUserByEmail(deps.db, email);
  const stored = user?.password_hash ?? (await decoyHash(deps.config.passwordCostLog2));
  const ok = (await verifyPassword(password, stored)) && Boolean(user?.password_hash);
  if (!ok || !user) throw new AppError('invalid_credentials', 'The email or password is not right.');
  await ticket.succeeded();
  if (user.disabled_at) throw accountDisabled();
  if (await ssoRequiredFor(deps, user)) throw ssoRequired();
  return startSession(deps, user);
}

export const ssoRequired = () =>
  new AppError('sso_required', 'Your organisation asks its staff to sign in with their school account. Use the button for your school’s sign-in on the sign-in page.');

/**
 * Does the person's organisation require its staff to sign in with its identity provider?
 * Only its staff and office staff are held to it, the only people a provider signs in
 * (oidc.ts `looksAfter`): an administrator or a trainer placed in it signs in as before.
 */
export async function ssoRequiredFor(deps: Deps, user: UserRow): Promise<boolean> {
  return (await ssoRequiringOrg(deps.db, user)) !== undefined;
}

/** The person's organisation when it requires its staff to sign in with its identity provider (as `ssoRequiredFor`), read with `db` (a transaction's, say). */
export async function ssoRequiringOrg(db: repo.Q, user: Pick<UserRow, 'role' | 'org_id'>): Promise<OrganisationRow | undefined> {
  if ((user.role !== 'staff' && user.role !== 'office') || !user.org_id) return undefined;
  const org = await repo.findOrg(db, user.org_id);
  return org && requiresSso(org.settings) ? org : undefined;
}

/** Whether an organisation's settings (JSON text) require its staff to use its own sign-in. */
const requiresSso = (settings: string) => (JSON.parse(settings) as { ssoRequired?: boolean }).ssoRequired === true;

export const accountDisabled = () =>
  new AppError('account_disabled', 'Your account has been turned off, so you cannot sign in. Ask your school office or an administrator to turn it back on.');

/**
 * A new sign-in session for `user`, however they proved who they are (a password, an emailed
 * link or an identity provider). Only the token's hash is stored. The account is read again
 * as the session is written: one turned off meanwhile (while a password was checked, say)
 * gets none (`account_disabled`).
 */
export async function startSession(deps: Deps, user: UserRow) {
  const now = deps.now();
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expires = new Date(now.getTime() + deps.config.sessionTtlHours * 3_600_000);
  const written = await repo.insertAuthSessionIfOn(deps.db, {
    id: randomUUID(),
    token_hash: hashToken(token),
    user_id: user.id,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    expires_at: expires.toISOString(),
    revoked_at: null,
  });
  if (!written) throw accountDisabled();
  return { token, csrfToken, expires, user: await userView(deps, user) };
}

/** Who is signing in with each token hash, looked up together for the requests read in one turn. */
const signedIn = perDatabase((deps: Deps) => batchedLookup((hashes: string[]) => repo.findLiveAuthSessions(deps.db, hashes, deps.now().toISOString())));

export async function authenticate(deps: Deps, token: string): Promise<Omit<AuthContext, 'via'> | null> {
  const row = await signedIn(deps)(hashToken(token));
  if (!row) return null;
  return { user: { ...repo.toAuthUser(row), hasTimetable: Number(row.has_timetable) === 1 }, sessionId: row.session_id, csrfToken: row.csrf_token };
}

export async function logout(deps: Deps, sessionId: string) {
  await repo.revokeAuthSession(deps.db, sessionId, deps.now().toISOString());
}

/** The signed-in person as they now are (an account removed meanwhile is signed out). */
export async function signedInUser(deps: Deps, userId: string): Promise<User> {
  const row = await repo.findUserById(deps.db, userId);
  if (!row) throw new AppError('unauthenticated', 'Please sign in.');
  return userView(deps, row);
}

export function orgView(o: OrganisationRow & { parent_name?: string | null }) {
  return { id: o.id, name: o.name, kind: o.kind, urn: o.urn, parentId: o.parent_id, ...(o.parent_name !== undefined ? { parentName: o.parent_name } : {}), timeZone: o.time_zone, settings: JSON.parse(o.settings) };
}

/** The organisations `user` may see: every one to administrators and trainers, those they book for to office staff, their own to anyone else. */
function orgScopeOf(user: AuthUser): repo.OrgScope | null {
  if (user.role === 'admin' || user.role === 'trainer') return { all: true };
  if (!user.orgId) return null;
  return { all: false, orgId: user.orgId, withChildren: user.role === 'office' };
}

/**
 * A page of the organisations `user` may see (see orgScopeOf) that match: name or URN
 * (`q`), kinds, and the organisation they sit under; by name, an office person's own first.
 */
export async function orgsVisibleTo(deps: Deps, user: AuthUser, query: { q?: string; kind?: OrgKind[]; parent?: string; limit: number; offset: number }) {
  const scope = orgScopeOf(user);
  if (!scope) return { items: [], hasMore: false, total: 0 };
  const { rows, total } = await repo.searchOrgs(deps.db, { scope, text: query.q || undefined, kinds: query.kind, parentId: query.parent, firstId: scope.all ? undefined : scope.orgId, limit: query.limit, offset: query.offset });
  return { items: rows.map(orgView), hasMore: query.offset + rows.length < total, total };
}

/** One organisation, if `user` may see it (as orgsVisibleTo). */
export async function orgVisibleTo(deps: Deps, user: AuthUser, orgId: string) {
  const scope = orgScopeOf(user);
  const org = scope ? await repo.findOrgInScope(deps.db, scope, orgId) : undefined;
  if (!org) throw new AppError('not_found', 'No such organisation, or not one you can see.');
  return orgView(org);
}

/**
 * The people of an organisation (to its office staff and its trust's, administrators), by
 * name, a page at a time: those whose name or email holds `q` (any case), and how many in all.
 */
export async function peopleOfOrgFor(deps: Deps, actor: AuthUser, orgId: string, page: { q?: string; limit: number; offset: number }): Promise<{ items: User[]; hasMore: boolean; total: number }> {
  if (!(await orgsActableBy(deps.db, actor)).has(orgId)) throw new AppError('forbidden', 'You can only see people in the organisations you book for.');
  const org = await repo.findOrg(deps.db, orgId);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  const opts = { text: page.q || undefined, orgId, limit: page.limit, offset: page.offset };
  const [rows, total] = await Promise.all([repo.searchUsers(deps.db, opts), repo.countUsers(deps.db, opts)]);
  return { items: rows.slice(0, page.limit).map((u) => toUser(u, org.name)), hasMore: rows.length > page.limit, total };
}

/**
 * One person, to someone who may see them: administrators anyone, office staff the people of
 * the organisations they book for, anyone themselves. Anyone else is told there is no such
 * person (404), as for one who does not exist.
 */
export async function personFor(deps: Deps, actor: AuthUser, userId: string): Promise<User> {
  const row = await repo.findUserById(deps.db, userId);
  const visible = row && (actor.role === 'admin' || row.id === actor.id || (actor.role === 'office' && (await orgsActableBy(deps.db, actor)).has(row.org_id)));
  if (!visible) throw new AppError('not_found', 'There is no such person, or not one you can see.');
  const org = row.org_id ? await repo.findOrg(deps.db, row.org_id) : undefined;
  return toUser(row, org?.name ?? null);
}

/**
 * A URN another organisation has (`other`): named to an administrator, who may see every
 * organisation (only administrators create and change organisations; anyone else is told only
 * that another has it). Refused in the race of a unique index, it is read again to name it.
 */
async function urnTaken(deps: Deps, actor: AuthUser, urn: string | null | undefined, other?: { name: string }) {
  const named = actor.role === 'admin' && urn ? (other ?? (await repo.findOrgByUrn(deps.db, urn))) : undefined;
  if (!named) return new AppError('conflict', 'Another organisation already has this URN.', { issues: [{ path: 'urn', message: 'is already used by another organisation' }] });
  return new AppError('conflict', `Another organisation, ${named.name}, already has this URN.`, { issues: [{ path: 'urn', message: `is already used by another organisation, ${named.name}` }] });
}

/**
 * Organisations nest one level: a school, college or nursery sits under a trust or local
 * authority; a trust or local authority sits under nothing.
 */
async function checkParent(deps: Deps, kind: OrgKind, parentId: string | null | undefined, selfId?: string) {
  if (!parentId) return;
  const bad = (message: string) => new AppError('validation_failed', message, { issues: [{ path: 'parentId', message }] });
  if (parentId === selfId) throw bad('An organisation cannot sit under itself.');
  if (PARENT_KINDS.includes(kind)) throw bad('A trust or local authority does not sit under another organisation.');
  const parent = await repo.findOrg(deps.db, parentId);
  if (!parent) throw bad('The parent organisation was not found.');
  if (!PARENT_KINDS.includes(parent.kind)) throw bad('The parent must be a trust or a local authority.');
}

/**
 * Requiring an organisation's own sign-in with no provider to sign its staff in would lock the
 * whole organisation out (its office too, who could not undo it): refused, saying what is missing.
 */
async function checkSsoServed(db: Q, org: { id: string; urn: string | null; parent_id: string | null; name: string; settings: string }) {
  if (!requiresSso(org.settings) || (await oidcRepo.someProviderServes(db, org))) return;
  throw new AppError('validation_failed', `No identity provider signs in ${org.name}'s staff yet, so requiring it would leave no one there able to sign in. Set up its school sign-in under Identity providers (its email domain, or its URN from an organisation claim that may name it) first.`, {
    issues: [{ path: 'settings.ssoRequired', message: 'is not possible until an identity provider signs in its staff (see Identity providers)' }],
  });
}

export async function createOrg(deps: Deps, actor: AuthUser, input: z.infer<typeof CreateOrgInput>) {
  await checkParent(deps, input.kind, input.parentId);
  const sameUrn = input.urn ? await repo.findOrgByUrn(deps.db, input.urn) : undefined;
  if (input.urn && sameUrn) throw await urnTaken(deps, actor, input.urn, sameUrn);
  const row: OrganisationRow = {
    id: randomUUID(),
    name: input.name,
    kind: input.kind,
    urn: input.urn ?? null,
    parent_id: input.parentId ?? null,
    time_zone: input.timeZone,
    settings: JSON.stringify(input.settings ?? {}),
    created_at: deps.now().toISOString(),
  };
  await checkSsoServed(deps.db, row);
  try {
    // Requiring its own sign-in: checked again, one sign-in change at a time (oidcRepo.lockSignInSettings), so a provider removed meanwhile counts.
    if (requiresSso(row.settings)) {
      await deps.db.transaction().execute(async (trx) => {
        await oidcRepo.lockSignInSettings(trx);
        await checkSsoServed(trx, row);
        await repo.insertOrg(trx, row);
        await recordAudit(trx, { action: 'require_own_sign_in', actorId: actor.id, subjectId: row.id, subjectKind: 'organisation', at: row.created_at });
      });
    } else await repo.insertOrg(deps.db, row);
  } catch (e) {
    if (isUniqueViolation(e)) throw await urnTaken(deps, actor, input.urn);
    throw e;
  }
  return orgView(row);
}

type SettingKey = keyof NonNullable<OrgWas['settings']> & string;
const SETTING_KEYS: readonly SettingKey[] = ['weekAStart', 'travelBufferMinutes', 'ssoRequired'];
/** Each field a change names, in the words the organisation's page labels it with. */
const ORG_FIELD_WORDS: Record<string, string> = {
  name: 'name',
  kind: 'kind',
  urn: 'URN',
  parentId: 'trust or local authority',
  timeZone: 'time zone',
  'settings.weekAStart': 'Week A start',
  'settings.travelBufferMinutes': 'travel time',
  'settings.ssoRequired': 'school sign-in requirement',
};

/**
 * The settings a change sets (see UpdateOrgInput): with `was.settings`, those `settings` gives
 * otherwise than it (with no `settings`, every one, only to be checked); else all of them.
 */
function settingsChanging(input: z.infer<typeof UpdateOrgInput>): readonly SettingKey[] {
  const { settings, was } = input;
  if (!was?.settings || !settings) return SETTING_KEYS;
  return SETTING_KEYS.filter((k) => settings[k] !== was.settings![k]);
}

/**
 * The fields of the change's `was` that `org` no longer has as `was` says (as UpdateOrgInput
 * names them; a setting as `settings.<name>`): changed by someone else since the caller read them.
 */
function changedSince(org: OrganisationRow, input: z.infer<typeof UpdateOrgInput>): string[] {
  const was = input.was;
  if (!was) return [];
  const now = { ...orgView(org), kind: org.kind ?? 'school' };
  const stale: string[] = [];
  for (const k of ['name', 'kind', 'urn', 'parentId', 'timeZone'] as const) if (was[k] !== undefined && was[k] !== now[k]) stale.push(k);
  if (was.settings) for (const k of settingsChanging(input)) if (was.settings[k] !== now.settings[k]) stale.push(`settings.${k}`);
  return stale;
}

/** The settings after the change: replaced, or (with `was.settings`) the settings as they are with only those it changes changed. */
function settingsAfter(current: string, input: z.infer<typeof UpdateOrgInput>): string {
  if (!input.settings) return current;
  if (!input.was?.settings) return JSON.stringify(input.settings);
  const next: Record<string, unknown> = JSON.parse(current);
  for (const k of settingsChanging(input)) {
    if (input.settings[k] === undefined) delete next[k];
    else next[k] = input.settings[k];
  }
  return JSON.stringify(next);
}

/** The refusal of a change some of whose fields someone else changed first: naming them, with the organisation as it now is (`details.organisation`). */
async function changedMeanwhile(deps: Deps, org: OrganisationRow, stale: string[]): Promise<AppError> {
  const parent = org.parent_id ? await repo.findOrg(deps.db, org.parent_id) : undefined;
  const message = 'has been changed by someone else since you opened this page';
  return new AppError('changed_meanwhile', `Someone else has changed this organisation’s ${listInWords(stale.map((p) => ORG_FIELD_WORDS[p] ?? p))} since you read it, so nothing was saved. Look at it as it is now, and make your change again if you still want it.`, {
    issues: stale.map((path) => ({ path, message })),
    organisation: orgView({ ...org, parent_name: parent?.name ?? null }),
  });
}

const sameOrg = (a: OrganisationRow, b: OrganisationRow) => a.name === b.name && a.kind === b.kind && a.urn === b.urn && a.parent_id === b.parent_id && a.time_zone === b.time_zone && a.settings === b.settings;
/** Thrown inside a change's transaction when the organisation changed after it was read: the change is worked out again. */
class ReadAgain extends Error {}

/**
 * Changes an organisation (administrators). Its schools stay under it only while it is a trust
 * or local authority. A school moved out of its trust (or to another) leaves the old trust's
 * in-house training in the same transaction: its people give up their places on the old
 * trust's sessions still to come (told by email; the queue moves on), its seat holds on them
 * are released, and its people no longer lead the old trust's in-house training. The answer
 * says how many places and holds were given up.
 *
 * A change says what its page read of the fields it changes (`was`): one changed by someone
 * else since is not saved (409 `changed_meanwhile`, naming what), so a page loaded before
 * another administrator moved the school cannot move it back by saving its URN.
 */
export async function updateOrg(deps: Deps, actor: AuthUser, id: string, input: z.infer<typeof UpdateOrgInput>, attempt = 1): Promise<OrgChanged> {
  const org = await repo.findOrg(deps.db, id);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  // Saved from a page that read it before someone else changed what it changes: nothing is saved.
  const stale = changedSince(org, input);
  if (stale.length) throw await changedMeanwhile(deps, org, stale);
  const kind = input.kind ?? org.kind;
  const parentId = input.parentId !== undefined ? input.parentId : org.parent_id;
  await checkParent(deps, kind, parentId, id);
  if (!PARENT_KINDS.includes(kind) && (await repo.countChildOrgs(deps.db, id)) > 0) {
    const message = 'Other organisations sit under this one, so it must stay a trust or local authority.';
    throw new AppError('validation_failed', message, { issues: [{ path: 'kind', message }] });
  }
  if (input.urn) {
    const other = await repo.findOrgByUrn(deps.db, input.urn);
    if (other && other.id !== id) throw await urnTaken(deps, actor, input.urn, other);
  }
  const set = {
    name: input.name ?? org.name,
    kind,
    urn: input.urn !== undefined ? input.urn : org.urn,
    parent_id: parentId,
    time_zone: input.timeZone ?? org.time_zone,
    settings: settingsAfter(org.settings, input),
  };
  // With its trust as it would be: a trust's own sign-in may place people in its schools by a claim, but not in a school that has left it.
  const served = { id, urn: set.urn, parent_id: set.parent_id, name: set.name, settings: set.settings };
  await checkSsoServed(deps.db, served);
  const leftParent = org.parent_id && org.parent_id !== parentId ? await repo.findOrg(deps.db, org.parent_id) : undefined;
  let released: { places: PlaceChange[]; holdsReleased: number } = { places: [], holdsReleased: 0 };
  try {
    released = await deps.db.transaction().execute(async (trx) => {
      // Requiring its own sign-in (still, or from now on): checked again one sign-in change at a
      // time, so a provider removed or narrowed meanwhile by another administrator counts.
      // First, before any row lock: a provider's change takes this lock and no row's.
      if (requiresSso(set.settings)) {
        await oidcRepo.lockSignInSettings(trx);
        await checkSsoServed(trx, served);
      }
      // Moved out of its trust: its places' and holds' sessions, then its people's rows, are
      // locked before its row or its calendar feed changes, in a booking batch's order; else a
      // batch booking its staff meanwhile and this move can deadlock (lockForMovedOrg).
      if (leftParent) await lockForMovedOrg(trx, deps, id);
      // Everything above was worked out from the organisation as read before this transaction:
      // changed since (by another save committed meanwhile), it is all worked out again, so
      // nothing read then is written back over that change.
      const locked = await repo.lockOrg(trx, id);
      if (!locked || !sameOrg(locked, org)) throw new ReadAgain();
      await repo.updateOrg(trx, id, set);
      // Once it requires its own sign-in, its staff's sessions (begun with a password or an
      // emailed link, as far as anyone can tell) end: they sign in again with the school's
      // sign-in, not carry on with a password for as long as a session lasts (two weeks).
      if (requiresSso(set.settings) && !requiresSso(org.settings)) await repo.revokeSessionsOfOrgStaff(trx, id, deps.now().toISOString());
      // Who signs in where: kept in the audit log (the organisation as read under its lock, so only this save's change).
      if (requiresSso(set.settings) !== requiresSso(org.settings)) {
        await recordAudit(trx, { action: requiresSso(set.settings) ? 'require_own_sign_in' : 'stop_requiring_own_sign_in', actorId: actor.id, subjectId: id, subjectKind: 'organisation', at: deps.now().toISOString() });
      }
      // Its feed names it and shows its empty calendar in its zone: a calendar polling it must see the change.
      if (set.name !== org.name || set.time_zone !== org.time_zone) await raiseOrgFeed(trx, id, deps.now().toISOString());
      // Which trust's leads run its in-house sessions, and which its own people lead, follow
      // its trust: the calendar feeds of those who run sessions change with it, and its own.
      // After the locks a booking batch takes first, and in one statement before the places
      // given up below raise any other feed (raiseRunnerFeeds: else a writer raising two of
      // these people's feeds could take one while the move held the other).
      if (set.parent_id !== org.parent_id) await raiseRunnerFeeds(trx, { movedOrgId: id }, deps.now().toISOString());
      if (!leftParent) return released;
      await repo.dropLeadsOfMembers(trx, leftParent.id, id);
      return releaseForMovedOrg(trx, deps, id, `${set.name} is no longer part of ${leftParent.name}, and this session is only for ${leftParent.name} and its schools, so your place has been given up.`);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw await urnTaken(deps, actor, input.urn);
    if (e instanceof ReadAgain) {
      if (attempt < 3) return updateOrg(deps, actor, id, input, attempt + 1);
      throw new AppError('changed_meanwhile', 'Someone else is changing this organisation right now, so nothing was saved. Please try again in a moment.');
    }
    throw e;
  }
  // Live rooms let go of those who gave up their places (bookings/events.ts).
  await placesChanged(deps, released.places);
  return { ...orgView({ ...org, ...set }), placesGivenUp: released.places.length, holdsReleased: released.holdsReleased };
}

/** Admins create anyone; office staff create staff in the organisations they act for only (accounts/acting.ts). */
async function checkMayCreate(deps: Deps, actor: AuthUser, role: z.infer<typeof Role>, orgId: string | null) {
  if (actor.role === 'admin') return;
  if (actor.role === 'office' && role === 'staff' && (await orgsActableBy(deps.db, actor)).has(orgId)) return;
  if (actor.role === 'office') throw new AppError('forbidden', 'Office staff may add staff only to the organisations they book for.');
  throw new AppError('forbidden', 'Your role does not allow adding people.');
}

/**
 * The emails among `emails` whose domain an identity provider signs in for other
 * organisations than `orgId` only, each with the name of one of those. An office may not add
 * such a person: their own school's sign-in would then find an account it does not look
 * after and refuse them (oidc.ts), and the office that made it would hold it (and perhaps
 * its password). Administrators are trusted to place anyone.
 */
export async function ssoHomesElsewhere(deps: Deps, emails: readonly string[], orgId: string): Promise<Map<string, string>> {
  const byDomain = await oidcRepo.orgsByDomain(deps.db);
  const home = new Map<string, string>();
  for (const email of emails) {
    const orgs = byDomain.get(email.slice(email.lastIndexOf('@') + 1));
    if (orgs && !orgs.has(orgId)) home.set(email, [...orgs][0]!);
  }
  const names = new Map((await repo.findOrgs(deps.db, [...new Set(home.values())])).map((o) => [o.id, o.name]));
  return new Map([...home].map(([email, id]) => [email, names.get(id) ?? 'another organisation']));
}
const ssoHomeProblem = (org: string, email = 'This email') => `${email} belongs to ${org}’s sign-in, so only ${org}’s office or an administrator can add an account for it.`;

/** The email taken: the same answer wherever the other account is, so nothing about it is told. */
export const emailTaken = () => new AppError('email_taken', 'That email address already belongs to an account. Use a different one.');

/**
 * Counts `addresses` against the office's hourly budget (config.officeAddressChecksPerHour);
 * 429 past it, before anything is looked up. Each answer says whether an address has an
 * account anywhere on the service: a school, or a trust importing all its schools' staff and
 * checking first, needs a few thousand; someone collecting addresses would need far more.
 * Administrators place anyone and are not counted. `unchanged`: what the refusal says was not
 * done (adding, or changing someone's address: lifecycle.ts `updatePerson`).
 */
export async function checkAddressBudget(deps: Deps, actor: AuthUser, addresses: number, unchanged = 'Nobody was added.') {
  if (actor.role === 'admin' || addresses === 0) return;
  const wait = await hit(deps, { key: `address-checks:${actor.id}`, limit: deps.config.officeAddressChecksPerHour, windowMs: 3_600_000 }, addresses);
  if (wait !== null) {
    const e = rateLimited(wait, 'people added or checked from your account this hour');
    throw new AppError(e.code, `${e.message} ${unchanged}`, e.details, e.headers);
  }
}

export async function createUser(deps: Deps, actor: AuthUser, input: z.infer<typeof CreateUserInput>) {
  const orgId = input.orgId ?? (actor.role === 'office' ? actor.orgId : null);
  await checkMayCreate(deps, actor, input.role, orgId);
  // A password is the person's own: an office that chose one would hold the account (and
  // whatever an administrator later makes of it, an office or trainer role). They set their
  // own, from a reset or sign-in link (the page offers to email one).
  if (input.password !== undefined && actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can set a password for someone. The person chooses their own: email them a link to choose one, or they can ask for a sign-in link on the sign-in page.');
  if (input.captioner && actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can make someone a captioner.');
  if (input.role !== 'admin' && input.role !== 'trainer' && !orgId) {
    throw new AppError('validation_failed', 'Staff and office users must belong to an organisation: choose one.', { issues: [{ path: 'orgId', message: 'is required' }] });
  }
  if (orgId && !(await repo.findOrg(deps.db, orgId))) throw new AppError('validation_failed', 'That organisation does not exist.', { issues: [{ path: 'orgId', message: 'not found' }] });
  await checkAddressBudget(deps, actor, 1);
  const home = actor.role !== 'admin' && orgId ? (await ssoHomesElsewhere(deps, [input.email], orgId)).get(input.email) : undefined;
  if (home) throw new AppError('validation_failed', ssoHomeProblem(home), { issues: [{ path: 'email', message: ssoHomeProblem(home) }] });
  const passwordHash = input.password ? await hashPassword(input.password, deps.config.passwordCostLog2) : null;
  const id = randomUUID();
  try {
    await repo.insertUser(deps.db, { id, email: input.email, name: input.name, role: input.role, orgId, passwordHash, captioner: input.captioner, jobRole: input.jobRole ?? null, createdAt: deps.now().toISOString() });
  } catch (e) {
    // The same answer wherever the other account is: nothing about it is told.
    if (isUniqueViolation(e)) throw emailTaken();
    throw e;
  }
  return userView(deps, (await repo.findUserById(deps.db, id))!);
}

const ROLES_IN_WORDS = 'staff, office, trainer or admin';

/** A CSV line's problem with a field, said in words a school office understands. */
function importProblem(field: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (field === 'email') return text ? `“${text}” is not an email address` : 'there is no email address';
  if (field === 'name') return !text ? 'there is no name' : /[\r\n]/.test(text) ? 'the name runs over more than one line' : 'the name is longer than 200 characters';
  if (field === 'role') return `the role “${text}” is not one of ${ROLES_IN_WORDS}`;
  return `the ${field} cannot be used`;
}

/** A heading as the import reads it: any case, spaces or hyphens for underscores ("Job role" is `job_role`). */
const importHeading = (h: string) => {
  const key = h.trim().toLowerCase().replace(/[\s-]+/g, '_');
  // "E-mail", "Email address" (as MIS exports and Outlook name the column) are the email.
  return /^e_?mail(_address)?$/.test(key) ? 'email' : key;
};

/**
 * Imports people from CSV (`name,email,role`, and optionally `job_role`: teacher,
 * teaching_assistant, support_staff, leadership or early_years, the words as written or as
 * their labels, e.g. "Teaching assistant"; empty: not stated). Every row is checked first; a
 * file with any bad row imports nobody and the error lists each bad row by its line number,
 * with every line read (so a page can show each line's fate). `dryRun` checks and changes nothing.
 */

/** The header row's headings; one given twice would leave which column counts to chance. */
function readHeadings(raw: string[]): string[] {
  const headings = raw.map(importHeading);
  // Said as the file says it ("Job role"), not as read (`job_role`, which reads as code).
  const twice = headings.findIndex((h, i) => h !== '' && headings.indexOf(h) !== i);
  if (twice !== -1) throw new AppError('validation_failed', `The CSV file's header names the "${raw[twice]!.trim().slice(0, 40)}" column more than once; keep one. Nobody was added.`);
  return headings;
}

/**
 * An uploaded staff list's text: UTF-8 (BOM or not), UTF-16 ("Unicode Text") or the charset
 * the sender named; anything that cannot be read without guessing (an ANSI file, a workbook
 * renamed .csv) is refused, naming the line and what to do, before anyone is checked.
 */
export function importText(bytes: Uint8Array, contentType: string | undefined): string {
  // Bounded here too, whatever the site's request limit (MAX_BODY_BYTES) is set to.
  if (bytes.length > MAX_IMPORT_BYTES) throw importTooLarge();
  const r = decodeSpreadsheet(bytes, contentType);
  if (!r.ok) throw new AppError('validation_failed', `${r.message} Nobody was added.`);
  return r.text;
}

const importTooLarge = () => new AppError('validation_failed', `A CSV file may be at most ${MAX_IMPORT_WORDS.size}; this one is larger. Split it into several files and import each. Nobody was added.`);

export async function importUsersCsv(deps: Deps, actor: AuthUser, orgId: string, csv: string, opts: { dryRun?: boolean } = {}) {
  if (!(actor.role === 'admin' || actor.role === 'office') || !(await orgsActableBy(deps.db, actor)).has(orgId)) {
    throw new AppError('forbidden', 'Office staff may add staff only to the organisations they book for.');
  }
  const org = await repo.findOrg(deps.db, orgId);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  /** The header row as the file writes it, for the words of a refusal. */
  let written: string[] = [];
  try {
    // Parsing runs on the event loop, so it stops one row past the limit (`to` counts rows,
    // not lines, so blank lines and quoted line breaks cannot hide a row past it): a body
    // of a quarter of a million tiny rows is refused after 5,001 of them, not read whole.
    // Comma, or the semicolon or tab the header row uses (a European Excel; "Unicode Text");
    // a row of empty cells (Excel's trailing ",,,") is a blank line.
    parsed = parseCsv(csv.replace(/^\uFEFF/, ''), { delimiter: csvDelimiter(csv), columns: (h: string[]) => readHeadings((written = h)), skip_empty_lines: true, skip_records_with_empty_values: true, trim: true, relax_column_count: false, to: MAX_IMPORT_ROWS + 1, info: true }) as unknown as typeof parsed;
  } catch (e) {
    if (e instanceof AppError) throw e;
    const line = csvErrorLine(e);
    throw new AppError('validation_failed', `The CSV file could not be read${line ? ` (line ${line})` : ''}: ${csvReadProblem(e)}.`);
  }
  const records = parsed.map((p) => p.record);
  // Each row's line in the file as a spreadsheet shows it (blank lines and quoted line breaks counted).
  const lineOf = (i: number) => parsed[i]!.info.lines;
  if (records.length === 0) throw new AppError('validation_failed', 'The CSV file has no rows. Expected a header row: name,email,role.');
  const header = Object.keys(records[0]!);
  for (const col of ['name', 'email']) {
    if (!header.includes(col)) throw new AppError('validation_failed', `The CSV file needs a "${col}" column (header: name,email,role; its header row has: ${written.map((h) => h.trim()).filter(Boolean).join(', ').slice(0, 200) || 'nothing'}).`);
  }
  if (records.length > MAX_IMPORT_ROWS) throw new AppError('validation_failed', `A CSV file may hold at most ${MAX_IMPORT_WORDS.rows} people; this one has more than ${MAX_IMPORT_WORDS.rows}. Split it into several files and import each. Nobody was added.`);

  const errors: { line: number; message: string }[] = [];
  const seen = new Map<string, number>();
  const rows: { line: number; name: string; email: string; role: z.infer<typeof Role>; jobRole: JobRole | null }[] = [];
  const lines = records.map((r, i) => ({ line: lineOf(i), name: r.name ?? '', email: r.email ?? '', role: (r.role || 'staff').toLowerCase() }));
  records.forEach((r, i) => {
    const line = lineOf(i);
    const jobRole = jobRoleOf(r.job_role);
    if (jobRole === undefined) {
      errors.push({ line, message: `job_role "${(r.job_role ?? '').slice(0, 40)}" is not one of: ${JobRole.options.join(', ')} (or leave it empty)` });
    }
    const raw = { name: r.name, email: r.email, role: (r.role || 'staff').toLowerCase() };
    const parsed = CreateUserInput.safeParse(raw);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((x) => String(x.path[0] ?? '')))];
      const said = fields.map((f) => importProblem(f, raw[f as keyof typeof raw]));
      errors.push({ line, message: said.join('; ').replace(/^./, (c) => c.toUpperCase()) + '.' });
      return;
    }
    if (jobRole === undefined) return;
    const { email, name, role } = parsed.data;
    if (actor.role === 'office' && role !== 'staff') errors.push({ line, message: `Office staff can add staff only; ask an administrator to add “${role}” accounts.` });
    const dup = seen.get(email);
    if (dup) errors.push({ line, message: `${email} is also on line ${dup}.` });
    seen.set(email, line);
    rows.push({ line, name, email, role, jobRole });
  });
  await checkAddressBudget(deps, actor, rows.length);
  const taken = new Set(await repo.existingEmails(deps.db, rows.map((r) => r.email)));
  for (const r of rows) if (taken.has(r.email)) errors.push({ line: r.line, message: alreadyHasAccount(r.email) });
  if (actor.role !== 'admin') {
    const homes = await ssoHomesElsewhere(deps, rows.filter((r) => !taken.has(r.email)).map((r) => r.email), orgId);
    for (const r of rows) if (homes.has(r.email)) errors.push({ line: r.line, message: ssoHomeProblem(homes.get(r.email)!, r.email) });
  }
  const refuse = (problems: typeof errors) => {
    problems.sort((a, b) => a.line - b.line);
    const bad = new Set(problems.map((e) => e.line)).size;
    return new AppError('validation_failed', `${bad === 1 ? '1 line has a problem' : `${bad} lines have problems`}; nobody was imported.`, { rows: problems, lines });
  };
  if (errors.length) throw refuse(errors);
  if (opts.dryRun) return { imported: 0, dryRun: true, users: [], lines: rows.map((r) => ({ line: r.line, name: r.name, email: r.email, role: r.role, outcome: 'ready' as const })) };
  const createdAt = deps.now().toISOString();
  const ids = rows.map(() => randomUUID());
  try {
    await deps.db.transaction().execute(async (trx) => {
      for (const [i, r] of rows.entries()) {
        await repo.insertUser(trx, { id: ids[i]!, email: r.email, name: r.name, role: r.role, orgId, passwordHash: null, jobRole: r.jobRole, createdAt });
      }
    });
  } catch (e) {
    // Someone else added one of these emails since the check above (another import, say):
    // nothing of this file was added; say which lines, as the check would have.
    if (!isUniqueViolation(e)) throw e;
    const now = new Set((await repo.existingEmails(deps.db, rows.map((r) => r.email))));
    const clashes = rows.filter((r) => now.has(r.email)).map((r) => ({ line: r.line, message: alreadyHasAccount(r.email) }));
    throw refuse(clashes.length ? clashes : rows.map((r) => ({ line: r.line, message: `${r.email} could not be added: another account was being added with it at the same time. Try the import again.` })));
  }
  const users = await repo.findUsersByIds(deps.db, ids);
  return { imported: users.length, dryRun: false, users: users.map((u) => toUser(u, org.name)), lines: rows.map((r) => ({ line: r.line, name: r.name, email: r.email, role: r.role, outcome: 'created' as const })) };
}

const alreadyHasAccount = (email: string) => `${email} already has an account (existing accounts are not changed by an import). If they have joined from another school, an administrator can move their account here from the People page.`;

/** A CSV `job_role` cell as a job role: null when empty, undefined when it names none. */
function jobRoleOf(cell: string | undefined): JobRole | null | undefined {
  const text = (cell ?? '').trim().toLowerCase();
  if (!text) return null;
  const key = text.replace(/[\s-]+/g, '_');
  const found = JobRole.safeParse(key);
  if (found.success) return found.data;
  const byLabel = (Object.entries(JOB_ROLE_LABEL) as [JobRole, string][]).find(([, label]) => label.toLowerCase() === text);
  return byLabel ? byLabel[0] : undefined;
}

/** Start-up: make sure the configured admin exists and has the configured password. */
export async function ensureAdmin(deps: Deps, email: string, password: string) {
  const parsed = Email.safeParse(email);
  if (!parsed.success) throw new AppError('validation_failed', `${JSON.stringify(email)} is not an email address someone can sign in with (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
  const normalised = parsed.data;
  const existing = await repo.findUserByEmail(deps.db, normalised);
  if (existing) {
    const changed = !(await verifyPassword(password, existing.password_hash));
    // Unchanged: nothing to do (and no hashing at every start).
    if (!changed && existing.role === 'admin' && existing.disabled_at === null) return existing.id;
    const passwordHash = changed ? await hashPassword(password, deps.config.passwordCostLog2) : existing.password_hash;
    const now = deps.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ role: 'admin', password_hash: passwordHash, disabled_at: null }).where('id', '=', existing.id).execute();
      // Made an administrator, or turned on: they run every session they are named on, which
      // their own calendar feed holds (bookings/repository.ts, `runs`).
      if (existing.role !== 'admin' || existing.disabled_at !== null) await raiseRunnerFeeds(trx, { userIds: [existing.id] }, now);
      // A new password (one rotated after a leak, say) ends every sign-in made with the old
      // one and voids its emailed links, as changing a password does.
      if (changed) {
        await repo.revokeSessionsOfUser(trx, existing.id, now);
        await repo.voidPasswordResets(trx, existing.id, now);
        await repo.voidSignInLinks(trx, existing.id, now);
      }
    });
    return existing.id;
  }
  const passwordHash = await hashPassword(password, deps.config.passwordCostLog2);
  const id = randomUUID();
  await repo.insertUser(deps.db, { id, email: normalised, name: 'Administrator', role: 'admin', orgId: null, passwordHash, createdAt: deps.now().toISOString() });
  return id;
}
