/**
 * An account's life after it is created: changing and resetting its password, turning it
 * off and on, and the captioner flag. Every function takes the acting person and checks
 * what they may do here, so the web pages and any later admin area share one rule.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, JobRole, Role, UserRow } from '../../db/schema.js';
import type { PersonChanged } from '../../shared/accounts.js';
import { AppError, isUniqueViolation } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { ACCOUNT_OFF_PLACE_REASON } from '../notifications/messages.js';
import { emailChangedEmail, passwordResetEmail, passwordResetSsoEmail } from './emails.js';
import { hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repository.js';
import { orgsActableBy } from './acting.js';
import { feedRevision, raiseFeeds, raiseRunnerFeeds } from '../calendar/feed-revisions.js';
import { accountDisabled, checkAddressBudget, emailTaken, hashToken, ssoHomesElsewhere, ssoRequired, ssoRequiringOrg, toUser } from './service.js';
import { recordAudit } from './audit.js';
import { countPasswordCheck, hit, rateLimited, signedInFrom } from './throttle.js';
import { lockPlacesOf, releasePlaces } from '../bookings/service.js';
import { placesChanged, runningMayHaveEnded } from '../bookings/events.js';
import { captionerFlagRemoved } from './events.js';
import { orgChain, sessionsLeftWithoutTrainer, sessionVisibility, viewerFor } from '../bookings/repository.js';

/** How long an emailed reset link works. */
export const RESET_LINK_MINUTES = 60;
/** Reset emails per address per hour; more requests are answered the same way but send nothing. */
const RESET_EMAILS_PER_HOUR = 3;

/**
 * Changes the caller's password. The current one is required (and its check is throttled
 * like a sign-in); every other sign-in session of the person ends, this one stays.
 */
export async function changePassword(deps: Deps, actor: { user: AuthUser; sessionId: string }, currentPassword: string, newPassword: string, client: string) {
  // Someone with no password here (added by an office or an import, or signing in with their
  // school account) is told so at once: not "not right", and not counted as a wrong guess
  // against the limit their sign-in links share, which would lock them out.
  const row = await repo.findUserById(deps.db, actor.user.id);
  if (row && (await ssoRequiringOrg(deps.db, row))) {
    throw new AppError('no_password', 'Your organisation signs you in with its own account, so there is no password here to change.');
  }
  if (row && row.password_hash === null) {
    throw new AppError('no_password', 'You have no password here yet: you sign in with a link sent to your email, or your school account. To set one, sign out and choose “Forgot your password?” on the sign-in page.');
  }
  const ticket = await countPasswordCheck(deps, actor.user.email, client);
  if (!row || !(await verifyPassword(currentPassword, row.password_hash))) {
    throw new AppError('wrong_password', 'Your current password is not right.', { issues: [{ path: 'currentPassword', message: 'is not right' }] });
  }
  await ticket.succeeded();
  // The same password again changes nothing a change is for (a password someone else may know
  // stays good), though every other sign-in would end: said, after the current one was right.
  if (newPassword === currentPassword) {
    throw new AppError('validation_failed', 'Your new password is the same as your current one: choose a different one.', { issues: [{ path: 'newPassword', message: 'must be different from your current password' }] });
  }
  const passwordHash = await hashPassword(newPassword, deps.config.passwordCostLog2);
  const now = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await repo.setPasswordHash(trx, row.id, passwordHash);
    await repo.revokeSessionsOfUser(trx, row.id, now, actor.sessionId);
    await repo.voidPasswordResets(trx, row.id, now);
    await repo.voidSignInLinks(trx, row.id, now);
  });
}

/** Counts one reset email to `email` against its cap; the seconds until another may go when the cap is reached, else null. */
const resetEmailCap = (deps: Deps, email: string) => hit(deps, { key: `reset:${email}`, limit: RESET_EMAILS_PER_HOUR, windowMs: 3_600_000 });

