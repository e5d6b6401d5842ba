/**
 * Signing in with a school's own identity provider (Microsoft Entra ID, Google Workspace,
 * DfE Sign-in...) over OpenID Connect, with the certified `openid-client`: authorization
 * code flow with PKCE, `state` and `nonce`. The verifier and nonce stay on the server, in a
 * row keyed by `state` that lives 10 minutes, is bound to the browser that started (a
 * cookie's hash) and is used once, so a callback cannot be replayed. openid-client checks
 * the ID token (signature against the provider's keys, `iss`, `aud`, `exp`, `nonce`);
 * this module then requires a verified email, and from Google (whose issuer serves personal
 * accounts too) a Workspace account (`isWorkspaceIssuer`).
 *
 * Who the person is: their provider account if already linked; else the account with the
 * same email, if it is in the organisation this provider maps that email's domain to (or,
 * with an organisation claim, the claim's organisation); else a new staff account in the
 * organisation mapped from the email domain or the claim. Nothing maps, or the same email's
 * account is in another organisation: a clear refusal, and nothing is created or linked.
 * A claim counts only when it names an organisation the provider's claim scope takes in
 * (`scopedClaimOrg`): a school's or trust's own tenant only its own and their schools.
 * A provider only ever signs in staff and office staff of an organisation it serves for
 * them (`looksAfter`), checked at every sign-in, linked or not: someone since made an
 * administrator or trainer, or moved to another organisation, is refused.
 */
import { randomUUID } from 'node:crypto';
import type * as client from 'openid-client';
import type { z } from 'zod';
import type { IdentityProviderRow, UserRow } from '../../db/schema.js';
import type { CreateIdentityProviderInput, IdentityProvider, UpdateIdentityProviderInput } from '../../shared/accounts.js';
import { BIDI_CONTROLS } from '../../shared/common.js';
import { AppError, isUniqueViolation } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { guardedFetch, isAllowListed } from '../platform/outbound-fetch.js';
import * as oidcRepo from './oidc-repository.js';
import * as repo from './repository.js';
import type { Q } from './repository.js';
import { decryptSecret, encryptSecret } from './secrets.js';
import { recordAudit } from './audit.js';
import type { ProviderSetting } from '../../shared/audit.js';
import { accountDisabled, hashToken, ssoRequiredFor, startSession } from './service.js';
import { hit, rateLimited, signedInFrom } from './throttle.js';

/** How long a started sign-in may take at the provider. */
export const LOGIN_MINUTES = 10;

type OrgDomain = { domain: string; orgId: string };
const domainsOf = (p: IdentityProviderRow): OrgDomain[] => JSON.parse(p.org_domains) as OrgDomain[];

/** A provider as administrators see it, each email domain with its organisation's name (`names`: by id). */
export function providerView(deps: Deps, p: IdentityProviderRow, names: ReadonlyMap<string, string>): z.infer<typeof IdentityProvider> {
  const orgDomains = domainsOf(p).map((d) => ({ ...d, orgName: names.get(d.orgId) ?? null }));
  return { id: p.id, label: p.label, issuer: p.issuer, clientId: p.client_id, hasClientSecret: p.client_secret_enc !== null, orgDomains, orgClaim: p.org_claim, orgClaimScope: p.org_claim_scope, workspaceOnly: isWorkspaceIssuer(deps, p.issuer) };
}

/** Providers as administrators see them, with their domains' organisations named in one read. */
async function providerViews(deps: Deps, rows: IdentityProviderRow[]) {
  const names = await repo.orgNames(deps.db, [...new Set(rows.flatMap((p) => domainsOf(p).map((d) => d.orgId)))]);
  return rows.map((p) => providerView(deps, p, names));
}

/** The callback address registered at every provider. */
export const callbackUrl = (deps: Deps) => `${deps.config.publicUrl.replace(/\/$/, '')}/api/auth/oidc/callback`;

/**
 * openid-client (with jose and oauth4webapi) is loaded when a provider is first set up or
 * signed in with, not at start: most servers never use one, and the rest rarely.
 */
let openidClientLib: Promise<typeof import('openid-client')> | undefined;
const openidClient = () => (openidClientLib ??= import('openid-client'));

