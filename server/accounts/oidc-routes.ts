/**
 * OpenID Connect sign-in: the buttons' list, start (a redirect to the provider), the
 * callback (`PUBLIC_URL/api/auth/oidc/callback`), and administrators' provider settings.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { getCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { CreateIdentityProviderInput, IdentityProvider, SignInMethods, SignInProvider, UpdateIdentityProviderInput } from '../../shared/accounts.js';
import { Id, safeNextPath } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { clientAddress } from '../platform/client-address.js';
import { jsonBody, jsonResponse, requireRole, requireUser, router, type Env } from '../platform/http.js';
import * as oidc from './oidc.js';
import { newBrowserNonce } from './signin-links.js';
import type { startSession } from './service.js';

/** The random value that binds a sign-in at a provider to the browser that started it. */
export const OIDC_BROWSER_COOKIE = 'oidc_browser';
const OIDC_COOKIE_PATH = '/api/auth/oidc';
/** The sign-in page saying why signing in with a provider did not work (the code only), and where the person was going, if anywhere. */
const signInPageWith = (code: string, next?: string) => `/signin?sso_error=${encodeURIComponent(code)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;

export function oidcRoutes(deps: Deps, signedInCookie: (c: Context<Env>, result: Awaited<ReturnType<typeof startSession>>) => void) {
  const app = router();
  const secureCookie = deps.config.publicUrl.startsWith('https:');

  app.openapi(
    createRoute({ method: 'get', path: '/auth/oidc/providers', tags: ['accounts'], summary: 'Identity providers people can sign in with (the sign-in page’s buttons)', responses: { 200: jsonResponse(z.object({ items: z.array(SignInProvider) }), 'Providers') } }),
    async (c) => c.json({ items: await oidc.publicProviders(deps) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/auth/oidc/{id}/start',
      tags: ['accounts'],
      summary: 'Start signing in with an identity provider: redirects the browser there (authorization code flow with PKCE, state and nonce)',
      request: { params: z.object({ id: Id }), query: z.object({ next: z.string().max(500).optional() }) },
      responses: { 302: { description: 'To the identity provider; sets the HttpOnly cookie the callback needs. When the provider cannot be used just now (unreachable, or its secret cannot be read): to the sign-in page with `sso_error=sso_failed`; after too many sign-in attempts from this client address: with `sso_error=rate_limited`' }, 404: { description: '`not_found`' } },
    }),
    async (c) => {
      const existing = getCookie(c, OIDC_BROWSER_COOKIE);
      const nonce = existing && /^[A-Za-z0-9_-]{32}$/.test(existing) ? existing : newBrowserNonce();
      // Only a path on this site may be where the person lands after signing in (no open redirect).
      const asked = c.req.valid('query').next;
      const next = safeNextPath(asked, deps.config.publicUrl);
      let url: URL;
      try {
        url = await oidc.startLogin(deps, c.req.valid('param').id, next, nonce, clientAddress(c, deps.config.trustProxy));
      } catch (e) {
        // The button is a link the browser follows: a provider that cannot be used is said on
        // the sign-in page, as the callback's refusals are, not as a page of JSON.
        if (!(e instanceof AppError) || e.code === 'not_found') throw e;
        return c.redirect(signInPageWith(e.code, asked ? next : undefined), 302);
      }
      setCookie(c, OIDC_BROWSER_COOKIE, nonce, { httpOnly: true, sameSite: 'Lax', secure: secureCookie, path: OIDC_COOKIE_PATH, maxAge: oidc.LOGIN_MINUTES * 60 });
      return c.redirect(url.toString(), 302);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/auth/oidc/callback',
      tags: ['accounts'],
      summary: 'Where identity providers send people back: signs them in and redirects to where they were going, or to the sign-in page with `sso_error`',
      responses: { 302: { description: 'Signed in (session cookie set), or refused: `/signin?sso_error=sso_failed|sso_email_unverified|sso_personal_account|sso_no_organisation|sso_account_elsewhere|account_disabled`' } },
    }),
    async (c) => {
      const query = new URL(c.req.url).searchParams;
      // Where they were going, once their sign-in is found: kept on the sign-in page if refused.
      let next: string | undefined;
      try {
        const login = await oidc.pendingLogin(deps, query, getCookie(c, OIDC_BROWSER_COOKIE));
        next = login.next_path;
        const result = await oidc.finishLogin(deps, login, query, clientAddress(c, deps.config.trustProxy));
        signedInCookie(c, result.session);
        return c.redirect(result.next, 302);
      } catch (e) {
        // The browser was sent here: every failure is said on the sign-in page, never as a page of JSON.
        if (!(e instanceof AppError)) deps.logger.error('identity provider callback failed', { requestId: c.get('requestId'), error: String((e as Error)?.stack ?? e) });
        return c.redirect(signInPageWith(e instanceof AppError ? e.code : 'sso_failed', next), 302);
      }
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/identity-providers', tags: ['accounts'], summary: 'Identity providers with their settings (admin); client secrets are never shown', responses: { 200: jsonResponse(z.object({ items: z.array(IdentityProvider), callbackUrl: z.string() }), 'Providers') } }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json({ items: await oidc.listProviders(deps, actor), callbackUrl: oidc.callbackUrl(deps) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/identity-providers',
      tags: ['accounts'],
      summary: 'Add an identity provider (admin): its discovery document must be readable at the issuer address; the client secret is stored encrypted',
      description:
        '`orgClaim`: an ID token claim holding an organisation’s URN (a dotted path such as `organisation.urn` reads inside an object claim). ' +
        '`orgClaimScope` says which organisations it may name: `own` (the default) only those `orgDomains` map to, and the schools directly under them (a trust’s schools, when a domain maps to the trust), for a school’s or trust’s own tenant, whose claims its IT staff set; ' +
        '`national` any organisation with a URN, for a national provider such as DfE Sign-in, and only when chosen. A claim naming an organisation outside the scope is ignored, as if there were none: the email domain decides where the person is placed, and whether an account is linked.',
      request: { body: jsonBody(CreateIdentityProviderInput) },
      responses: { 201: jsonResponse(IdentityProvider, 'Added'), 422: { description: '`fetch_failed`: no discovery document there' } },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await oidc.createProvider(deps, actor, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/identity-providers/{id}',
      tags: ['accounts'],
      summary: 'Change an identity provider (admin): its label, client ID, client secret, email domains, organisation claim or the claim’s scope; people’s links to it are kept',
      description:
        'The issuer cannot be changed (`400` on `issuer`): a person’s link is their account at that issuer, which means nothing at another, so another issuer is a new provider. ' +
        '`clientSecret`: a new one replaces the stored one (encrypted); `null` removes it (a public client); left out, the stored one is kept. `orgDomains` replaces the whole list; `orgClaim: null` clears it; `orgClaimScope` (`own` or `national`, see adding one) is kept when left out. ' +
        'A new client ID or secret is saved only once the discovery document is read again (`422 fetch_failed` otherwise). ' +
        'Refused (`409 conflict`) when it would leave an organisation that requires its own sign-in with no provider signing its staff in (its email domain taken off, or a claim cleared or narrowed to `own` that alone served it). Nothing is changed by a refusal.',
      request: { params: z.object({ id: Id }), body: jsonBody(UpdateIdentityProviderInput) },
      responses: { 200: jsonResponse(IdentityProvider, 'Changed'), 404: { description: '`not_found`' }, 409: { description: '`conflict`: an organisation requiring its own sign-in would be left with no provider' }, 422: { description: '`fetch_failed`: the discovery document could not be read' } },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await oidc.updateProvider(deps, actor, c.req.valid('param').id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/identity-providers/{id}', tags: ['accounts'], summary: 'Remove an identity provider (admin); people linked to it sign in another way', request: { params: z.object({ id: Id }) }, responses: { 204: { description: 'Removed' } } }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      await oidc.deleteProvider(deps, actor, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me/sign-in-methods', tags: ['accounts'], summary: 'How the caller can sign in: password, emailed link, identity providers', responses: { 200: jsonResponse(SignInMethods, 'Methods') } }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await oidc.signInMethods(deps, user.id), 200);
    },
  );

  return app;
}
