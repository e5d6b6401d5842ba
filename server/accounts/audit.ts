/**
 * The audit log: the security-relevant actions on accounts, kept on record by ids and codes
 * only (no names, no addresses: an entry outlives the erasure of anyone it names), who did what
 * to whom and when. Each is written in the transaction of the change it records, and only when
 * something changed (a refused or no-op request records nothing):
 *
 * - `erase_personal_data` (erasure.ts); `export_personal_data`, a copy of someone's data
 *   downloaded for them (privacy/service.ts, a subject access request);
 * - `rectify_personal_data`, their name or email put right (lifecycle.ts `updatePerson`: a new
 *   address is also a new way into the account), with which of the two;
 * - `disable_account` / `enable_account`, `grant_captioner` / `revoke_captioner`
 *   (`updatePerson`); `change_placement`, their role or organisation changed (`setPlacement`),
 *   from and to; `send_password_reset`, a reset link sent to them by an administrator
 *   (`sendResetLink`; not the one people ask for themselves);
 * - `add_identity_provider`, `change_identity_provider` (which settings), `remove_identity_provider`
 *   (oidc.ts; subject: the provider); `require_own_sign_in` / `stop_requiring_own_sign_in`, an
 *   organisation's staff held to its own sign-in or let go (service.ts `createOrg`, `updateOrg`;
 *   subject: the organisation): who can sign in where.
 *
 * Administrators read it (`GET /api/audit-log`): names, and where the people named now are
 * (organisation and role), are looked up as it is read, from the rows as they now are; and what a
 * `rectify_personal_data` put right from and to, from the person's former details (`changesMade`).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Role } from '../../shared/accounts.js';
import { encodeAuditCursor, ProviderSetting, type AuditEntry, type RectifyChanged, type AuditLogPage, type AuditLogQuery, type AuditSubjectKind } from '../../shared/audit.js';
import type { AuditAction } from '../../db/schema.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import type { Q } from './repository.js';

/** A role and organisation (by id) before and after a change (`change_placement`). */
const StoredPlacement = z.object({ role: z.object({ from: Role, to: Role }), orgId: z.object({ from: z.string().nullable(), to: z.string().nullable() }) });
/** Which details were put right (`rectify_personal_data`). */
const StoredRectify = z.object({ fields: z.array(z.enum(['name', 'email'])).min(1) });
/** An identity provider added or removed: its label then. */
const StoredProvider = z.object({ label: z.string() });
/** Which of an identity provider's settings were changed (`change_identity_provider`), never their values. */
const StoredProviderChange = z.object({ fields: z.array(ProviderSetting).min(1) });

/** What was done, with the detail its action keeps (ids and codes only). */
export type AuditFact =
  | { action: 'change_placement'; detail: z.infer<typeof StoredPlacement> }
  | { action: 'rectify_personal_data'; detail: z.infer<typeof StoredRectify> }
  | { action: 'add_identity_provider' | 'remove_identity_provider'; detail: z.infer<typeof StoredProvider> }
  | { action: 'change_identity_provider'; detail: z.infer<typeof StoredProviderChange> }
  | { action: Exclude<AuditAction, 'change_placement' | 'rectify_personal_data' | 'add_identity_provider' | 'remove_identity_provider' | 'change_identity_provider'>; detail?: undefined };

/** One entry to record: the fact, who did it, to what (a person unless `subjectKind` says otherwise), and when. */
export type AuditRecord = AuditFact & { actorId: string; subjectId: string; subjectKind?: AuditSubjectKind; at: string };

/** Records one entry, in `db`: the transaction of the change it records (a read's own, for a download). */
export async function recordAudit(db: Q, entry: AuditRecord) {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      action: entry.action,
      actor_id: entry.actorId,
      subject_kind: entry.subjectKind ?? 'person',
      subject_id: entry.subjectId,
      at: entry.at,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    })
    .execute();
}

