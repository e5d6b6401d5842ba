/**
 * In-house leads: a member of a school's or trust's staff whom an administrator or the
 * organisation's office lets create and run sessions for that organisation (and, for a trust,
 * its schools), with everything a trainer has for their own sessions and nothing beyond.
 */
import { descendantOrgs, findOrg, findUserById } from '../accounts/repository.js';
import { orgsActableBy } from '../accounts/acting.js';
import { toUser } from '../accounts/service.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import type { AudienceInput } from '../../shared/sessions.js';
import * as repo from './repository.js';
import type { SessionRow } from '../../db/schema.js';
import { runningMayHaveEnded } from '../bookings/events.js';
import { sessionGivenEmail } from '../accounts/emails.js';
import { formatWhen } from '../notifications/messages.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { anyoneRuns, dropTrainersWhoDoNotRun, lockSession, sessionsForOrgWithoutTrainer, sessionsLeftWithoutTrainer } from '../bookings/repository.js';
import type { LeadRemoved } from '../../shared/accounts.js';

/** Admins for any organisation; office staff for those they act for (their own, or their trust's schools). */
/** The organisations `actor` acts for (to ask again without another query), if one is `orgId`. */
async function requireLeadManager(deps: Deps, actor: AuthUser, orgId: string) {
  if (!(await findOrg(deps.db, orgId))) throw new AppError('not_found', 'No such organisation.');
  const acting = await orgsActableBy(deps.db, actor);
  if (acting.has(orgId)) return acting;
  throw new AppError('forbidden', 'Only an administrator or the organisation’s own office can choose its in-house leads.');
}

export async function listLeads(deps: Deps, actor: AuthUser, orgId: string) {
  await requireLeadManager(deps, actor, orgId);
  return (await repo.leadsOfOrg(deps.db, orgId)).map((r) => ({ userId: r.id, name: r.name, email: r.email, orgId: r.org_id, since: r.created_at, accountOff: r.disabled_at !== null }));
}

/**
 * Who may be made a lead for the organisation (its staff and office staff, a trust's schools'
 * too, accounts on, not leading it yet), by name, in one query: at most `limit`, with
 * `hasMore` when more match (narrow them with `text`).
 */
export async function leadCandidates(deps: Deps, actor: AuthUser, orgId: string, opts: { text?: string; limit: number }) {
  await requireLeadManager(deps, actor, orgId);
  const rows = await repo.leadCandidates(deps.db, orgId, opts);
  return { items: rows.slice(0, opts.limit).map((r) => toUser(r, r.org_name)), hasMore: rows.length > opts.limit };
}

/** Makes a member of the organisation's staff (or, for a trust, of one of its schools) a lead for it. */
export async function addLead(deps: Deps, actor: AuthUser, orgId: string, userId: string) {
  const acting = await requireLeadManager(deps, actor, orgId);
  const user = await findUserById(deps.db, userId);
  const noSuchPerson = () => new AppError('not_found', 'No such person.');
  if (!user || user.disabled_at) throw noSuchPerson();
  // Someone outside the organisations an office acts for is answered as someone who does not
  // exist: whether another school's account exists, and its name and role, are not theirs to learn.
  if (actor.role !== 'admin' && !acting.has(user.org_id)) throw noSuchPerson();
  if (!user.org_id || !(await repo.orgChain(deps.db, user.org_id)).includes(orgId)) {
    throw new AppError('validation_failed', `${user.name} is not a member of this organisation's staff.`, { issues: [{ path: 'userId', message: 'is not in this organisation' }] });
  }
  if (user.role !== 'staff' && user.role !== 'office') {
    throw new AppError('validation_failed', `${user.name} is a ${user.role} and can already run sessions.`, { issues: [{ path: 'userId', message: 'is already a trainer or administrator' }] });
  }
  // With their calendar feed's revision (the sessions they are named on and now run join it), all or none.
  await deps.db.transaction().execute((trx) => repo.addLead(trx, { user_id: userId, org_id: orgId, created_by: actor.id, created_at: deps.now().toISOString() }));
}

