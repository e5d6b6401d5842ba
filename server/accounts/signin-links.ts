/**
 * Signing in with a link sent by email, for anyone with an account: no password needed.
 *
 * Asking for a link is counted like a password sign-in (the same three counters, so it
 * cannot be used to probe or flood an address faster than guessing passwords), and the
 * answer is the same whether or not the address has an account. The link works once, for
 * 15 minutes, and only in the browser that asked for it: asking sets a random cookie whose
 * hash is stored with the link, and opening the link must bring the cookie back, so a link
 * that leaks from a mailbox is of no use elsewhere.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { safeNextPath } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { passwordResetSsoEmail, signInLinkEmail } from './emails.js';
import * as repo from './repository.js';
import { accountDisabled, hashToken, ssoRequired, ssoRequiredFor, ssoRequiringOrg, startSession } from './service.js';
import { countPasswordCheck, hit, rateLimited, signedInFrom } from './throttle.js';

/** How long an emailed sign-in link works. */
export const SIGN_IN_LINK_MINUTES = 15;
/**
 * Sign-in emails per 15 minutes to an address asked for from one browser, and to an address
 * from every browser together; more requests are answered the same way but send nothing.
 * Counted per browser first, so someone else asking for links to your address (which work
 * only in their browser) does not use up the ones you ask for: it takes several browsers
 * and client addresses (each client is also held to five asks per address: throttle.ts)
 * to reach the address's own ceiling, which keeps a mailbox from being flooded.
 */
const LINK_EMAILS_PER_BROWSER = 3;
const LINK_EMAILS_PER_ADDRESS = 10;

/** A new random value for the browser-binding cookie. */
export const newBrowserNonce = () => randomBytes(24).toString('base64url');

export const invalidSignInLink = () =>
  new AppError('invalid_sign_in_link', 'This sign-in link has expired or has already been used. Ask for a new link.');

/**
 * Emails a sign-in link to `email` when it belongs to an account that is not turned off.
 * `browserNonce` is the value of the cookie set in the asking browser. Throws `rate_limited`
 * after as many requests as password sign-in allows; otherwise the caller is told the same
 * whatever the address. The link opens `next` once they are signed in (a path on this site,
 * as after a password sign-in; anything else is dropped).
 */
export async function requestSignInLink(deps: Deps, email: string, client: string, browserNonce: string, next?: string) {
  await countPasswordCheck(deps, email, client);
  const windowMs = SIGN_IN_LINK_MINUTES * 60_000;
  if ((await hit(deps, { key: `signin-link:${email}|${hashToken(browserNonce)}`, limit: LINK_EMAILS_PER_BROWSER, windowMs })) !== null) return;
  if ((await hit(deps, { key: `signin-link:${email}`, limit: LINK_EMAILS_PER_ADDRESS, windowMs })) !== null) return;
  const user = await repo.findUserByEmail(deps.db, email);
  if (!user || user.disabled_at) return;
  // A link would be refused (403 sso_required): they are told how to sign in instead.
  const ssoOrg = await ssoRequiringOrg(deps.db, user);
  if (ssoOrg) {
    const signIn = `${deps.config.publicUrl.replace(/\/$/, '')}/signin`;
    await enqueueMessage(deps.db, deps, { kind: 'sign_in_link_sso', to: user.email, userId: user.id, ...passwordResetSsoEmail(user.name, ssoOrg.name, signIn, 'link') });
    return;
  }
  const token = randomBytes(32).toString('base64url');
  const now = deps.now();
  const to = safeNextPath(next, deps.config.publicUrl);
  const link = `${deps.config.publicUrl.replace(/\/$/, '')}/signin-link${to === '/sessions' ? '' : `?next=${encodeURIComponent(to)}`}#token=${token}`;
  await deps.db.transaction().execute(async (trx) => {
    await repo.insertSignInLink(trx, {
      id: randomUUID(),
      token_hash: hashToken(token),
      user_id: user.id,
      browser_hash: hashToken(browserNonce),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000).toISOString(),
      used_at: null,
    });
    await enqueueMessage(trx, deps, { kind: 'sign_in_link', to: user.email, userId: user.id, ...signInLinkEmail(user.name, link, SIGN_IN_LINK_MINUTES) });
  });
}

/**
 * Signs in with the token from an emailed link, opened in the browser whose cookie value is
 * `browserNonce`. Tries from one client address are counted (like password sign-ins from
 * it), so tokens cannot be guessed in bulk. A link opened in another browser is not used up:
 * the person can still open it where they asked.
 */
export async function redeemSignInLink(deps: Deps, token: string, browserNonce: string | undefined, client: string) {
  const { windowMinutes, perClient } = deps.config.signInLimits;
  const wait = await hit(deps, { key: `client:${client}`, limit: perClient, windowMs: windowMinutes * 60_000 });
  if (wait !== null) throw rateLimited(wait);
  const tokenHash = hashToken(token);
  const nowIso = deps.now().toISOString();
  const link = await repo.findSignInLink(deps.db, tokenHash);
  if (!link || link.used_at !== null || link.expires_at <= nowIso) throw invalidSignInLink();
  if (!browserNonce || hashToken(browserNonce) !== link.browser_hash) {
    throw new AppError('sign_in_link_other_browser', 'This sign-in link works only in the browser where you asked for it. Open it there, or ask for a new link in this browser.');
  }
  const userId = await repo.consumeSignInLink(deps.db, tokenHash, link.browser_hash, nowIso);
  const user = userId ? await repo.findUserById(deps.db, userId) : undefined;
  if (!user) throw invalidSignInLink();
  if (user.disabled_at) throw accountDisabled();
  // Asked for before their organisation required its own sign-in (or before they moved into
  // one that does): refused now, as a password is.
  if (await ssoRequiredFor(deps, user)) throw ssoRequired();
  // Asked for and used: neither counts against the address any more (a link asked for
  // elsewhere gives back what this address never counted, at most once per link emailed).
  await signedInFrom(deps, client, 2, user.email);
  return startSession(deps, user);
}
