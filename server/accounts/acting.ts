/**
 * Who may act for which organisations as its office: book its staff, see their bookings,
 * holds, attendance, timetables and exports, and manage their accounts. The one rule every
 * office route asks, so a trust's office and a school's office are treated alike everywhere.
 */
import type { Role } from '../../db/schema.js';
import * as repo from './repository.js';

/**
 * The organisations a person acts for. `any` for administrators; otherwise `ids`, which
 * `has` checks (a person with no organisation acts for none).
 */
export interface ActableOrgs {
  readonly any: boolean;
  readonly ids: readonly string[];
  has(orgId: string | null | undefined): boolean;
}

const ANY: ActableOrgs = { any: true, ids: [], has: (orgId) => Boolean(orgId) };
const NONE: ActableOrgs = { any: false, ids: [], has: () => false };

/**
 * Administrators act for every organisation. Office staff act for their own organisation
 * and, when it is a trust or local authority, for every school, college and nursery under
 * it (organisations nest one level: accounts/service.ts `checkParent`). A school's office
 * does not act for its sister schools, nor for its trust. Everyone else acts for none.
 * `db` may be a transaction, so the booking engine asks under its locks.
 */
export async function orgsActableBy(db: repo.Q, user: { role: Role; orgId: string | null }): Promise<ActableOrgs> {
  if (user.role === 'admin') return ANY;
  if (user.role !== 'office' || !user.orgId) return NONE;
  const ids = await repo.orgAndChildren(db, user.orgId);
  const set = new Set(ids);
  return { any: false, ids, has: (orgId) => Boolean(orgId) && set.has(orgId!) };
}

/**
 * The organisations whose staff an office page about `orgId` covers for someone who acts for
 * it (`acting`): the organisation and, for a trust or local authority, the schools under it
 * that they act for too (every one, for its own office and administrators). What "the trust"
 * means to a trust's office: its own staff and its schools', as Training coverage counts them.
 * A school has none under it, so a school's page is its own staff's. Empty when they do not
 * act for `orgId`; its own id first.
 */
export async function orgAndSchoolsFor(db: repo.Q, acting: ActableOrgs, orgId: string): Promise<string[]> {
  if (!acting.has(orgId)) return [];
  return (await repo.orgAndChildren(db, orgId)).filter((id) => acting.has(id));
}
