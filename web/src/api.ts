/**
 * The one way the client talks to the API: same-origin fetch with the session cookie, the
 * CSRF token on every request that changes something, and every answer checked against the
 * same zod schema the server declares for it.
 */
import { parse as parseDisposition } from 'content-disposition';
import type { z } from 'zod';
import { ErrorBody } from '../../shared/common.js';
import { fetchNoting } from './clock.js';

let csrfToken: string | null = null;

/** Remembers the CSRF token from the sign-in answer or GET /api/me. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error the API answered with (or a network failure, code `network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Listeners told when the server says the sign-in is gone (401), so the app can ask again. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void) {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A file sent as it is (its bytes are the body), instead of a JSON `body`. */
  file?: Blob;
  /** Do not treat a 401 as "signed out" (the sign-in form itself). */
  quiet401?: boolean;
  /**
   * A POST's Idempotency-Key, kept by the caller for one submission however often it is sent
   * (useSubmissionKey, load.tsx: "Try again" after an answer that never came); else a new one.
   */
  idempotencyKey?: string;
}

function issuesOf(details: unknown): FieldIssue[] {
  if (!details || typeof details !== 'object' || !('issues' in details) || !Array.isArray(details.issues)) return [];
  return details.issues.filter((i): i is FieldIssue => typeof i?.path === 'string' && typeof i?.message === 'string');
}

/** A fresh Idempotency-Key (random, 128 bits; crypto.randomUUID needs https, this does not). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long the server asks to wait (Retry-After, in seconds), at least a second and at most `maxSeconds`. */
const retryAfterMs = (res: Response, maxSeconds: number) => 1000 * Math.min(maxSeconds, Math.max(1, Number(res.headers.get('retry-after')) || 1));

/** How many times a POST is sent again, in all, when the connection drops or the server asks it to wait. */
const RESENDS = 3;
/** Of those, how many after the service said it was busy (`database_busy`): a few seconds at most, then the person is told. */
const BUSY_RESENDS = 2;

/**
 * Sends a request. A POST carries an Idempotency-Key, so when the connection drops (the
 * answer lost, perhaps after the server acted), the key is still being handled, or the
 * service's database was too busy to answer (503 `database_busy`, which the service does not
 * keep as the key's answer), the same request is sent again with the same key, a few times,
 * after the wait the server asks for: the server answers what it did the first time, never
 * a second booking or "already booked". On a launch morning a busy moment then costs the
 * person a second's wait, not a message asking them to press again.
 *
 * The key is `idempotencyKey` when given: the one the page keeps for a submission (see
 * useSubmissionKey), so that pressing "Try again" after the resends ran out, or after a proxy
 * answered 502/504 in the service's place, is that same request again, not a second series
 * or a second email to everyone. Without it, each call is a request of its own.
 */
export async function send(path: string, init: RequestInit & { headers: Record<string, string> }, idempotencyKey?: string): Promise<Response> {
  if (init.method !== 'POST') return fetchNoting(path, init);
  init.headers['idempotency-key'] = idempotencyKey ?? newIdempotencyKey();
  let busy = 0;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= RESENDS;
    let res: Response;
    try {
      res = await fetchNoting(path, init);
    } catch (e) {
      if (last) throw e;
      await pause(300 * 2 ** attempt);
      continue;
    }
    if (last || (res.status !== 409 && res.status !== 503)) return res;
    const code = ErrorBody.safeParse(await res.clone().json().catch(() => null)).data?.error.code;
    if (res.status === 503 && code === 'database_busy' && busy < BUSY_RESENDS) {
      busy++;
      await pause(retryAfterMs(res, 5));
    } else if (res.status === 409 && code === 'idempotency_key_in_flight') {
      await pause(retryAfterMs(res, 30));
    } else {
      return res;
    }
  }
}

/** Calls the API and parses its answer with `schema`; throws ApiError on any failure. */
export async function api<S extends z.ZodType>(path: string, schema: S, opts: CallOptions = {}): Promise<z.infer<S>> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: string | Blob | undefined;
  if (opts.file !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    body = opts.file;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await send(path, { method, headers, body, credentials: 'same-origin' }, opts.idempotencyKey);
  } catch {
    throw new ApiError(0, 'network', 'The service could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: handled below */
  }
  if (!res.ok) throw refusal(res.status, json, opts.quiet401);
  const parsed = schema.safeParse(json === undefined ? {} : json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', 'The service sent an answer this page does not understand. Please reload the page.');
  return parsed.data;
}

/** The ApiError for a failed answer (its error body, if it has one); a 401 tells the app the sign-in is gone. */
function refusal(status: number, json: unknown, quiet401 = false): ApiError {
  const parsed = ErrorBody.safeParse(json);
  const err = parsed.success
    ? new ApiError(status, parsed.data.error.code, parsed.data.error.message, issuesOf(parsed.data.error.details))
    : new ApiError(status, 'http_' + status, `The service answered with an error (${status}). Please try again.`);
  if (status === 401 && !quiet401) for (const fn of unauthenticatedListeners) fn();
  return err;
}

/** The file name in a Content-Disposition header (its `filename*` first), read by jshttp's content-disposition. */
function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  try {
    return parseDisposition(header).parameters.filename || null;
  } catch {
    return null; // not a header the server writes: the caller's own name is used
  }
}

/**
 * Downloads a file the API makes (a spreadsheet, a calendar file), named as the server names
 * it (else `fallbackName`). Unlike a plain `<a download>` link, whose refusal the browser
 * drops without a word (a failed download, nothing in the page), a refusal is thrown as an
 * ApiError (e.g. 422 `report_too_large`) so the page can say why.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetchNoting(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The service could not be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: a plain message by its status */
    }
    throw refusal(res.status, json);
  }
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch {
    throw new ApiError(0, 'network', 'The service could not be reached. Check your connection and try again.');
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameOf(res.headers.get('content-disposition')) ?? fallbackName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser reads the file after the click has returned.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
