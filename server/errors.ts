/**
 * The one error type. Services throw AppError with a code; `toResponse` (used by the
 * app's single onError) turns any error into `{ error: { code, message, details? } }`.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { sqliteFaultKind, type SqliteFaultKind } from '../db/sqlite.js';

const STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  bad_request: 400,
  invalid_reset_link: 400,
  invalid_sign_in_link: 400,
  sign_in_link_other_browser: 400,
  sso_failed: 400,
  sso_email_unverified: 400,
  sso_no_organisation: 403,
  /** An account with the email exists in an organisation the identity provider does not sign in for: not linked. */
  sso_account_elsewhere: 403,
  /** A personal account at a provider that also serves organisations' accounts (Google): not signed in. */
  sso_personal_account: 403,
  sso_required: 403,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_signature: 401,
  forbidden: 403,
  /** Booking someone an in-house session is not for, by someone who may see it (an administrator, a trust office): refused in words. */
  outside_audience: 403,
  csrf_failed: 403,
  account_disabled: 403,
  wrong_password: 403,
  no_password: 409,
  not_found: 404,
  conflict: 409,
  /** Saved from a page that is out of date: something it changed was changed by someone else since it read it (the issues name what). */
  changed_meanwhile: 409,
  already_booked: 409,
  /** An in-house session's audience would leave out people already booked on it. */
  audience_excludes_booked: 409,
  email_taken: 409,
  capacity_below_confirmed: 409,
  booking_closed: 409,
  session_cancelled: 409,
  /** The session is over, and what was asked makes sense only before its end (seat holds, a message to those waiting). */
  session_ended: 409,
  /** A seat hold set or raised once the session's held seats were released (its hold release time, else its booking cut-off): it would hold nothing. */
  holds_released: 409,
  not_offered: 409,
  join_window_closed: 409,
  /** A register tick or correction before check-in opens: no one can have come yet. */
  register_not_open: 409,
  room_ended: 409,
  removed_from_room: 403,
  unmute_not_allowed: 409,
  not_in_room: 409,
  not_attendee: 403,
  /** Feedback on a session can be given or changed only for a while after it. */
  feedback_closed: 409,
  invalid_checkin_code: 400,
  idempotency_key_in_flight: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  fetch_failed: 422,
  address_not_allowed: 422,
  timetable_too_complex: 422,
  report_too_large: 422,
  unknown_time_zone: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
  livekit_not_configured: 503,
  livekit_unavailable: 503,
  database_busy: 503,
  service_busy: 503,
  database_unavailable: 503,
  database_read_only: 503,
  database_full: 503,
  database_not_migrated: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** What people are told while the database file cannot take changes (db/sqlite.ts). */
export const FAULT_ANSWERS = {
  read_only: { code: 'database_read_only', message: 'Changes cannot be saved right now: the database is read-only. Nothing was changed; please try again later.' },
  full: { code: 'database_full', message: 'Changes cannot be saved right now: the database’s disk is full. Nothing was changed; please try again later.' },
  failing: { code: 'database_unavailable', message: 'The database cannot be used right now. Nothing was changed; please try again later.' },
} as const satisfies Record<SqliteFaultKind, { code: ErrorCode; message: string }>;

/** Maps any thrown value to status, body and headers. Internals never leak on a 500. */
export function toErrorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody; headers: Record<string, string>; internal: boolean } {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    return { status: err.status, body, headers: err.headers ?? {}, internal: false };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const malformed = /malformed json/i.test(err.message);
    const code = malformed ? 'malformed_json' : status === 413 ? 'payload_too_large' : status === 401 ? 'unauthenticated' : status >= 500 ? 'internal' : 'bad_request';
    // Hono's and the body parsers' own texts are for developers; people get a plain sentence.
    const message = malformed
      ? 'The request body is not valid JSON.'
      : status === 413
        ? 'The request body is too large.'
        : status === 401
          ? 'Please sign in.'
          : status >= 500
            ? 'Something went wrong on our side. Please try again.'
            : 'The request is not valid.';
    return { status, body: { error: { code, message } }, headers: {}, internal: status >= 500 };
  }
  if (isUnstorableText(err)) {
    return { status: 400, body: { error: { code: 'bad_request', message: 'The request contains a character that cannot be stored, such as a NUL byte.' } }, headers: {}, internal: false };
  }
  if (isDatabaseUnreachable(err)) {
    return {
      status: 503,
      body: { error: { code: 'database_unavailable', message: 'The database cannot be reached. Please try again in a moment.' } },
      headers: { 'Retry-After': '5' },
      internal: false,
    };
  }
  const fault = sqliteFaultKind(err);
  if (fault) {
    const { code, message } = FAULT_ANSWERS[fault];
    return { status: 503, body: { error: { code, message } }, headers: { 'Retry-After': '30' }, internal: false };
  }
  if (isBusyError(err)) {
    return {
      status: 503,
      body: { error: { code: 'database_busy', message: 'The service is busy. Please try again in a moment.' } },
      headers: { 'Retry-After': '1' },
      internal: false,
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }, headers: {}, internal: true };
}

/** SQLite's SQLITE_BUSY/LOCKED, PostgreSQL's lock timeout, statement timeout, deadlock or serialization failure. */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === '55P03' || code === '57014' || code === '40P01' || code === '40001')
  );
}

/** The database server is down, restarting or unreachable (connection refused, reset, timed out, shut down). */
export function isDatabaseUnreachable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect)/.test(message);
}

/** PostgreSQL refused text it cannot store (a NUL byte, or a character outside the encoding). */
export function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/** A foreign-key violation on either database (a row naming one that is gone, or being removed). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/** A unique-constraint violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