/**
 * "Forgot your password?": emails a single-use link that works for an hour, when the
 * address belongs to an account that is not turned off. Someone whose organisation requires
 * its own sign-in (service.ts `ssoRequiredFor`) could not sign in with a password, so they
 * are emailed how to sign in instead: no link, nothing stored. The caller is told the same
 * whatever the address, and nothing is sent beyond a few emails per address per hour.
 */
export async function requestPasswordReset(deps: Deps, email: string, client: string) {
  // Counted per client address as sign-in link requests are (throttle.ts), so one client
  // cannot have reset emails sent to one address after another.
  const { windowMinutes, perClient } = deps.config.signInLimits;
  const wait = await hit(deps, { key: `client:${client}`, limit: perClient, windowMs: windowMinutes * 60_000 });
  if (wait !== null) throw rateLimited(wait, 'requests');
  if ((await resetEmailCap(deps, email)) !== null) return;
  const user = await repo.findUserByEmail(deps.db, email);
  if (!user || user.disabled_at) return;
  const ssoOrg = await ssoRequiringOrg(deps.db, user);
  if (ssoOrg) {
    const signIn = `${deps.config.publicUrl.replace(/\/$/, '')}/signin`;
    await enqueueMessage(deps.db, deps, { kind: 'password_reset_sso', to: user.email, userId: user.id, ...passwordResetSsoEmail(user.name, ssoOrg.name, signIn) });
    return;
  }
  await emailResetLink(deps, user);
}

/** Writes a new reset link for `user` and its email, in one transaction; sent by `sentBy` (not asked for by the person), it is recorded in the audit log. */
async function emailResetLink(deps: Deps, user: UserRow, sentBy?: AuthUser) {
  const token = randomBytes(32).toString('base64url');
  const now = deps.now();
  const link = `${deps.config.publicUrl.replace(/\/$/, '')}/reset-password#token=${token}`;
  await deps.db.transaction().execute(async (trx) => {
    await repo.insertPasswordReset(trx, {
      id: randomUUID(),
      token_hash: hashToken(token),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000).toISOString(),
      used_at: null,
    });
    await enqueueMessage(trx, deps, { kind: 'password_reset', to: user.email, userId: user.id, ...passwordResetEmail(user.name, link, RESET_LINK_MINUTES, { sentByAdministrator: sentBy !== undefined, hasPassword: user.password_hash !== null }) });
    if (sentBy) await recordAudit(trx, { action: 'send_password_reset', actorId: sentBy.id, subjectId: user.id, at: now.toISOString() });
  });
}

/**
 * Sets a new password from an emailed link. The link works once and for an hour; every
 * sign-in session of the person ends (whoever had the old password is out), and the sign-in
 * counters of the account start again. Attempts are counted per client address like
 * sign-ins, and the link is checked before the (deliberately slow) new password hash is
 * made, so made-up links cost no hashing.
 */
export async function resetPassword(deps: Deps, token: string, newPassword: string, client: string) {
  const { windowMinutes, perClient } = deps.config.signInLimits;
  const wait = await hit(deps, { key: `reset-complete:${client}`, limit: perClient, windowMs: windowMinutes * 60_000 });
  if (wait !== null) throw rateLimited(wait, 'attempts to reset a password');
  const tokenHash = hashToken(token);
  if (!(await repo.passwordResetUsable(deps.db, tokenHash, deps.now().toISOString()))) throw invalidResetLink();
  const passwordHash = await hashPassword(newPassword, deps.config.passwordCostLog2);
  const now = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    // Checked again as it is used: the link may have been used or voided while the hash was made.
    const userId = await repo.consumePasswordReset(trx, tokenHash, now);
    const user = userId ? await repo.findUserById(trx, userId) : undefined;
    if (!user) throw invalidResetLink();
    if (user.disabled_at) throw accountDisabled();
    // Sent before their organisation required its own sign-in (or before they moved into one
    // that does): a password would not let them in, so the link is refused, as a sign-in link is.
    if (await ssoRequiringOrg(trx, user)) throw ssoRequired();
    await repo.setPasswordHash(trx, user.id, passwordHash);
    await repo.revokeSessionsOfUser(trx, user.id, now);
    await repo.voidPasswordResets(trx, user.id, now);
    await repo.voidSignInLinks(trx, user.id, now);
    await repo.clearThrottlesOfAccount(trx, user.email);
  });
  // A reset that worked: its request and its use count no more against the address.
  await repo.refundThrottle(deps.db, [`reset-complete:${client}`]);
  await signedInFrom(deps, client, 1);
}

