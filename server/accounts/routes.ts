import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Context, MiddlewareHandler } from 'hono';
import { ChangePasswordInput, CreateOrgInput, CreateUserInput, ImportQuery, ImportUsersResult, LoginInput, LoginResult, Me, MyDetailsInput, Organisation, OrgChanged, OrgPage, OrgPeopleQuery, OrgQuery, PasswordResetInput, PasswordResetRequested, PasswordResetRequestInput, PeoplePage, PeopleQuery, PersonChanged, PlacementInput, SignInLinkInput, SignInLinkRequested, SignInLinkRequestInput, UpdateOrgInput, UpdateUserInput, User } from '../../shared/accounts.js';
import { Id } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { jsonBody, jsonResponse, requireRole, requireUser, router, type Env } from '../platform/http.js';
import * as accounts from './service.js';
import * as lifecycle from './lifecycle.js';
import * as erasure from './erasure.js';
import * as links from './signin-links.js';
import { oidcRoutes } from './oidc-routes.js';
import { auditRoutes } from './audit-routes.js';
import { SIGN_IN_LINK_MINUTES } from './signin-links.js';
import { clientAddress } from '../platform/client-address.js';
import { answerHoldsSecret } from '../platform/idempotency.js';
import { runsSessions } from '../sessions/leads.js';

export const SESSION_COOKIE = 'sid';
/** The random value that binds an emailed sign-in link to the browser that asked for it. */
export const LINK_BROWSER_COOKIE = 'signin_browser';
const LINK_COOKIE_PATH = '/api/auth/email-link';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes for people who are not signed in (yet): a stale token sent along does not stop them. */
const SIGNED_OUT_ROUTES = /^\/api\/auth\//;

/**
 * Resolves the caller from `Authorization: Bearer` or the session cookie. Cookie-signed
 * requests that change anything must echo the session's CSRF token in `X-CSRF-Token`.
 */
export function authMiddleware(deps: Deps): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('auth', null);
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const cookie = bearer ? undefined : getCookie(c, SESSION_COOKIE);
    const token = bearer ?? cookie;
    if (token) {
      const auth = await accounts.authenticate(deps, token);
      if (auth) {
        const via = bearer ? 'bearer' : 'cookie';
        if (via === 'cookie' && !SAFE_METHODS.has(c.req.method) && c.req.header('x-csrf-token') !== auth.csrfToken) {
          throw new AppError('csrf_failed', 'This request is missing its CSRF token. Reload the page and try again.');
        }
        c.set('auth', { ...auth, via });
      } else if (bearer && !SIGNED_OUT_ROUTES.test(c.req.path)) {
        throw new AppError('unauthenticated', 'Your sign-in has expired or was revoked. Please sign in again.');
      }
    }
    await next();
  };
}

const OrgParam = z.object({ id: Id });