const ssoFailed = (message = 'Your identity provider’s answer could not be trusted, so you have not been signed in. Please try again.') => new AppError('sso_failed', message);

/** Reads the provider's discovery document and gives openid-client's configuration for it. */
async function configurationOf(deps: Deps, p: Pick<IdentityProviderRow, 'issuer' | 'client_id' | 'client_secret_enc'>): Promise<client.Configuration> {
  const issuer = new URL(p.issuer);
  let secret: string | undefined;
  if (p.client_secret_enc) {
    if (!deps.config.oidcSecretKey) throw ssoFailed('Signing in with this identity provider is not available right now. Please use another way to sign in, and tell an administrator.');
    secret = decryptSecret(p.client_secret_enc, deps.config.oidcSecretKey);
  }
  const lib = await openidClient();
  const options: client.DiscoveryRequestOptions = {
    [lib.customFetch]: guardedFetch(deps.config.outbound) as unknown as client.CustomFetch,
    // Plain http only for an issuer on the development/test allow list (OUTBOUND_ALLOW).
    // ID token signatures are checked against the provider's published keys too, not only trusted for arriving over TLS.
    execute: [lib.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' && isAllowListed(issuer, deps.config.outbound.allow) ? [lib.allowInsecureRequests] : [])],
    timeout: Math.ceil(deps.config.outbound.timeoutMs / 1000),
  };
  return lib.discovery(issuer, p.client_id, secret ? { client_secret: secret } : undefined, secret ? lib.ClientSecretPost(secret) : lib.None(), options);
}

/**
 * What adding and changing a provider both check of the settings given: every organisation
 * named exists, each email domain is listed once, and a client secret comes only when there
 * is a key to encrypt it with.
 */
async function checkSettings(deps: Deps, input: { orgDomains?: OrgDomain[]; clientSecret?: string | null }) {
  for (const [i, d] of (input.orgDomains ?? []).entries()) {
    if (!(await repo.findOrg(deps.db, d.orgId))) throw new AppError('validation_failed', `The organisation for ${d.domain} does not exist.`, { issues: [{ path: `orgDomains.${i}.orgId`, message: 'not found' }] });
  }
  if (input.orgDomains && new Set(input.orgDomains.map((d) => d.domain)).size !== input.orgDomains.length) {
    throw new AppError('validation_failed', 'Each email domain may be listed once.', { issues: [{ path: 'orgDomains', message: 'a domain is listed twice' }] });
  }
  if (input.clientSecret && !deps.config.oidcSecretKey) {
    throw new AppError('validation_failed', 'Client secrets cannot be stored until the server has an encryption key for them. Ask whoever runs the service to set one up.', { issues: [{ path: 'clientSecret', message: 'cannot be stored until the server has an encryption key for them: ask whoever runs the service to set one up' }] });
  }
}

/**
 * Checks that the provider as it would be saved can be used: its discovery document is
 * readable at its issuer (and its secret, if any, can be read). A refusal (`fetch_failed`)
 * is about `field` when given (the issuer typed into the form that adds it).
 */
async function checkDiscovery(deps: Deps, row: IdentityProviderRow, message: string, field?: string) {
  try {
    await configurationOf(deps, row);
  } catch (e) {
    deps.logger.warn?.('identity provider discovery failed', { issuer: row.issuer, reason: (e as Error).message });
    throw new AppError('fetch_failed', message, field ? { issues: [{ path: field, message: 'discovery document not readable' }] } : undefined);
  }
}

/**
 * Refuses a change that would leave an organisation requiring its own sign-in with no
 * provider signing its staff in (`changed`: provider `id` as it would be, null when removed):
 * no one there could sign in at all. Its email domains, its claim and the claim's scope all
 * count (a national claim narrowed to its own organisations no longer serves the rest). One
 * already served by none is not this change's doing.
 */
async function refuseStranding(db: Q, id: string, changed: IdentityProviderRow | null) {
  const [providers, requiring] = await Promise.all([oidcRepo.listProviders(db), repo.orgsRequiringSso(db)]);
  const after = [...providers.filter((p) => p.id !== id), ...(changed ? [changed] : [])];
  const stranded = requiring.filter((org) => providers.some((p) => oidcRepo.providerServes(p, org)) && !after.some((p) => oidcRepo.providerServes(p, org))).map((org) => org.name);
  if (!stranded.length) return;
  const one = stranded.length === 1;
  const what = `${stranded.join(', ')} ${one ? 'requires' : 'require'} staff to sign in with their school account, and no other identity provider signs them in`;
  throw new AppError(
    'conflict',
    changed
      ? `${what}: this change would leave no one there able to sign in. Keep ${one ? 'its' : 'their'} email ${one ? 'domain' : 'domains'} (or an organisation claim that may name ${one ? 'it' : 'them'}) on this provider, or turn that off for ${one ? 'it' : 'them'} first (Organisations).`
      : `${what}: turn that off for ${one ? 'it' : 'them'} first (Organisations), or they could not sign in at all.`,
  );
}

/** A provider's settings as the audit log names them, and their columns. */
const PROVIDER_SETTINGS: readonly (readonly [ProviderSetting, keyof oidcRepo.ProviderChanges])[] = [
  ['label', 'label'],
  ['clientId', 'client_id'],
  ['clientSecret', 'client_secret_enc'],
  ['orgDomains', 'org_domains'],
  ['orgClaim', 'org_claim'],
  ['orgClaimScope', 'org_claim_scope'],
];

const notAdmin = () => new AppError('forbidden', 'Only administrators can set up identity providers.');
const noSuchProvider = () => new AppError('not_found', 'There is no such identity provider.');

/** Administrators add an identity provider; its discovery document must be readable. */
export async function createProvider(deps: Deps, actor: AuthUser, input: z.infer<typeof CreateIdentityProviderInput>) {
  if (actor.role !== 'admin') throw notAdmin();
  const issuer = new URL(input.issuer);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isAllowListed(issuer, deps.config.outbound.allow))) {
    throw new AppError('validation_failed', 'The issuer address must start with https://.', { issues: [{ path: 'issuer', message: 'must start with https://' }] });
  }
  await checkSettings(deps, input);
  const row: IdentityProviderRow = {
    id: randomUUID(),
    label: input.label,
    issuer: input.issuer,
    client_id: input.clientId,
    client_secret_enc: input.clientSecret ? encryptSecret(input.clientSecret, deps.config.oidcSecretKey!) : null,
    org_domains: JSON.stringify(input.orgDomains),
    org_claim: input.orgClaim ?? null,
    org_claim_scope: input.orgClaimScope,
    created_at: deps.now().toISOString(),
  };
  await checkDiscovery(deps, row, 'The identity provider’s discovery document could not be read at that issuer address. Check the address and try again.', 'issuer');
  await deps.db.transaction().execute(async (trx) => {
    await oidcRepo.insertProvider(trx, row);
    await recordAudit(trx, { action: 'add_identity_provider', detail: { label: row.label }, actorId: actor.id, subjectId: row.id, subjectKind: 'identity_provider', at: row.created_at });
  });
  return (await providerViews(deps, [row]))[0]!;
}