const invalidResetLink = () => new AppError('invalid_reset_link', 'This link to reset your password has expired or has already been used. Ask for a new link.');

/**
 * The person `actor` may manage: admins anyone but themselves; office staff the staff of
 * the organisations they act for (accounts/acting.ts). Anyone else is "not found" to office
 * staff, so other organisations' people stay unseen.
 */
export async function manageable(deps: Deps, actor: AuthUser, userId: string, staffOnly = 'Office staff can turn off staff accounts only; ask an administrator.'): Promise<UserRow> {
  const target = await repo.findUserById(deps.db, userId);
  if (actor.role === 'admin') {
    if (!target) throw new AppError('not_found', 'There is no such person.');
    return target;
  }
  if (actor.role === 'office') {
    if (!target || !(await orgsActableBy(deps.db, actor)).has(target.org_id)) throw new AppError('not_found', 'There is no such person in your organisation.');
    if (target.role !== 'staff') throw new AppError('forbidden', staffOnly);
    return target;
  }
  throw new AppError('forbidden', 'Your role does not allow this.');
}

/**
 * Changes what `patch` names of a person (administrators; office staff for their own staff,
 * all but the captioner flag) and answers with the person as they now are. A part the actor
 * may not change is refused before any part is changed, and the parts are changed in one
 * transaction: all of them or, if any fails, none.
 *
 * - `disabled`: turning an account off ends every sign-in session of the person at once and
 *   voids their reset and sign-in links; they are told why when they sign in. Their places on
 *   sessions still to come are given up (told by email), so the seats go to people waiting
 *   instead of standing empty; turning the account on again does not bring them back.
 * - `captioner` (administrators only): whether they may type live captions. Removing it ends
 *   every assignment of theirs to caption a session, past ones too: an assignment has no
 *   power without the flag, and kept it would come back with the flag months later (a
 *   trainer assigns them again if wanted). A live room they are in shows them as what they
 *   now are at once (live/service.ts, through accounts/events.ts).
 * - `jobRole`: what they do at work (null: not stated).
 * - `name`, `email`: put right (a misspelt name, printed on every certificate; a school's new
 *   email domain), keeping the account and everything it holds. The same name, or the same
 *   address in other letters, is no change. A new address voids every reset and sign-in link
 *   sent to the old one (whoever reads the old mailbox may no longer get in by it), and the
 *   messages still waiting for the old address go to the new one (links are dropped: they no
 *   longer work); sign-in by password, emailed link and identity provider then finds them by
 *   the new address (an identity provider's link is by its own identifier for them: it holds).
 *   An address taken by another account is `email_taken` (409), as when adding a person; an
 *   office's each count against its hourly address checks, and may not be one whose domain an
 *   identity provider maps only to another organisation, as when it adds someone. Either
 *   change raises their calendar feeds, whose events name them (their own and their
 *   organisation's), and is kept in the audit log by ids (audit.ts). Certificates need
 *   nothing: one printing the old name is replaced when next downloaded, and the public check
 *   answers withdrawn for it (certificates/service.ts).
 *
 * Turning an account off answers, too, which sessions still to come it leaves with no one able
 * to run them (`sessionsWithoutTrainer`), so the administrator can give each another trainer.
 */