export function accountRoutes(deps: Deps) {
  /** The signed-in person as `GET /api/me` answers: their account, the CSRF token of a cookie sign-in, whether they run sessions. */
  const meOf = async (c: Context<Env>) => {
    const auth = c.get('auth');
    const user = requireUser(c);
    return { ...(await accounts.signedInUser(deps, user.id)), csrfToken: auth?.via === 'cookie' ? auth.csrfToken : null, runsSessions: await runsSessions(deps, user) };
  };
  const app = router();
  const secureCookie = deps.config.publicUrl.startsWith('https:');
  /** The answer to any way of signing in: the session cookie, and the token for API use. */
  const signedIn = (c: Context<Env>, result: Awaited<ReturnType<typeof accounts.startSession>>) => {
    answerHoldsSecret(c); // the new session's token
    setCookie(c, SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'Lax', secure: secureCookie, path: '/', expires: result.expires });
    return c.json({ token: result.token, csrfToken: result.csrfToken, user: result.user }, 200);
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['accounts'],
      summary: 'Sign in with email and password',
      request: { body: jsonBody(LoginInput) },
      responses: {
        200: jsonResponse(LoginResult, 'Signed in; also sets an HttpOnly session cookie'),
        401: { description: '`invalid_credentials`: the same for a wrong password and an unknown email' },
        403: { description: '`account_disabled`: the password is right but the account is turned off' },
        429: { description: '`rate_limited`, with `Retry-After`: too many attempts for this account from this address (5 per 15 minutes), from this address, or for this account' },
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const result = await accounts.login(deps, email, password, clientAddress(c, deps.config.trustProxy));
      return signedIn(c, result);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/email-link',
      tags: ['accounts'],
      summary: '"Email me a sign-in link": a single-use link that works for 15 minutes in this browser only, if the address has an account; the answer is the same either way',
      request: { body: jsonBody(SignInLinkRequestInput) },
      responses: {
        202: jsonResponse(SignInLinkRequested, 'Accepted; sets the HttpOnly cookie that the link needs when it is opened'),
        429: { description: '`rate_limited`, with `Retry-After`: counted like password sign-ins' },
      },
    }),
    async (c) => {
      const { email, next } = c.req.valid('json');
      // One value per browser, kept while it asks again, so every link it asked for works there.
      const existing = getCookie(c, LINK_BROWSER_COOKIE);
      const nonce = existing && /^[A-Za-z0-9_-]{32}$/.test(existing) ? existing : links.newBrowserNonce();
      await links.requestSignInLink(deps, email, clientAddress(c, deps.config.trustProxy), nonce, next);
      setCookie(c, LINK_BROWSER_COOKIE, nonce, { httpOnly: true, sameSite: 'Strict', secure: secureCookie, path: LINK_COOKIE_PATH, maxAge: SIGN_IN_LINK_MINUTES * 60 });
      return c.json({ message: `If that address belongs to an account, we have sent it a sign-in link. Open it in this browser within ${SIGN_IN_LINK_MINUTES} minutes.` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/email-link/complete',
      tags: ['accounts'],
      summary: 'Sign in with the token from an emailed sign-in link, in the browser that asked for it',
      request: { body: jsonBody(SignInLinkInput) },
      responses: {
        200: jsonResponse(LoginResult, 'Signed in; also sets an HttpOnly session cookie'),
        400: { description: '`invalid_sign_in_link` (unknown, used or expired) or `sign_in_link_other_browser` (the link is not used up)' },
        403: { description: '`account_disabled`' },
        429: { description: '`rate_limited`, with `Retry-After`' },
      },
    }),
    async (c) => {
      const { token } = c.req.valid('json');
      const result = await links.redeemSignInLink(deps, token, getCookie(c, LINK_BROWSER_COOKIE), clientAddress(c, deps.config.trustProxy));
      return signedIn(c, result);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags: ['accounts'],
      summary: 'Sign out: the token or cookie stops working at once',
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      const auth = c.get('auth');
      if (auth) await accounts.logout(deps, auth.sessionId);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me', tags: ['accounts'], summary: 'The signed-in user', responses: { 200: jsonResponse(Me, 'The current user') } }),
    async (c) => {
      return c.json(await meOf(c), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/me',
      tags: ['accounts'],
      summary: 'Change my own details: my job role (staff and office staff; counted in training coverage)',
      request: { body: jsonBody(MyDetailsInput) },
      responses: { 200: jsonResponse(Me, 'The current user, as now') },
    }),
    async (c) => {
      await lifecycle.setOwnJobRole(deps, requireUser(c), c.req.valid('json').jobRole);
      return c.json(await meOf(c), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/orgs',
      tags: ['accounts'],
      summary: 'Create an organisation (admin)',
      request: { body: jsonBody(CreateOrgInput) },
      responses: { 201: jsonResponse(Organisation, 'Created') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await accounts.createOrg(deps, actor, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/orgs/{id}',
      tags: ['accounts'],
      summary: 'Change an organisation: name, kind, URN, the trust or local authority it sits under, time zone, settings (admin)',
      request: { params: z.object({ id: Id }), body: jsonBody(UpdateOrgInput) },
      responses: { 200: jsonResponse(OrgChanged, 'The changed organisation, with the places and seat holds a move out of its trust gave up') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await accounts.updateOrg(deps, actor, c.req.valid('param').id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs',
      tags: ['accounts'],
      summary: 'Organisations the caller may see, a page at a time, by name: q searches names and URNs, kind (comma-separated) and parent narrow them (admin, trainer: all; office: those they book for, their own first; others: their own)',
      request: { query: OrgQuery },
      responses: { 200: jsonResponse(OrgPage, 'A page of organisations, with how many match in all') },
    }),
    async (c) => c.json(await accounts.orgsVisibleTo(deps, requireUser(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}',
      tags: ['accounts'],
      summary: 'One organisation the caller may see (as GET /orgs)',
      request: { params: z.object({ id: Id }) },
      responses: { 200: jsonResponse(Organisation, 'The organisation') },
    }),
    async (c) => c.json(await accounts.orgVisibleTo(deps, requireUser(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/users',
      tags: ['accounts'],
      summary: 'People in an organisation, by name, a page at a time; q searches names and emails (office staff who book for it, admin)',
      request: { params: OrgParam, query: OrgPeopleQuery },
      responses: { 200: jsonResponse(PeoplePage, 'A page of people, with how many match in all') },
    }),
    async (c) => c.json(await accounts.peopleOfOrgFor(deps, requireRole(c, 'office', 'admin'), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags: ['accounts'],
      summary: 'One person (admin: anyone; office staff: the people of the organisations they book for; anyone: themselves); 404 for anyone else',
      request: { params: z.object({ id: Id }) },
      responses: { 200: jsonResponse(User, 'The person') },
    }),
    async (c) => c.json(await accounts.personFor(deps, requireUser(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['accounts'],
      summary: 'Add a person (admin; office staff add staff to their own organisation)',
      request: { body: jsonBody(CreateUserInput) },
      responses: { 201: jsonResponse(User, 'Created') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin', 'office');
      return c.json(await accounts.createUser(deps, actor, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/orgs/{id}/users/import',
      tags: ['accounts'],
      summary: 'Add many people from CSV (name,email,role) to an organisation (admin; office staff add staff to the organisations they book for); a file with any bad line imports nobody (400 with `details.rows`, each bad line and why, and `details.lines`, every line read); `dryRun=true` checks every line and changes nothing',
      request: { params: OrgParam, query: ImportQuery, body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
      responses: { 201: jsonResponse(ImportUsersResult, 'Imported, line by line'), 200: jsonResponse(ImportUsersResult, 'dryRun: every line is ready; nothing was changed'), 400: { description: '`validation_failed`: the file, or lines of it, cannot be used; nobody was imported' } },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin', 'office');
      const { id } = c.req.valid('param');
      const type = c.req.header('content-type') ?? '';
      if (!/^text\/csv\b/i.test(type)) throw new AppError('unsupported_media_type', 'Send the file as text/csv.');
      const dryRun = c.req.valid('query').dryRun === 'true';
      const text = accounts.importText(new Uint8Array(await c.req.arrayBuffer()), type);
      const result = await accounts.importUsersCsv(deps, actor, id, text, { dryRun });
      return dryRun ? c.json(result, 200) : c.json(result, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset',
      tags: ['accounts'],
      summary: '"Forgot your password?": emails a single-use link that works for an hour, if the address has an account (where the person’s organisation requires its own sign-in, an email saying to use it instead); the answer is the same either way',
      request: { body: jsonBody(PasswordResetRequestInput) },
      responses: { 202: jsonResponse(PasswordResetRequested, 'Accepted'), 429: { description: '`rate_limited`, with `Retry-After`: too many requests from this client address (counted with sign-in attempts)' } },
    }),
    async (c) => {
      await lifecycle.requestPasswordReset(deps, c.req.valid('json').email, clientAddress(c, deps.config.trustProxy));
      return c.json({ message: 'If that address belongs to an account, we have sent it a link to choose a new password. The link works for one hour.' }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset/complete',
      tags: ['accounts'],
      summary: 'Choose a new password with the token from the emailed link; every sign-in session of the person ends',
      request: { body: jsonBody(PasswordResetInput) },
      responses: { 204: { description: 'Password changed; sign in with it' }, 400: { description: '`invalid_reset_link`: unknown, used or expired' }, 403: { description: '`account_disabled`, or `sso_required`: the person’s organisation now requires its own sign-in (the link is not used up)' }, 429: { description: '`rate_limited`: too many attempts from this address; see Retry-After' } },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await lifecycle.resetPassword(deps, token, password, clientAddress(c, deps.config.trustProxy));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/password',
      tags: ['accounts'],
      summary: 'Change your password (the current one is required); your other sign-in sessions end',
      request: { body: jsonBody(ChangePasswordInput) },
      responses: { 204: { description: 'Changed' }, 403: { description: '`wrong_password`' }, 409: { description: '`no_password`: the person has no password here to change (none set, or their organisation requires its own sign-in)' }, 429: { description: '`rate_limited`, with `Retry-After`' } },
    }),
    async (c) => {
      requireUser(c);
      const auth = c.get('auth')!;
      const { currentPassword, newPassword } = c.req.valid('json');
      await lifecycle.changePassword(deps, auth, currentPassword, newPassword, clientAddress(c, deps.config.trustProxy));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['accounts'],
      summary: 'Everyone whose name or email contains `q`, or (`role`, `orgId`) only people with that role or of that organisation, by name, a page at a time (admin)',
      request: { query: PeopleQuery },
      responses: { 200: jsonResponse(PeoplePage, 'By name') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      const { q, role, orgId, limit, offset } = c.req.valid('query');
      return c.json(await lifecycle.searchPeople(deps, actor, { text: q || undefined, role, orgId, limit, offset }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/users/{id}/placement',
      tags: ['accounts'],
      summary: 'Change a person’s role and organisation (admin)',
      request: { params: OrgParam, body: jsonBody(PlacementInput) },
      responses: { 200: jsonResponse(PersonChanged, 'The person as they now are, how many places on sessions still to come the move gave up, and the sessions still to come it left with no one able to run them') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      const { role, orgId } = c.req.valid('json');
      return c.json(await lifecycle.setPlacement(deps, actor, c.req.valid('param').id, role, orgId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/password-reset',
      tags: ['accounts'],
      summary: 'Email a person a password reset link (admin); kept in the audit log',
      request: { params: OrgParam },
      responses: { 202: jsonResponse(z.object({ message: z.string() }), 'The link is on its way'), 409: { description: '`conflict`: the account is turned off, or the person’s organisation requires its own sign-in (a password would not let them in)' }, 429: { description: '`rate_limited`, with `Retry-After`: three reset emails have gone to this person in the last hour; nothing was sent' } },
    }),
    async (c) => {
      await lifecycle.sendResetLink(deps, requireRole(c, 'admin'), c.req.valid('param').id);
      return c.json({ message: 'A password reset link is on its way.' }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags: ['accounts'],
      summary: 'Turn an account off or on, set a job role, or put a name or email right (admin; office staff for their own staff), or grant the captioner flag (admin); turning off ends every sign-in session of the person at once',
      description:
        'Office staff change only the staff (not office staff, trainers or administrators: 403) of the organisations they act for (anyone else’s: 404). Every part given is checked before any is changed, and all are changed together or none. ' +
        'A new `email` voids the sign-in and password reset links sent to the old address, and the person then signs in by the new one (by password, emailed link, or their school’s identity provider, whose link to them is by its own identifier for them and so keeps working while the provider maps the new address’s domain to their organisation). ' +
        'A new `name` or `email` shows at once in their calendar feeds and their organisation’s, and a certificate printing the old name is replaced by one printing the new when next downloaded (the old code then checks as withdrawn). Either is kept in the audit log (who, whom, when).',
      request: { params: OrgParam, body: jsonBody(UpdateUserInput) },
      responses: {
        200: jsonResponse(PersonChanged, 'The person as they now are, how many places on sessions still to come turning the account off gave up, and the sessions still to come it left with no one able to run them'),
        400: { description: '`validation_failed`: a part cannot be used (`details.issues` names it: a name not on one line or over 200 characters, not an email address, or, from office staff, an address whose domain an identity provider maps only to another organisation); nothing was changed' },
        409: { description: '`email_taken`: the email belongs to another account; `conflict`: the person’s personal data was erased. Nothing was changed' },
        429: { description: '`rate_limited`, with `Retry-After`: office staff have given too many addresses this hour (each new email counts, as when adding people); nothing was changed' },
      },
    }),
    async (c) => {
      return c.json(await lifecycle.updatePerson(deps, requireRole(c, 'admin', 'office'), c.req.valid('param').id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/erase',
      tags: ['accounts'],
      summary: 'Erase a person’s personal data (UK GDPR erasure) once their account is turned off (admin: anyone; office staff: their own organisation’s staff): the name becomes “Erased person”, the email an address never delivered to, every other personal field and record of theirs is deleted or scrubbed; bookings, attendance and counts stay. The account cannot be turned on again',
      request: { params: OrgParam },
      responses: { 200: jsonResponse(User, 'The account as it now is (erased)'), 409: { description: '`conflict`: the account is still on (turn it off first), or was erased already; nothing was changed' } },
    }),
    async (c) => c.json(await erasure.erasePerson(deps, requireRole(c, 'admin', 'office'), c.req.valid('param').id), 200),
  );

  app.route('/', auditRoutes(deps));

  app.route('/', oidcRoutes(deps, (c, result) => {
    setCookie(c, SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'Lax', secure: secureCookie, path: '/', expires: result.expires });
  }));

  return app;
}
