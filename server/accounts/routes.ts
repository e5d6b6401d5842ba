import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import { CreateOrgInput, CreateUserInput, ImportUsersResult, LoginInput, LoginResult, Me, Organisation, User } from '../../shared/accounts.js';
import { Id } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { jsonBody, jsonResponse, requireRole, requireUser, router, type Env } from '../platform/http.js';
import * as repo from './repository.js';
import * as accounts from './service.js';

export const SESSION_COOKIE = 'sid';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
      } else if (bearer) {
        throw new AppError('unauthenticated', 'Your sign-in has expired or was revoked. Please sign in again.');
      }
    }
    await next();
  };
}

const OrgParam = z.object({ id: Id });

export function accountRoutes(deps: Deps) {
  const app = router();
  const secureCookie = deps.config.publicUrl.startsWith('https:');

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['accounts'],
      summary: 'Sign in with email and password',
      request: { body: jsonBody(LoginInput) },
      responses: { 200: jsonResponse(LoginResult, 'Signed in; also sets an HttpOnly session cookie') },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const result = await accounts.login(deps, email, password);
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookie,
        path: '/',
        expires: result.expires,
      });
      return c.json({ token: result.token, csrfToken: result.csrfToken, user: result.user }, 200);
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
      const auth = c.get('auth');
      const user = requireUser(c);
      const row = await repo.findUserById(deps.db, user.id);
      if (!row) throw new AppError('unauthenticated', 'Please sign in.');
      return c.json({ ...(await accounts.userView(deps, row)), csrfToken: auth?.via === 'cookie' ? auth.csrfToken : null }, 200);
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
      requireRole(c, 'admin');
      return c.json(await accounts.createOrg(deps, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/orgs', tags: ['accounts'], summary: 'Organisations the caller may see', responses: { 200: jsonResponse(z.object({ items: z.array(Organisation) }), 'Organisations') } }),
    async (c) => {
      const user = requireUser(c);
      const rows = user.role === 'admin' || user.role === 'trainer' ? await repo.listOrgs(deps.db) : user.orgId ? [await repo.findOrg(deps.db, user.orgId)].filter((o) => o !== undefined) : [];
      return c.json({ items: rows.map(accounts.orgView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/users',
      tags: ['accounts'],
      summary: 'People in an organisation (its office staff, admin)',
      request: { params: OrgParam },
      responses: { 200: jsonResponse(z.object({ items: z.array(User) }), 'People') },
    }),
    async (c) => {
      const user = requireRole(c, 'office', 'admin');
      const { id } = c.req.valid('param');
      if (user.role === 'office' && user.orgId !== id) throw new AppError('forbidden', 'You can only see people in your own organisation.');
      const org = await repo.findOrg(deps.db, id);
      if (!org) throw new AppError('not_found', 'No such organisation.');
      const rows = await repo.listUsersOfOrg(deps.db, id);
      return c.json({ items: rows.map((u) => accounts.toUser(u, org.name)) }, 200);
    },
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
      summary: 'Add many people from CSV (name,email,role); a file with any bad row imports nobody',
      request: { params: OrgParam, body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
      responses: { 201: jsonResponse(ImportUsersResult, 'Imported') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin', 'office');
      const { id } = c.req.valid('param');
      const type = c.req.header('content-type') ?? '';
      if (!/^text\/csv\b/i.test(type)) throw new AppError('unsupported_media_type', 'Send the file as text/csv.');
      return c.json(await accounts.importUsersCsv(deps, actor, id, await c.req.text()), 201);
    },
  );

  return app;
}