export async function updatePerson(deps: Deps, actor: AuthUser, userId: string, patch: { disabled?: boolean; captioner?: boolean; jobRole?: JobRole | null; name?: string; email?: string }): Promise<PersonChanged> {
  if (patch.captioner !== undefined && actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can make someone a captioner.');
  // Said of what was asked: an office changing an office colleague's job role is not turning anyone off.
  const what = patch.disabled !== undefined ? (patch.disabled ? 'turn off' : 'turn on') : 'change';
  const target = await manageable(deps, actor, userId, `Office staff can ${what} staff accounts only; ask an administrator.`);
  if (target.erased_at) throw erasedAccount();
  if (patch.disabled && target.id === actor.id) throw new AppError('forbidden', 'You cannot turn off your own account.');
  const details = await detailsChange(deps, actor, target, patch);
  const now = deps.now().toISOString();
  const { given, ended } = await deps.db
    .transaction()
    .execute(async (trx) => {
      // Their sessions' locks, then their user row, in the order a booking batch takes them
      // (lockPlacesOf), before anything of theirs is written; else their row alone, which the
      // first change would lock anyway. What they were is read under it, so the audit log
      // records only what this request changes (one made meanwhile by someone else is theirs).
      if (patch.disabled) await lockPlacesOf(trx, deps, target.id);
      const before = patch.disabled ? await repo.findUserById(trx, target.id) : await repo.lockUserRow(trx, target.id);
      if (!before || before.erased_at) throw erasedAccount();
      if (details) {
        // Never an erased account, even one erased since it was read above.
        if (!(await repo.setUserNameAndEmail(trx, target.id, details))) throw erasedAccount();
        if (details.email !== undefined) {
          await repo.voidPasswordResets(trx, target.id, now);
          await repo.voidSignInLinks(trx, target.id, now);
          await repo.readdressWaitingMail(trx, target.id, target.email, details.email);
          // The old address is told, after the waiting mail has moved: whoever gave the account
          // an address may hold it (an office could then sign in as them; someone in another's
          // signed-in session could keep the account). It names who, so erasing them scrubs it.
          const by = actor.id === target.id ? 'you (signed in as yourself)' : actor.role === 'admin' ? `an administrator (${actor.name})` : `${actor.name} from your ${actor.orgId !== null && actor.orgId === target.org_id ? 'school' : 'trust'}’s office`;
          await enqueueMessage(trx, deps, { kind: 'email_changed', to: target.email, userId: target.id, actedBy: actor.id, ...emailChangedEmail(target.name, details.email, by, deps.config.publicUrl) });
        }
        // Their own feed and their organisation's name them in their events (and address them as the attendee).
        await raiseFeeds(trx, { userIds: [target.id] }, now);
        // Which of the two changed, never what to: the log holds no personal data.
        const fields = (['name', 'email'] as const).filter((f) => details[f] !== undefined && details[f] !== (f === 'email' ? before.email.toLowerCase() : before.name));
        if (fields.length) await recordAudit(trx, { action: 'rectify_personal_data', detail: { fields }, actorId: actor.id, subjectId: target.id, at: now });
        // What they were called and written to until now: erasing them later must find those too
        // in mail and notes written before (erasure.ts), and "My data" shows them.
        if (fields.length) await repo.keepFormerDetails(trx, { id: randomUUID(), user_id: target.id, name: fields.includes('name') ? before.name : null, email: fields.includes('email') ? before.email : null, replaced_at: now });
      }
      return accountChanges(trx, deps, actor, before, patch, now);
    })
    .catch((e: unknown) => {
      // Taken by another account since it was checked (detailsChange): nothing was changed.
      throw details?.email !== undefined && isUniqueViolation(e) ? emailTaken() : e;
    });
  // A live room they are in lets them go, or shows them as they now are, at once (bookings/events.ts, accounts/events.ts).
  await placesChanged(deps, given);
  if (patch.disabled) await runningMayHaveEnded(deps, target.id);
  if (ended.length) await captionerFlagRemoved(deps, { userId: target.id, sessionIds: ended });
  const sessionsWithoutTrainer = patch.disabled ? await sessionsLeftWithoutTrainer(deps.db, target.id, now) : [];
  return { ...(await personView(deps, userId)), placesGivenUp: given.length, sessionsWithoutTrainer };
}

/**
 * What of `patch`'s name and email is a change of `target` (undefined when neither is),
 * checked before anything is written: an address taken by another account (409); for an
 * office, counted against its hourly address checks, and not one whose domain an identity
 * provider maps only to another organisation (service.ts `createUser` holds it to the same).
 */
async function detailsChange(deps: Deps, actor: AuthUser, target: UserRow, patch: { name?: string; email?: string }): Promise<{ name?: string; email?: string } | undefined> {
  const name = patch.name !== undefined && patch.name !== target.name ? patch.name : undefined;
  // Email (shared/accounts.ts) gives it in lower case, as every address is stored.
  const email = patch.email !== undefined && patch.email !== target.email.toLowerCase() ? patch.email : undefined;
  if (email !== undefined) {
    // A captioner's account reaches live rooms its office could not: only an administrator
    // gives it a new address (whoever holds that address can sign in as them).
    if (actor.role !== 'admin' && target.captioner) {
      const message = 'This person is a captioner, so only an administrator can change their email address: ask one. Nothing was changed.';
      throw new AppError('forbidden', message, { issues: [{ path: 'email', message: 'can be changed only by an administrator, as this person is a captioner' }] });
    }
    await checkAddressBudget(deps, actor, 1, 'Nothing was changed.');
    const home = actor.role !== 'admin' && target.org_id ? (await ssoHomesElsewhere(deps, [email], target.org_id)).get(email) : undefined;
    if (home) {
      const message = `This email belongs to ${home}’s sign-in, so only ${home}’s office or an administrator can give an account this address.`;
      throw new AppError('validation_failed', message, { issues: [{ path: 'email', message }] });
    }
    const other = await repo.findUserByEmail(deps.db, email);
    if (other && other.id !== target.id) throw emailTaken();
  }
  if (name === undefined && email === undefined) return undefined;
  return { ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}) };
}