export async function removeLead(deps: Deps, actor: AuthUser, orgId: string, userId: string): Promise<LeadRemoved> {
  await requireLeadManager(deps, actor, orgId);
  await deps.db.transaction().execute((trx) => repo.removeLead(trx, orgId, userId, deps.now().toISOString()));
  // No longer running the in-house sessions they published: out of their live rooms at once.
  await runningMayHaveEnded(deps, userId);
  // Those with no one else to run them are said, so someone sees to them.
  return { sessionsWithoutTrainer: await sessionsLeftWithoutTrainer(deps.db, userId, deps.now().toISOString()) };
}

/**
 * May `actor` give the in-house session `s` to one of its organisation's leads? The office of
 * the organisation it is for (`isOfficeOf`), while it is still to come. Administrators may
 * too (the API), though their page for it is the session's edit page.
 */
export function mayGiveToLead(deps: Deps, actor: AuthUser, s: Pick<SessionRow, 'audience_org_id' | 'status' | 'ends_at'>): boolean {
  if (!s.audience_org_id || s.status !== 'scheduled' || Date.parse(s.ends_at) <= deps.now().getTime()) return false;
  return isOfficeOf(actor, s.audience_org_id);
}

/**
 * Administrators, and the office of `orgId` itself: a trust's office for the trust's own
 * sessions, a school's for the school's (a school's own in-house session does not exist for
 * its trust's office, DESIGN.md invariant 12; a trust's is not the school's to give).
 */
const isOfficeOf = (actor: AuthUser, orgId: string) => actor.role === 'admin' || (actor.role === 'office' && actor.orgId === orgId);

/**
 * The in-house sessions for `orgId` still to come that no one named on them can run now
 * (their lead removed, moved or turned off), soonest first, for its office to give each to
 * another lead: the first `limit`, and how many in all.
 */
export async function sessionsNeedingLead(deps: Deps, actor: AuthUser, orgId: string, limit: number) {
  if (!isOfficeOf(actor, orgId)) throw new AppError('forbidden', 'Only an administrator or the organisation’s own office sees which of its sessions need a lead.');
  if (!(await findOrg(deps.db, orgId))) throw new AppError('not_found', 'No such organisation.');
  return sessionsForOrgWithoutTrainer(deps.db, orgId, deps.now().toISOString(), limit);
}

/**
 * Gives an in-house session to `userId`, a lead of the organisation it is for, who runs it
 * from then on beside anyone named on it who still runs it; anyone named who no longer does
 * (a lead removed, moved or turned off) is taken off it, so it is handed over, not shared
 * with someone gone. A school whose lead left hands their sessions on without waiting for an
 * administrator. The new lead is told by email. Giving it to someone who already runs it
 * tells no one.
 */