/**
 * Administrators change a provider's label, client ID or secret, email domains, claim or the
 * claim's scope (not its issuer: see UpdateIdentityProviderInput). People's links to it are
 * kept, so they go on signing in as before; who a sign-in may place or link follows the new
 * settings from the next sign-in on. A new client ID or secret is checked as adding one is, before it is saved.
 */
export async function updateProvider(deps: Deps, actor: AuthUser, id: string, input: z.infer<typeof UpdateIdentityProviderInput>) {
  if (actor.role !== 'admin') throw notAdmin();
  const current = await oidcRepo.findProvider(deps.db, id);
  if (!current) throw noSuchProvider();
  await checkSettings(deps, input);
  // Only what was sent is written: another administrator's change to another field meanwhile
  // (a rotated secret, say, while this one corrects the label) is kept, not written back over.
  const changes: oidcRepo.ProviderChanges = {
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.clientId !== undefined ? { client_id: input.clientId } : {}),
    ...(input.clientSecret !== undefined ? { client_secret_enc: input.clientSecret === null ? null : encryptSecret(input.clientSecret, deps.config.oidcSecretKey!) } : {}),
    ...(input.orgDomains !== undefined ? { org_domains: JSON.stringify(input.orgDomains) } : {}),
    ...(input.orgClaim !== undefined ? { org_claim: input.orgClaim } : {}),
    ...(input.orgClaimScope !== undefined ? { org_claim_scope: input.orgClaimScope } : {}),
  };
  const row: IdentityProviderRow = { ...current, ...changes };
  // Refused at once when it would strand someone, before the provider is asked anything...
  await refuseStranding(deps.db, id, row);
  if (row.client_id !== current.client_id || input.clientSecret !== undefined) {
    await checkDiscovery(deps, row, 'The identity provider’s discovery document could not be read at its issuer address just now, so nothing was changed. Try again in a few minutes.');
  }
  // ...and checked again where it is written, one such change at a time, against the provider
  // and organisations as they are then (another administrator's change meanwhile included).
  const saved = await deps.db.transaction().execute(async (trx) => {
    await oidcRepo.lockSignInSettings(trx);
    const now = await oidcRepo.findProvider(trx, id);
    if (!now) throw noSuchProvider();
    await refuseStranding(trx, id, { ...now, ...changes });
    // Which settings this changes, never their values. A secret sent is a secret set, even the same one again (it cannot be compared); removing one there is none of changes nothing.
    const secretChanged = input.clientSecret !== undefined && !(input.clientSecret === null && now.client_secret_enc === null);
    const fields = PROVIDER_SETTINGS.filter(([k, column]) => (k === 'clientSecret' ? secretChanged : changes[column] !== undefined && changes[column] !== now[column])).map(([k]) => k);
    if (fields.length) await recordAudit(trx, { action: 'change_identity_provider', detail: { fields }, actorId: actor.id, subjectId: id, subjectKind: 'identity_provider', at: deps.now().toISOString() });
    return oidcRepo.updateProvider(trx, id, changes);
  });
  if (!saved) throw noSuchProvider();
  return (await providerViews(deps, [saved]))[0]!;
}

