/**
 * The HTTP plumbing every domain router shares: the Env type, a router whose validation
 * failures all look the same, and the guards that check who is calling.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { create as createDisposition } from 'content-disposition';
import type { Role } from '../../db/schema.js';
import { AppError } from '../errors.js';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  orgId: string | null;
  captioner: boolean;
  /** Whether they have a timetable, when read with the sign-in (every request's look). */
  hasTimetable?: boolean;
}

export interface AuthContext {
  user: AuthUser;
  sessionId: string;
  csrfToken: string;
  via: 'cookie' | 'bearer';
}

export type Env = {
  Variables: {
    auth: AuthContext | null;
    requestId: string;
    /** The request's Idempotency-Key, once claimed (server/platform/idempotency.ts). */
    idempotencyKey: string | undefined;
    /** The answer carries a secret, so it is never kept under an Idempotency-Key (`answerHoldsSecret`). */
    answerHoldsSecret: boolean | undefined;
  };
};

/** A domain router: every zod validation failure becomes one `validation_failed` error. */
export function router(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
        const first = issues[0];
        const message = first ? `${first.path || 'body'} ${first.message}` : 'The request is not valid.';
        throw new AppError('validation_failed', message, { issues });
      }
    },
  });
}

/** The signed-in user, or a 401. */
export function requireUser(c: Context<Env>): AuthUser {
  const auth = c.get('auth');
  if (!auth) throw new AppError('unauthenticated', 'Please sign in.');
  return auth.user;
}

/** The signed-in user if their role is one of `roles`, or a 401/403. */
export function requireRole(c: Context<Env>, ...roles: Role[]): AuthUser {
  const user = requireUser(c);
  if (!roles.includes(user.role)) throw new AppError('forbidden', 'Your role does not allow this.');
  return user;
}

export const jsonBody = <T>(schema: T, description = 'JSON body') =>
  ({ required: true, description, content: { 'application/json': { schema } } }) as const;

export const jsonResponse = <T>(schema: T, description: string) =>
  ({ description, content: { 'application/json': { schema } } }) as const;

/**
 * `Content-Disposition` for a file the service sends, written by jshttp's content-disposition
 * (RFC 6266): a name outside plain ASCII travels as `filename*` (RFC 8187, UTF-8) with an ASCII
 * `filename` beside it for old clients, with `_` for those characters and for `%` (so that no
 * client reads a percent-escape into the plain name).
 */
export function disposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  return createDisposition(filename, { type, fallback: filename.replace(/[^\x20-\x7e]|%/g, '_') });
}

/**
 * A spreadsheet download: `csv` (UTF-8) as an attachment named `filename`, with any `extra`
 * headers (a personal record adds `Cache-Control: private, no-store`).
 */
export function csvAttachment(c: Context, file: { csv: string; filename: string }, extra: Record<string, string> = {}) {
  return c.body(file.csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition(file.filename), ...extra });
}