/**
 * A page of entries, newest first (by `at`, then `id`): those older than `before` when given,
 * and only those `person` did or that were done to them when given; one more than `limit`, so
 * the caller knows whether older ones follow. Each with its actor's and subject's names as the
 * rows now hold them (null: no such row), and the people's roles and organisations' names.
 */
function entriesPage(db: Q, opts: { person?: string; before?: { at: string; id: string }; limit: number }) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_id')
    .leftJoin('users as su', (j) => j.onRef('su.id', '=', 'a.subject_id').on('a.subject_kind', '=', 'person'))
    .leftJoin('organisations as so', (j) => j.onRef('so.id', '=', 'a.subject_id').on('a.subject_kind', '=', 'organisation'))
    .leftJoin('identity_providers as sp', (j) => j.onRef('sp.id', '=', 'a.subject_id').on('a.subject_kind', '=', 'identity_provider'))
    // Where the actor and a person subject now are (their organisation, else their role), to tell people of one name apart.
    .leftJoin('organisations as ao', 'ao.id', 'actor.org_id')
    .leftJoin('organisations as suo', 'suo.id', 'su.org_id')
    .select(['a.id', 'a.at', 'a.action', 'a.actor_id', 'a.subject_kind', 'a.subject_id', 'a.detail', 'actor.name as actor_name', 'actor.role as actor_role', 'ao.name as actor_org_name', 'su.name as person_name', 'su.email as person_email', 'su.role as person_role', 'suo.name as person_org_name', 'so.name as org_name', 'sp.label as provider_label']);
  const person = opts.person;
  if (person !== undefined) q = q.where((eb) => eb.or([eb('a.actor_id', '=', person), eb.and([eb('a.subject_kind', '=', 'person'), eb('a.subject_id', '=', person)])]));
  const before = opts.before;
  if (before) q = q.where((eb) => eb(eb.refTuple('a.at', 'a.id'), '<', eb.tuple(before.at, before.id)));
  return q.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(opts.limit + 1).execute();
}