export async function deleteProvider(deps: Deps, actor: AuthUser, id: string) {
  if (actor.role !== 'admin') throw notAdmin();
  const gone = await deps.db.transaction().execute(async (trx) => {
    await oidcRepo.lockSignInSettings(trx);
    const row = await oidcRepo.findProvider(trx, id);
    if (!row) return false;
    await refuseStranding(trx, id, null);
    await recordAudit(trx, { action: 'remove_identity_provider', detail: { label: row.label }, actorId: actor.id, subjectId: id, subjectKind: 'identity_provider', at: deps.now().toISOString() });
    return oidcRepo.deleteProvider(trx, id);
  });
  if (!gone) throw noSuchProvider();
}

/**
 * Starts a sign-in with provider `providerId` from the browser whose binding cookie is
 * `browserNonce`: keeps a fresh PKCE verifier and nonce under a fresh `state`, and gives
 * the provider's address to send the browser to. Anyone may start one, so starts are counted
 * per client address with sign-in attempts (`rate_limited` past the limit): each is a row
 * kept until it expires (and forgotten by `forgetExpiredLogins` after) and a request to the provider.
 */
export async function startLogin(deps: Deps, providerId: string, nextPath: string, browserNonce: string, client: string): Promise<URL> {
  const provider = await oidcRepo.findProvider(deps.db, providerId);
  if (!provider) throw new AppError('not_found', 'There is no such identity provider.');
  const { windowMinutes, perClient } = deps.config.signInLimits;
  const wait = await hit(deps, { key: `client:${client}`, limit: perClient, windowMs: windowMinutes * 60_000 });
  if (wait !== null) throw rateLimited(wait);
  let config: client.Configuration;
  try {
    config = await configurationOf(deps, provider);
  } catch (e) {
    if (e instanceof AppError) throw e;
    deps.logger.warn?.('identity provider discovery failed', { provider: provider.id, reason: (e as Error).message });
    throw ssoFailed(`${provider.label} could not be reached just now. Please try again in a few minutes, or use another way to sign in.`);
  }
  const lib = await openidClient(); // loaded already: configurationOf needed it
  const codeVerifier = lib.randomPKCECodeVerifier();
  const state = lib.randomState();
  const nonce = lib.randomNonce();
  const now = deps.now();
  await oidcRepo.insertLogin(deps.db, {
    state,
    provider_id: provider.id,
    code_verifier: codeVerifier,
    nonce,
    browser_hash: hashToken(browserNonce),
    next_path: nextPath,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + LOGIN_MINUTES * 60_000).toISOString(),
    used_at: null,
  });
  return lib.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(deps),
    scope: 'openid email profile',
    code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
}

