/**
 * `Idempotency-Key` (IETF httpapi draft "The Idempotency-Key HTTP Header Field"): a signed-in
 * person's POST that carries a key is answered once; the same key with the same request
 * (method, path and body, byte for byte) gets that first answer again, status and body, with
 * `Idempotent-Replayed: true`; the same key with another request gets 422
 * `idempotency_key_reused`. Keys are per person and kept 24 hours, in the database, so they
 * hold across processes and restarts.
 *
 * A retry that arrives while the first is still being answered by this process waits for
 * that answer and gets it (the contract: "not a second booking, not 409"). One still being
 * answered by another process, or left by a process that died, gets 409
 * `idempotency_key_in_flight` with Retry-After (the draft's choice) until its lease ends
 * (a minute, renewed while the first is being handled, so only a process that died leaves it to run out),
 * unless the first has already committed a booking: bookings record what they made in their own transaction
 * (`outcome`), so a retry after a crash between that commit and the answer returns the
 * booking rather than making another or answering `already_booked`. An answer of 500,
 * 503 or 429 is not kept: the retry runs the request again.
 *
 * Nor is an answer that carries a secret (`answerHoldsSecret`: a sign-in token, a calendar
 * feed URL, a LiveKit join token): it would lie in the database, in plain text, for 24 hours
 * (the feed's token is otherwise stored only as its SHA-256). The key is let go instead, so
 * a retry runs the request again, which each of them may: signing in again makes another
 * session (the lost one expires unused), joining again gives a fresh join token, and
 * rotating a feed again gives a new URL and ends the one the first answer held. The web
 * client retries only when that first answer never arrived, so nobody holds that URL.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';
import type { Deps } from './deps.js';
import type { Env } from './http.js';
import * as store from './idempotency-store.js';

const KEPT_MS = 24 * 60 * 60_000;
/**
 * Answers larger than this are not kept (the key is let go, and a retry runs the request
 * again). The largest creating answers are a staff import's (about 400 bytes a line, 5,000
 * lines at most: about 2 MB) and a year's weekly series with long descriptions (under 1 MB):
 * both are kept, so a retry after a lost answer gets it rather than "already exists" for
 * every line.
 */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;
/** How long a retry waits for this process to answer the first before answering 409 itself. */
const WAIT_FOR_FIRST_MS = 30_000;

/** The key from the header: an sf-string (`"..."`) as the draft says, or the bare text. */
function parseKey(raw: string): string | null {
  const v = raw.trim();
  const key = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  return /^[\x20-\x7e]{1,255}$/.test(key) && key.trim() !== '' ? key : null;
}

/** Call in a route whose answer carries a secret: it is then never kept under an Idempotency-Key (see above). */
export function answerHoldsSecret(c: Context<Env>) {
  c.set('answerHoldsSecret', true);
}

