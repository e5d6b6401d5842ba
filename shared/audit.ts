/**
 * The audit log as administrators read it (`GET /api/audit-log`, the Audit log page): who did
 * what to whose account, and when, newest first, a page at a time. The log itself holds ids and
 * codes only (server/accounts/audit.ts); the names here are looked up as the log is read, from
 * the rows as they now are: an erased person is shown by the placeholder their account now
 * holds, and something since deleted (an organisation, an identity provider) by no name (null).
 */
import { z } from 'zod';
import { Role } from './accounts.js';
import { Id } from './common.js';
import { cursorParam, encodeCursor } from './cursor.js';

/** What an entry's subject is: a person, an identity provider or an organisation. */
export const AuditSubjectKind = z.enum(['person', 'identity_provider', 'organisation']);
export type AuditSubjectKind = z.infer<typeof AuditSubjectKind>;

/** Something named in an entry: its id, and its name as it now is (null: no longer there). */
export const AuditNamed = z.object({ id: z.string(), name: z.string().nullable() });
export type AuditNamed = z.infer<typeof AuditNamed>;

/**
 * Where a person named in an entry is, as their account now is, to tell apart people with the
 * same name: their organisation's name (null: none, or one no longer listed) and their role
 * (null: no such account). Looked up as the log is read, like the names; never kept in it.
 */
export const AuditPlace = z.object({ orgName: z.string().nullable(), role: Role.nullable() });
export type AuditPlace = z.infer<typeof AuditPlace>;

/** A role and organisation changed (`change_placement`): each from and to, the organisations by id and name (null: none). */
export const PlacementDetail = z.object({
  role: z.object({ from: Role, to: Role }),
  organisation: z.object({ from: AuditNamed.nullable(), to: AuditNamed.nullable() }),
});
/** An identity provider's settings, as a change names them (`change_identity_provider`): never their values. */
export const ProviderSetting = z.enum(['label', 'clientId', 'clientSecret', 'orgDomains', 'orgClaim', 'orgClaimScope']);
export type ProviderSetting = z.infer<typeof ProviderSetting>;
/** An identity provider added or removed: its label then (a removed one has no row left to name it). */
export const ProviderDetail = z.object({ label: z.string() });
/** Which of a person's details were put right (`rectify_personal_data`), never their values; null on entries from before this was kept. */
export const RectifyDetail = z.object({ fields: z.array(z.enum(['name', 'email'])) });
/** A detail put right: what it was, and what it was put right to. */
export const ChangedValue = z.object({ from: z.string(), to: z.string() });
/**
 * What a person's details were put right from and to (`rectify_personal_data`): never kept in
 * the log, but looked up as it is read from the values the person's account keeps replaced
 * (their former details, which erasing them removes). Only the fields still known; absent when
 * none is (the person erased, or an entry from before they were kept).
 */
export const RectifyChanged = z.object({ name: ChangedValue.optional(), email: ChangedValue.optional() });
export type RectifyChanged = z.infer<typeof RectifyChanged>;

const entry = <A extends string, D extends z.ZodType>(action: A, detail: D) =>
  z.object({
    id: z.string(),
    /** When (ISO 8601, UTC). */
    at: z.string(),
    action: z.literal(action),
    /** Who did it: always a person, with where they now are. */
    actor: AuditNamed.extend(AuditPlace.shape),
    /** Whose account (or which provider or organisation) it was done to; a person's with where they now are (`orgName`, `role`), which others leave out. */
    subject: AuditNamed.extend({ kind: AuditSubjectKind, ...AuditPlace.partial().shape }),
    detail,
  });

/** One entry: what was done (`action`) decides what `detail` holds. */
export const AuditEntry = z.discriminatedUnion('action', [
  entry('change_placement', PlacementDetail),
  entry('rectify_personal_data', RectifyDetail.nullable()).extend({ changed: RectifyChanged.optional() }),
  entry('disable_account', z.null()),
  entry('enable_account', z.null()),
  entry('grant_captioner', z.null()),
  entry('revoke_captioner', z.null()),
  entry('send_password_reset', z.null()),
  entry('erase_personal_data', z.null()),
  entry('export_personal_data', z.null()),
  entry('add_identity_provider', ProviderDetail),
  entry('change_identity_provider', z.object({ fields: z.array(ProviderSetting) })),
  entry('remove_identity_provider', ProviderDetail),
  entry('require_own_sign_in', z.null()),
  entry('stop_requiring_own_sign_in', z.null()),
]);
export type AuditEntry = z.infer<typeof AuditEntry>;
export type AuditAction = AuditEntry['action'];

/** The most entries one page holds. */
export const AUDIT_PAGE_MAX = 100;

/** A cursor's text: base64url of the last entry's `[at, id]` (shared/cursor.ts), at most this long (what the log gives is about 80 characters). */
const CURSOR_MAX = 256;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Where a page ended: the last entry's time and id (entries are ordered by both, newest first). */
export interface AuditCursor {
  at: string;
  id: string;
}
const AuditCursorKey = z.tuple([z.string().regex(INSTANT).refine((s) => Number.isFinite(Date.parse(s))), Id]);

/** The opaque `next` a page answers with. */
export const encodeAuditCursor = (c: AuditCursor) => encodeCursor([c.at, c.id]);

/**
 * `person`: only the entries that person did or that were done to them. `before`: the entries
 * older than the cursor (a page's `next`), so pages follow on without repeating or skipping an
 * entry however many are written meanwhile. `limit`: 1 to 100, 50 unless asked.
 */
export const AuditLogQuery = z.object({
  person: z.uuid({ message: 'must be a person’s id' }).optional(),
  before: cursorParam(AuditCursorKey, CURSOR_MAX).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;

/**
 * A page of the log, newest first; `next` the cursor for the older entries (null: there are
 * none); `person` the person it was filtered to, with their name as it now is (null when not
 * filtered; their name null when there is no such person).
 */
export const AuditLogPage = z.object({
  items: z.array(AuditEntry),
  next: z.string().nullable(),
  person: AuditNamed.nullable(),
});
export type AuditLogPage = z.infer<typeof AuditLogPage>;