export async function giveToLead(deps: Deps, actor: AuthUser, sessionId: string, userId: string) {
  // Read once, under the session's lock, in the one transaction that names and tells: a
  // cancellation or a change of who it is for made meanwhile is seen; told once, only when
  // newly given it.
  await deps.db.transaction().execute(async (trx) => {
    const s = await lockSession(trx, deps.dbKind, sessionId);
    if (!s) throw new AppError('not_found', 'No such session.');
    const orgId = s.audience_org_id;
    if (!orgId) throw new AppError('forbidden', 'Only in-house sessions are given to their organisation’s leads; an administrator names the trainers of programme sessions.');
    const org = await findOrg(trx, orgId);
    if (!isOfficeOf(actor, orgId)) throw new AppError('forbidden', `Only an administrator or the office of ${org?.name ?? 'the organisation it is for'} can give this session to a lead.`);
    if (!mayGiveToLead(deps, actor, s)) throw new AppError('conflict', 'This session has ended or been cancelled: there is nothing left to run.');
    const notALead = () =>
      new AppError('validation_failed', `Choose one of ${org?.name ?? 'the organisation'}’s in-house leads: only they can run its sessions.`, { issues: [{ path: 'userId', message: 'is not one of its in-house leads' }] });
    // Only someone who leads the organisation now, account on, kept so until this commits:
    // anyone else would be named on it and not run it.
    const person = await repo.leadKept(trx, deps.dbKind, orgId, userId);
    if (!person || person.disabled_at) throw notALead();
    const now = deps.now().toISOString();
    // Those named who no longer run it are taken off first: their calendar feeds are raised
    // with the lead's in one statement (dropTrainersWhoDoNotRun), before the naming raises
    // the lead's again, so this transaction takes those feed rows in one key order.
    await dropTrainersWhoDoNotRun(trx, sessionId, now, [userId]);
    const added = await repo.addTrainer(trx, sessionId, userId, now);
    // The one rule of who runs a session (a lead row left behind by a move grants nothing); the transaction undoes the naming.
    if (!(await anyoneRuns(trx, sessionId, userId))) throw notALead();
    if (added) {
      const link = `${deps.config.publicUrl.replace(/\/$/, '')}/sessions/${s.id}`;
      await enqueueMessage(trx, deps, { kind: 'session_given', to: person.email, userId, sessionId: s.id, ...sessionGivenEmail(person.name, s.title, formatWhen(s.starts_at, s.ends_at, s.time_zone), org?.name ?? 'your organisation', link) });
    }
  });
}

/** The organisations `user` leads in-house training for, with whether each is a trust (has schools). */
export async function leadOrgsOf(deps: Deps, user: Pick<AuthUser, 'id'>) {
  const ids = await repo.leadOrgIds(deps.db, user.id);
  const out = [];
  for (const id of ids) {
    const org = await findOrg(deps.db, id);
    if (!org) continue;
    // A trust's lead may publish for one of its schools (requireLeadMayPublish): the schools are the choices.
    const under = (await descendantOrgs(deps.db, id)).sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || (a.id < b.id ? -1 : 1));
    const nameOf = new Map([[id, org.name], ...under.map((o) => [o.id, o.name] as const)]);
    const parents = new Set(under.map((o) => o.parent_id));
    // Each named with the organisation it sits under; one with its own schools may have a trust-wide session too.
    const schools = under.map((o) => ({ id: o.id, name: o.name, partOf: nameOf.get(o.parent_id ?? '') ?? org.name, trust: parents.has(o.id) }));
    out.push({ id, name: org.name, trust: under.length > 0, schools });
  }
  return out;
}

/** Whether `user` runs sessions: a trainer, an administrator, or an in-house lead. */
export async function runsSessions(deps: Deps, user: AuthUser): Promise<boolean> {
  return user.role === 'trainer' || user.role === 'admin' || (await repo.leadOrgIds(deps.db, user.id)).length > 0;
}

/**
 * What an in-house lead (not a trainer or administrator) may publish: a session for an
 * organisation they lead or one of its schools, or for a trust they lead; never for the
 * whole programme. Who runs it beside them (trainers as co-trainers; they stay on it
 * themselves) is the rule for trainers too: `checkRunners` in service.ts.
 */
export async function requireLeadMayPublish(deps: Deps, actor: AuthUser, audience: AudienceInput | undefined) {
  const leads = await repo.leadOrgIds(deps.db, actor.id);
  if (leads.length === 0) throw new AppError('forbidden', 'Your role does not allow this.');
  if (!audience || audience.kind === 'programme') {
    throw new AppError('forbidden', 'In-house leads publish sessions for their own organisation only: choose it under “Who is it for”.');
  }
  const chain = await repo.orgChain(deps.db, audience.orgId);
  if (!chain.some((id) => leads.includes(id))) throw new AppError('forbidden', 'You lead in-house training for other organisations only.');
}