export function idempotency(deps: Deps): MiddlewareHandler<Env> {
  /** Requests with a key being handled in this process, by person and key: a retry queues behind the one before. */
  const handling = new Map<string, Promise<void>>();
  return async (c, next) => {
    const raw = c.req.method === 'POST' ? c.req.header('idempotency-key') : undefined;
    const auth = c.get('auth');
    // Keys are per person: without a sign-in there is no one to keep them for.
    if (raw === undefined || !auth) return next();
    const key = parseKey(raw);
    if (key === null) {
      throw new AppError('validation_failed', 'The Idempotency-Key header must be 1 to 255 letters, digits or other visible characters.', { issues: [{ path: 'Idempotency-Key', message: 'not a valid key' }] });
    }
    const userId = auth.user.id;
    // The bytes, not text: a file upload is no UTF-8, and what is read here is what the
    // handler reads after (Hono keeps the body read first and derives the other forms from it).
    const body = new Uint8Array(await c.req.arrayBuffer());
    // The query is part of the request (`?dryRun=true` then the real import must not get the
    // dry run's answer); its parameters sorted by name, so the same ones in another order match.
    const query = new URL(c.req.url).searchParams;
    query.sort();
    const fingerprint = createHash('sha256').update(`${c.req.method} ${c.req.path}?${query.toString()}\n`).update(body).digest('base64url');
    // Same person and key in this process: wait for the one before to be answered (kept or
    // let go), so that this one finds its answer, or runs if it was let go.
    const slot = `${userId}\n${key}`;
    const before = handling.get(slot);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const queued = before ? before.then(() => mine) : mine;
    handling.set(slot, queued);
    try {
      if (before) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([before, new Promise<void>((resolve) => (timer = setTimeout(resolve, WAIT_FOR_FIRST_MS)))]);
        clearTimeout(timer);
      }
      return await answerOnce(c, next, userId, key, fingerprint);
    } finally {
      done();
      if (handling.get(slot) === queued) handling.delete(slot);
    }
  };

  /** The end of a lease taken now. */
  function leaseFromNow() {
    return new Date(deps.now().getTime() + deps.config.idempotencyLeaseMs).toISOString();
  }

  /**
   * Keeps renewing the lease of a request being handled, every third of the lease, until the
   * returned stop is called: a request that outlasts one lease (a big import, a wait on a
   * lock) must not be run a second time by a retry in another process.
   */
  function keepLeased(userId: string, key: string, held: string, requestId: string | undefined): () => void {
    let current = held;
    let stopped = false;
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        if (stopped) return;
        const to = leaseFromNow();
        try {
          if (await store.renewLease(deps.db, userId, key, current, to)) current = to;
          else stop(); // answered, let go, or no longer this request's
        } catch (e) {
          deps.logger.warn('idempotency lease not renewed', { requestId, error: String((e as Error)?.message ?? e) });
        }
      });
    }, Math.max(1, Math.floor(deps.config.idempotencyLeaseMs / 3)));
    timer.unref();
    function stop() {
      stopped = true;
      clearInterval(timer);
    }
    return stop;
  }

  async function answerOnce(c: Context<Env>, next: () => Promise<void>, userId: string, key: string, fingerprint: string): Promise<Response | undefined> {
    const now = deps.now();
    const lockedUntil = leaseFromNow();
    const claim = await store.claimKey(deps.db, {
      userId,
      key,
      fingerprint,
      nowIso: now.toISOString(),
      lockedUntil,
      expiresAt: new Date(now.getTime() + KEPT_MS).toISOString(),
    });
    if (claim.kind === 'mismatch') {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request. Use a new key for a new request.');
    }
    if (claim.kind === 'in_flight') {
      throw new AppError('idempotency_key_in_flight', 'A request with this Idempotency-Key is still being handled. Try again in a moment.', undefined, { 'Retry-After': '1' });
    }
    if (claim.kind === 'answered') {
      const { row } = claim;
      return new Response(row.body, { status: row.status!, headers: { ...(row.content_type ? { 'Content-Type': row.content_type } : {}), 'Idempotent-Replayed': 'true' } });
    }

    c.set('idempotencyKey', key);
    const stopRenewing = keepLeased(userId, key, lockedUntil, c.get('requestId'));
    try {
      await next();
    } finally {
      stopRenewing();
    }
    const res = c.res;
    const nowIso = deps.now().toISOString();
    try {
      // 5xx and 429 say "not now", not what the request did: the retry runs it again; so it
      // does after an answer holding a secret, which is never kept.
      const text = res.status >= 500 || res.status === 429 || c.get('answerHoldsSecret') ? null : await res.clone().text();
      if (text === null || Buffer.byteLength(text) > MAX_KEPT_BYTES) await store.releaseKey(deps.db, userId, key, nowIso);
      else await store.storeAnswer(deps.db, userId, key, { status: res.status, contentType: res.headers.get('content-type'), body: text });
    } catch (e) {
      // The answer is still given; a retry finds the key in flight until its lease ends.
      deps.logger.warn('idempotency key not stored', { requestId: c.get('requestId'), error: String((e as Error)?.message ?? e) });
    }
    return undefined;
  }
}