/** The names of the organisations `ids` names, as they now are (a deleted one is not in the map). */
async function orgNames(db: Q, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** A `rectify_personal_data` entry on a page: whose, when, which fields, and the person's details as they now are. */
interface Rectified {
  id: string;
  subjectId: string;
  at: string;
  fields: ('name' | 'email')[];
  now: { name: string | null; email: string | null };
}

/**
 * What each entry put right, from and to, looked up from the person's former details (never
 * from the log, which holds no names): the row `updatePerson` kept in the same transaction, with
 * `replaced_at` the entry's `at`, holds the old value; the new one is the next later former value
 * of that field, else the value the account now holds. One query for all the page's people. An
 * entry with no such row (the person erased, which deletes them; an entry from before they were
 * kept) gets nothing, and so does one whose row or next value cannot be told apart from another
 * written at the very same instant.
 */
async function changesMade(db: Q, entries: Rectified[]): Promise<Map<string, RectifyChanged>> {
  const out = new Map<string, RectifyChanged>();
  if (entries.length === 0) return out;
  const earliest = entries.reduce((m, e) => (e.at < m ? e.at : m), entries[0]!.at);
  const rows = await db
    .selectFrom('former_details')
    .select(['user_id', 'name', 'email', 'replaced_at'])
    .where('user_id', 'in', [...new Set(entries.map((e) => e.subjectId))])
    .where('replaced_at', '>=', earliest)
    .execute();
  const byPerson = new Map<string, typeof rows>();
  for (const r of rows) byPerson.set(r.user_id, [...(byPerson.get(r.user_id) ?? []), r]);
  for (const e of entries) {
    const theirs = byPerson.get(e.subjectId) ?? [];
    const then = theirs.filter((r) => r.replaced_at === e.at);
    if (then.length !== 1) continue;
    const changed: RectifyChanged = {};
    for (const f of e.fields) {
      const from = then[0]![f];
      if (from === null) continue;
      const laterOnes = theirs.filter((r) => r.replaced_at > e.at && r[f] !== null);
      const next = laterOnes.reduce<string | null>((m, r) => (m === null || r.replaced_at < m ? r.replaced_at : m), null);
      const tos = new Set(next === null ? [e.now[f]] : laterOnes.filter((r) => r.replaced_at === next).map((r) => r[f]));
      const to = tos.size === 1 ? [...tos][0] : null;
      if (to === null || to === undefined) continue;
      changed[f] = { from, to };
    }
    if (changed.name || changed.email) out.set(e.id, changed);
  }
  return out;
}

async function personName(db: Q, id: string): Promise<string | null> {
  return (await db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null;
}

/**
 * Administrators: a page of the audit log (see AuditLogQuery), with names looked up now: an
 * erased person's the placeholder their account holds, a deleted organisation's null.
 */
export async function auditLog(deps: Deps, actor: AuthUser, query: AuditLogQuery): Promise<AuditLogPage> {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can read the audit log.');
  // AuditLogQuery has decoded the cursor (or refused it: 400 at `before`).
  const before = query.before ? { at: query.before[0], id: query.before[1] } : undefined;
  const rows = await entriesPage(deps.db, { person: query.person, before, limit: query.limit });
  const page = rows.slice(0, query.limit);
  const placements = new Map(page.filter((r) => r.action === 'change_placement').map((r) => [r.id, StoredPlacement.parse(JSON.parse(r.detail ?? 'null'))]));
  const names = await orgNames(deps.db, [...new Set([...placements.values()].flatMap((d) => [d.orgId.from, d.orgId.to]).filter((id): id is string => id !== null))]);
  const org = (id: string | null) => (id === null ? null : { id, name: names.get(id) ?? null });
  // Only administrators read the log (above), and they may read every person's record, so what
  // each person's details were put right from and to is theirs to see.
  const rectified = page.flatMap((r): Rectified[] =>
    r.action === 'rectify_personal_data' && r.subject_kind === 'person' && r.detail !== null
      ? [{ id: r.id, subjectId: r.subject_id, at: r.at, fields: StoredRectify.parse(JSON.parse(r.detail)).fields, now: { name: r.person_name ?? null, email: r.person_email ?? null } }]
      : [],
  );
  const changes = await changesMade(deps.db, rectified);
  const items = page.map((r): AuditEntry => {
    const base = {
      id: r.id,
      at: r.at,
      actor: { id: r.actor_id, name: r.actor_name ?? null, orgName: r.actor_org_name ?? null, role: r.actor_role ?? null },
      subject: {
        kind: r.subject_kind,
        id: r.subject_id,
        name: (r.subject_kind === 'person' ? r.person_name : r.subject_kind === 'organisation' ? r.org_name : r.provider_label) ?? null,
        ...(r.subject_kind === 'person' ? { orgName: r.person_org_name ?? null, role: r.person_role ?? null } : {}),
      },
    };
    switch (r.action) {
      case 'change_placement': {
        const d = placements.get(r.id)!;
        return { ...base, action: r.action, detail: { role: d.role, organisation: { from: org(d.orgId.from), to: org(d.orgId.to) } } };
      }
      case 'rectify_personal_data': {
        // Entries from before the fields were kept have none.
        const changed = changes.get(r.id);
        return { ...base, action: r.action, detail: r.detail === null ? null : StoredRectify.parse(JSON.parse(r.detail)), ...(changed ? { changed } : {}) };
      }
      case 'add_identity_provider':
      case 'remove_identity_provider':
        return { ...base, action: r.action, detail: StoredProvider.parse(JSON.parse(r.detail ?? 'null')) };
      case 'change_identity_provider':
        return { ...base, action: r.action, detail: StoredProviderChange.parse(JSON.parse(r.detail ?? 'null')) };
      default:
        return { ...base, action: r.action, detail: null };
    }
  });
  const last = page.at(-1);
  return {
    items,
    next: rows.length > query.limit && last ? encodeAuditCursor({ at: last.at, id: last.id }) : null,
    person: query.person !== undefined ? { id: query.person, name: await personName(deps.db, query.person) } : null,
  };
}
