/**
 * Sending a file's text (CSV or ICS) to the API. The shared `api` helper sends JSON only;
 * this sends the file as it is, with the same CSRF token, through the same `send` (a POST
 * with an Idempotency-Key, sent again when the connection drops or the service is busy),
 * and keeps the server's line by line problems so the page can list them.
 */
import type { z } from 'zod';
import { Me } from '../../../shared/accounts.js';
import { ErrorBody } from '../../../shared/common.js';
import { api, ApiError, send } from '../api.js';

/** An upload the server refused, with each problem it named (line or event). */
export class UploadError extends ApiError {
  /** How many problems there are in all: the service lists the first 200 of them. */
  readonly total: number;
  constructor(status: number, code: string, message: string, readonly problems: string[], readonly details?: unknown) {
    super(status, code, message);
    const total = (details as { total?: unknown } | undefined)?.total;
    this.total = typeof total === 'number' && total > problems.length ? total : problems.length;
  }
}

/** The media type for a chosen file: ICS by name or type, else CSV. */
export function fileType(file: File): string {
  return /\.(ics|ical|ifb|icalendar)$/i.test(file.name) || file.type === 'text/calendar' ? 'text/calendar' : 'text/csv';
}

function problemsOf(details: unknown): string[] {
  const d = details as { rows?: { line: number; message: string }[]; events?: { uid: string | null; summary: string | null; message: string }[] } | undefined;
  if (Array.isArray(d?.rows)) return d.rows.map((r) => `Line ${r.line}: ${r.message}`);
  if (Array.isArray(d?.events)) return d.events.map((e) => `${e.summary ? `“${e.summary}”` : 'An event'}${e.uid ? ` (UID ${e.uid})` : ''}: ${e.message}`);
  return [];
}

/**
 * Sends `body` (text, or a chosen file as it is: its bytes, which the service reads in the
 * encoding they were saved in, UTF-8 or UTF-16) as `contentType`. A POST carries
 * `idempotencyKey` when given (the page's key for this submission, useSubmissionKey), else a
 * new one; a PUT replaces what was there, so sending it again does no harm and needs none.
 */
export async function sendText<S extends z.ZodType>(path: string, contentType: string, body: string | Blob, schema: S, method: 'PUT' | 'POST' = 'PUT', { idempotencyKey }: { idempotencyKey?: string } = {}): Promise<z.infer<S>> {
  const me = await api('/api/me', Me);
  const headers: Record<string, string> = { 'content-type': contentType, accept: 'application/json' };
  if (me.csrfToken) headers['x-csrf-token'] = me.csrfToken;
  let res: Response;
  try {
    res = await send(path, { method, headers, body, credentials: 'same-origin' }, idempotencyKey);
  } catch {
    throw new ApiError(0, 'network', 'The service could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    if (!parsed.success) throw new ApiError(res.status, `http_${res.status}`, `The service answered with an error (${res.status}). Please try again.`);
    throw new UploadError(res.status, parsed.data.error.code, parsed.data.error.message, problemsOf(parsed.data.error.details), parsed.data.error.details);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', 'The service sent an answer this page does not understand. Please reload the page.');
  return parsed.data;
}