/** A claim by name, or a dotted path into an object claim (DfE Sign-in: `organisation.urn`). */
function claimAt(claims: Record<string, unknown>, path: string): string | undefined {
  let v: unknown = claims;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** A `state` as startLogin makes them (base64url), with room to spare. */
const STATE_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The sign-in this callback finishes (once only: it is used up), found by its `state` and the
 * browser's binding cookie `browserNonce`; with where the person was going (`next_path`), so
 * a refusal after this point can send them back to the sign-in page with it.
 */
export async function pendingLogin(deps: Deps, query: URLSearchParams, browserNonce: string | undefined) {
  const state = query.get('state');
  // Only a state of the shape startLogin gives (openid-client's randomState, base64url) is
  // looked up: a tampered one (a NUL byte, which PostgreSQL cannot even compare) is refused as unknown.
  const login = state && STATE_SHAPE.test(state) && browserNonce ? await oidcRepo.consumeLogin(deps.db, state, hashToken(browserNonce), deps.now().toISOString()) : undefined;
  if (!login) throw ssoFailed('This sign-in has expired, was already used, or was started in another browser. Please start again.');
  return login;
}
export type PendingLogin = Awaited<ReturnType<typeof pendingLogin>>;

/**
 * Finishes a sign-in at the callback (`login`, from pendingLogin; `query` is the callback's
 * query string; `client` the browser's address, which startLogin counted). Returns the new sign-in session and where to go next.
 */
export async function finishLogin(deps: Deps, login: PendingLogin, query: URLSearchParams, client: string) {
  if (query.get('error')) throw ssoFailed('Your identity provider did not sign you in. Please try again, or use another way to sign in.');
  const provider = await oidcRepo.findProvider(deps.db, login.provider_id);
  if (!provider) throw ssoFailed();
  let claims: Record<string, unknown>;
  try {
    const config = await configurationOf(deps, provider);
    const current = new URL(callbackUrl(deps));
    current.search = query.toString();
    const tokens = await (await openidClient()).authorizationCodeGrant(config, current, { pkceCodeVerifier: login.code_verifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true });
    claims = (tokens.claims() ?? {}) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof AppError) throw e;
    deps.logger.warn?.('identity provider sign-in refused', { provider: provider.id, reason: (e as Error).message, code: (e as { code?: string }).code });
    throw ssoFailed();
  }
  const user = await personFor(deps, provider, claims);
  if (user.disabled_at) throw accountDisabled();
  // Signed in: the start counts no more against the address (throttle.ts, signedInFrom).
  await signedInFrom(deps, client, 1);
  return { session: await startSession(deps, user), next: login.next_path };
}

/**
 * Whether `provider` may speak for `user` at this sign-in: only for staff and office staff
 * (never an administrator or trainer, wherever they are placed: whoever runs a school's
 * identity provider would then hold a platform-wide account), and only in the organisation
 * it maps the account's email domain to, or the one its organisation claim names now
 * (`claimOrgId`, only ever one in the claim's scope: see scopedClaimOrg). The same rule
 * decides linking an account by its email and every later sign-in of a linked one, so a
 * person promoted or moved out of what the provider serves is refused from then on (their
 * link stays, granting nothing, and counts again if they move back).
 */
function looksAfter(provider: IdentityProviderRow, user: UserRow, claimOrgId: string | undefined): boolean {
  if ((user.role !== 'staff' && user.role !== 'office') || !user.org_id) return false;
  const email = user.email.toLowerCase();
  const domainOrgId = domainsOf(provider).find((d) => d.domain === email.slice(email.lastIndexOf('@') + 1))?.orgId;
  return user.org_id === domainOrgId || user.org_id === claimOrgId;
}