/**
 * The account changes of `updatePerson` (turned off or on, captioner flag, job role), in its
 * transaction, after their name and email; `target` is the person as read under its locks.
 * Turning off or on and the captioner flag are recorded in the audit log when they change it.
 */
async function accountChanges(trx: Transaction<Database>, deps: Deps, actor: AuthUser, target: UserRow, patch: { disabled?: boolean; captioner?: boolean; jobRole?: JobRole | null }, now: string) {
  const audit = (action: 'disable_account' | 'enable_account' | 'grant_captioner' | 'revoke_captioner') => recordAudit(trx, { action, actorId: actor.id, subjectId: target.id, at: now });
  let given: Awaited<ReturnType<typeof releasePlaces>> = [];
  if (patch.disabled !== undefined) {
    // Whether they are off is as read under their locks (taken by updatePerson), not as read
    // before: turned on meanwhile (and booked since), turning them off gives those places up.
    const offSince = target.disabled_at;
    // Never an erased account, even one erased since it was read above.
    if (!(await repo.setUserDisabled(trx, target.id, patch.disabled ? (offSince ?? now) : null))) throw erasedAccount();
    if (patch.disabled && !offSince) await audit('disable_account');
    if (!patch.disabled && offSince) await audit('enable_account');
    if (patch.disabled) {
      await repo.revokeSessionsOfUser(trx, target.id, now);
      await repo.voidPasswordResets(trx, target.id, now);
      await repo.voidSignInLinks(trx, target.id, now);
      if (!offSince) given = await releasePlaces(trx, deps, target.id, ACCOUNT_OFF_PLACE_REASON);
    }
    // Their own calendar feed: it holds the sessions they run, which someone whose account
    // is off does not (bookings/repository.ts, `runs`), and is served again once it is on.
    // Raised both ways, last (after the feed rows releasing their places took), so a
    // calendar that polled it before is sent what it holds now: a change made meanwhile
    // on the strength of their not running a session (taken off it) is never answered
    // with a 304.
    await raiseRunnerFeeds(trx, { userIds: [target.id] }, now);
  }
  let ended: string[] = [];
  if (patch.captioner !== undefined) {
    await repo.setUserCaptioner(trx, target.id, patch.captioner);
    if (!patch.captioner) ended = await repo.endCaptionerAssignments(trx, target.id);
    if (patch.captioner !== Boolean(target.captioner)) await audit(patch.captioner ? 'grant_captioner' : 'revoke_captioner');
  }
  if (patch.jobRole !== undefined) await repo.setUserJobRole(trx, target.id, patch.jobRole);
  return { given, ended };
}