/**
 * Whether `issuer` serves personal accounts beside organisations' (Google), so only an ID
 * token with `hd` (the account's Google Workspace domain) is a school's (`workspaceIssuers`).
 * A personal Google account can be made with any address its maker receives mail at, and says
 * `email_verified` for it: someone who has left a school keeps one made with their school
 * address, and would otherwise go on signing in as that school's member of staff.
 */
function isWorkspaceIssuer(deps: Deps, issuer: string): boolean {
  const bare = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return deps.config.workspaceIssuers.some((w) => bare(w) === bare(issuer));
}

/**
 * The organisation `provider`'s organisation claim names in this ID token, if the provider's
 * claim scope takes it in (oidcRepo.claimMayName); otherwise none, as for a claim naming no
 * organisation here, so the email domain decides, as without a claim. Ignored, not refused:
 * an ignored claim places and links no one (a new person goes only where the provider's own
 * email domains say, and an account is linked or signed in only where `looksAfter` allows
 * without the claim), so refusing would guard nothing more, and would let whoever sets a
 * tenant's claims have its own staff refused by naming another school. Logged with the
 * provider and the URN (no one's name or address), so whoever runs the service sees a
 * provider naming organisations outside its scope.
 */
async function scopedClaimOrg(deps: Deps, provider: IdentityProviderRow, claims: Record<string, unknown>) {
  const urn = provider.org_claim ? claimAt(claims, provider.org_claim) : undefined;
  const org = urn ? await oidcRepo.findOrgByUrn(deps.db, urn) : undefined;
  if (!org || oidcRepo.claimMayName(provider, org)) return org;
  deps.logger.warn?.('identity provider claim outside its scope ignored', { provider: provider.id, urn });
  return undefined;
}

/** The provider account was linked to another account here meanwhile (see `personFor`). */
class LinkedMeanwhile extends Error {}

/**
 * Who is signing in (see the top of this file). Two first sign-ins of the same person at once
 * (two tabs) may both find no account and no link: the second to write finds the account or
 * the link the first made (a unique constraint), and is then looked up again (`again`), so it
 * signs in by the same rules as any later sign-in, never ending in a 500.
 */
async function personFor(deps: Deps, provider: IdentityProviderRow, claims: Record<string, unknown>, again = false): Promise<UserRow> {
  // Before anything is looked up or linked, at every sign-in (a personal account linked before this rule included).
  if (isWorkspaceIssuer(deps, provider.issuer) && !(typeof claims.hd === 'string' && claims.hd.trim())) {
    throw new AppError('sso_personal_account', 'The account you chose there is a personal account, not one your school or trust looks after, so you have not been signed in. Choose your school account there, or sign in another way.');
  }
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const now = deps.now().toISOString();
  const claimOrg = await scopedClaimOrg(deps, provider, claims);
  const linked = subject ? await oidcRepo.findIdentity(deps.db, provider.id, subject) : undefined;
  if (linked) {
    const user = await repo.findUserById(deps.db, linked.user_id);
    if (user) {
      // Checked at every sign-in, not only when linking: placements change after.
      if (!looksAfter(provider, user, claimOrg?.id)) {
        throw new AppError('sso_account_elsewhere', `Your account here is no longer one ${provider.label} looks after (it has another role or belongs to another organisation now), so you have not been signed in. Sign in another way, or ask your school office or an administrator.`);
      }
      await oidcRepo.touchIdentity(deps.db, linked.id, now);
      return user;
    }
  }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  // Microsoft Entra ID does not send `email_verified`; its optional claim `xms_edov` (the email's domain owner verified it) stands in.
  if (!email || (claims.email_verified !== true && claims.xms_edov !== true)) {
    throw new AppError('sso_email_unverified', `${provider.label} did not confirm your email address, so you have not been signed in. Ask your IT team to make sure your account’s email address is verified.`);
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const domainOrgId = domainsOf(provider).find((d) => d.domain === domain)?.orgId;
  const existing = await repo.findUserByEmail(deps.db, email);
  const identity = (userId: string) => ({ id: randomUUID(), provider_id: provider.id, subject, user_id: userId, created_at: now, last_used_at: now });
  if (existing) {
    // A provider may speak for an existing account only within what it serves (`looksAfter`):
    // a staff or office account in the organisation it maps the email's domain to (or the
    // claim's). An account elsewhere (made by another school's office), or an administrator's
    // or trainer's (with a school or none), is never linked: whoever made it, or holds its
    // password, would then hold this person too, or the provider a platform-wide account.
    if (!domainOrgId && !(claimOrg && existing.org_id === claimOrg.id)) {
      throw new AppError('sso_no_organisation', `${provider.label} is not set up for your email address here. Sign in another way, or ask your school office.`);
    }
    if (!looksAfter(provider, existing, claimOrg?.id)) {
      throw new AppError('sso_account_elsewhere', `There is already an account for ${email} here that ${provider.label} does not look after, so it was not linked and you have not been signed in. Ask your school office or an administrator to sort out the account.`);
    }
    // Linked by a parallel sign-in already: the same link, written once.
    if ((await oidcRepo.linkIdentity(deps.db, identity(existing.id))) !== existing.id) {
      throw new AppError('sso_account_elsewhere', `Your ${provider.label} account is already linked to another account here, so you have not been signed in. Ask your school office or an administrator to sort out the account.`);
    }
    return existing;
  }
  const orgId = claimOrg?.id ?? domainOrgId;
  if (!orgId) {
    throw new AppError('sso_no_organisation', `Your account at ${provider.label} does not belong to an organisation that uses this service, so no account was made. Ask your school office to add you.`);
  }
  const id = randomUUID();
  const name = (typeof claims.name === 'string' && oneLineName(claims.name)) || email;
  try {
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertUser(trx, { id, email, name, role: 'staff', orgId, passwordHash: null, createdAt: now });
      if ((await oidcRepo.linkIdentity(trx, identity(id))) !== id) throw new LinkedMeanwhile();
    });
  } catch (e) {
    if (!isUniqueViolation(e) && !(e instanceof LinkedMeanwhile)) throw e;
    // A parallel first sign-in (another tab) made the account or the link since they were
    // looked for: nothing of this one was written; sign in as what it made, by the same rules.
    if (again) throw ssoFailed('You were being signed in twice at the same moment (in two tabs, perhaps), and this one could not finish. Please try again.');
    return personFor(deps, provider, claims, true);
  }
  return (await repo.findUserById(deps.db, id))!;
}

/** Everyone may see which providers they can sign in with (the buttons on the sign-in page). */
export async function publicProviders(deps: Deps) {
  return (await oidcRepo.listProviders(deps.db)).map((p) => ({ id: p.id, label: p.label }));
}

export async function listProviders(deps: Deps, actor: AuthUser) {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can see identity provider settings.');
  return providerViews(deps, await oidcRepo.listProviders(deps.db));
}

/** A person's ways of signing in, for their account page. */
export async function signInMethods(deps: Deps, userId: string) {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw new AppError('unauthenticated', 'Please sign in.');
  const providers = await oidcRepo.identitiesOfUser(deps.db, userId);
  // An organisation that requires its own sign-in refuses its people's passwords and sign-in links (service.ts).
  const ssoOnly = await ssoRequiredFor(deps, user);
  return { password: user.password_hash !== null && !ssoOnly, emailLink: !ssoOnly, providers: providers.map((p) => ({ label: p.label, linkedAt: p.created_at })) };
}

/**
 * A name from an identity provider as one line of at most 200 characters: line breaks and
 * other control characters become a space and text-direction controls are dropped (names typed
 * here are refused both, shared/common.ts `Line`), so no export or email ever gets a new line
 * (and, in a spreadsheet, a new row) from one, nor a name that shows in another order.
 */
function oneLineName(raw: string): string {
  return raw
    .replace(new RegExp(BIDI_CONTROLS.source, 'g'), '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim().slice(0, 200).trim();
}

/** Forgets sign-ins started with a provider that expired a day ago or more, finished or not (a background job). */
export async function forgetExpiredLogins(deps: Deps) {
  await oidcRepo.pruneLogins(deps.db, new Date(deps.now().getTime() - 24 * 3_600_000).toISOString());
}