/**
 * Someone states their own job role (My account), as their school office can for them: staff
 * and office staff only, whose job roles training coverage counts (reach/). An account turned
 * off or erased is not signed in, so never gets here.
 */
export async function setOwnJobRole(deps: Deps, actor: AuthUser, jobRole: JobRole | null) {
  if (actor.role !== 'staff' && actor.role !== 'office') throw new AppError('forbidden', 'Job roles are stated for staff and school office staff only.');
  await repo.setUserJobRole(deps.db, actor.id, jobRole);
}

/** An erased account is kept only so that counts stay right: it is never changed again (turned on, moved, given a job role or flag). */
const erasedAccount = () => new AppError('conflict', 'This person’s personal data has been erased: the account cannot be turned on or changed again. Add a new account if they come back.');

/**
 * An administrator changes someone's role or moves them to another organisation; a change of
 * either is recorded in the audit log (from and to), the same role and organisation again is not.
 */
export async function setPlacement(deps: Deps, actor: AuthUser, userId: string, role: Role, orgId: string | null): Promise<PersonChanged> {
  const row = await repo.findUserById(deps.db, userId);
  if (!row) throw new AppError('not_found', 'There is no such person.');
  if (row.erased_at) throw erasedAccount();
  // As turning off one's own account is refused: an administrator demoting themselves could leave the service with none.
  if (userId === actor.id && role !== 'admin') throw new AppError('forbidden', 'You cannot take away your own administrator role: ask another administrator.');
  if ((role === 'staff' || role === 'office') && !orgId) throw new AppError('validation_failed', 'Staff and office staff belong to an organisation.', { issues: [{ path: 'orgId', message: 'is required for staff and office staff' }] });
  if (orgId && !(await repo.findOrg(deps.db, orgId))) throw new AppError('validation_failed', 'That organisation was not found.', { issues: [{ path: 'orgId', message: 'not found' }] });
  const given = await deps.db.transaction().execute(async (trx) => {
    // Locks in a booking batch's order: the sessions of their places, their user row, then
    // (below) their calendar feeds; else the two can deadlock (lockPlacesOf).
    await lockPlacesOf(trx, deps, userId);
    // What they were, read under the lock: another administrator may have moved them meanwhile.
    const was = await repo.findUserById(trx, userId);
    if (!was || was.erased_at) throw erasedAccount();
    // Their bookings leave the old organisation's calendar feed and join the new one's.
    const now = deps.now().toISOString();
    // Their cancellations still leaving feeds now leave the new organisation's too.
    const { lastCancelledAt } = await feedRevision(trx, 'user', userId);
    await raiseFeeds(trx, { userIds: [userId] }, now);
    // As they were under the lock (another administrator may have moved them meanwhile).
    const heldBefore = await ssoRequiringOrg(trx, was);
    await repo.setUserPlacement(trx, userId, role, orgId);
    if (was.role !== role || was.org_id !== orgId) {
      await recordAudit(trx, { action: 'change_placement', detail: { role: { from: was.role, to: role }, orgId: { from: was.org_id, to: orgId } }, actorId: actor.id, subjectId: userId, at: now });
    }
    await raiseFeeds(trx, { userIds: [userId] }, now, lastCancelledAt);
    // Now held to an organisation's own sign-in (staff or office staff moved into it, or made
    // staff there): their sign-in sessions end, as when it turns the requirement on (updateOrg),
    // so a password sign-in does not carry on for the two weeks a session lasts.
    const heldNow = await ssoRequiringOrg(trx, { role, org_id: orgId });
    if (heldNow && heldNow.id !== heldBefore?.id) await repo.revokeSessionsOfUser(trx, userId, now);
    // They lead in-house training only for organisations they are in: their new school or its trust, and none unless staff or office staff.
    await repo.dropLeadsOutside(trx, userId, (role === 'staff' || role === 'office') && orgId ? await orgChain(trx, orgId) : []);
    // No longer running sessions, they leave every course's list of who may: a course left
    // naming only them would be closed to every trainer, and the list could not be saved.
    if (role === 'staff' || role === 'office') await repo.dropCourseListings(trx, userId);
    // An in-house session not for their new organisation no longer exists for them
    // (DESIGN.md invariant 12): their places on such sessions are given up.
    const viewer = await viewerFor(trx, { id: userId, role, orgId });
    return releasePlaces(trx, deps, userId, 'You have moved to another organisation, and this session is only for the staff of the one you were in.', async (s) => (await sessionVisibility(trx, s.id, viewer)) !== 'visible');
  });
  await placesChanged(deps, given);
  await runningMayHaveEnded(deps, userId);
  return { ...(await personView(deps, userId)), placesGivenUp: given.length, sessionsWithoutTrainer: await sessionsLeftWithoutTrainer(deps.db, userId, deps.now().toISOString()) };
}

/**
 * An administrator (`actor`) sends someone a password reset link (as if they had asked for
 * one), recorded in the audit log with it. Not to an account that is turned off, nor to
 * someone whose organisation requires its own sign-in (a password would not let them in):
 * both `conflict`, nothing sent.
 */
export async function sendResetLink(deps: Deps, actor: AuthUser, userId: string) {
  const row = await repo.findUserById(deps.db, userId);
  if (!row) throw new AppError('not_found', 'There is no such person.');
  if (row.disabled_at) throw new AppError('conflict', 'This account is turned off: turn it on before sending a reset link.');
  const ssoOrg = await ssoRequiringOrg(deps.db, row);
  if (ssoOrg) throw new AppError('conflict', `${ssoOrg.name} requires its staff to use its own sign-in, so a password would not let this person in: no reset link was sent. They sign in with their school account.`);
  // The same cap as "Forgot your password?", but an administrator is told when it holds the
  // email back rather than told it is on its way.
  const wait = await resetEmailCap(deps, row.email);
  if (wait !== null) throw rateLimited(wait, `password reset emails to this person (at most ${RESET_EMAILS_PER_HOUR} an hour)`);
  await emailResetLink(deps, row, actor);
}

/** A person as shown to those who manage them. */
export async function personView(deps: Deps, userId: string) {
  const row = await repo.findUserById(deps.db, userId);
  if (!row) throw new AppError('not_found', 'There is no such person.');
  const org = row.org_id ? await repo.findOrg(deps.db, row.org_id) : undefined;
  return toUser(row, org?.name ?? null);
}

/** Administrators: everyone whose name or email contains `text` (and who has `role`, in `orgId`), a page at a time. */
export async function searchPeople(deps: Deps, actor: AuthUser, opts: { text?: string; role?: Role; orgId?: string; limit: number; offset: number }) {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can search everyone.');
  const [rows, total] = await Promise.all([repo.searchUsers(deps.db, opts), repo.countUsers(deps.db, opts)]);
  return { items: rows.slice(0, opts.limit).map((r) => toUser(r, r.org_name ?? null)), hasMore: rows.length > opts.limit, total };
}
