/**
 * Erasing a person's personal data (UK GDPR article 17), for someone who has left: their
 * school (the data controller) asks once the retention period has passed, or when they ask.
 * Only an account already turned off can be erased, so its places on sessions still to come
 * have been given up by turning it off (lifecycle.ts). Administrators erase anyone; office
 * staff the staff of the organisations they act for, as they turn them off.
 *
 * One transaction: the account keeps its id, so its bookings, attendance and the counts built
 * on them stay right, but its name becomes "Erased person", its email an address that is
 * never delivered to (so the real one can be used for a new account), and every other
 * personal field is emptied; whatever else holds their personal data is deleted or scrubbed
 * (README "Erasing personal data" lists every table and what happens to it), and the audit log
 * records who erased whom and when, by ids only. An erased account can never be turned on or
 * signed in to again, and leaves every list of people.
 */
import { identityOf } from '../../shared/live.js';
import type { User } from '../../shared/accounts.js';
import { raiseFeeds } from '../calendar/feed-revisions.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { recordAudit } from './audit.js';
import * as repo from './erasure-repository.js';
import { formerDetailsOf } from './repository.js';
import { manageable, personView } from './lifecycle.js';

/** The name an erased account shows wherever it still counts (a roster's row, a transcript's speaker). */
export const ERASED_NAME = 'Erased person';
/** The email an erased account keeps: unique (its id), and never delivered to (`.invalid`, RFC 2606). */
export const erasedEmail = (userId: string) => `erased-${userId}@erased.invalid`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Replaces, in text others wrote or the service wrote to others, every occurrence (any case) of
 * the person's emails with the erased address and of their full names (as a whole word, also as
 * JSON and HTML write it) with ERASED_NAME: the current ones and any they had before they were
 * put right (`names`, `emails`). The forms searched for in SQL are `texts`.
 * A name of a single letter or digit is not searched for: as a whole word it is in every other
 * sentence ("a pupil"), and the person's own words and rows are found by their id instead.
 * `scrubJson` scrubs a stored JSON document's string values only, never its keys (a person
 * named "id" or "status" must not rename every answer's fields); text that is not JSON is
 * scrubbed as text.
 */
export function scrubberFor(names: readonly string[], emails: readonly string[], userId: string) {
  const searchable = (name: string) => (name.match(/[\p{L}\p{N}]/gu) ?? []).length >= 2;
  const nameForms = [...new Set(names.filter(searchable).flatMap((name) => [name, JSON.stringify(name).slice(1, -1), escapeHtml(name)].map((s) => s.normalize('NFC'))))].filter((s) => s.trim().length > 0);
  const emailForms = [...new Set(emails.flatMap((email) => [email, JSON.stringify(email).slice(1, -1), escapeHtml(email)]))];
  const patterns: [RegExp, string][] = [
    ...emailForms.map((f): [RegExp, string] => [new RegExp(escapeRegExp(f), 'giu'), erasedEmail(userId)]),
    ...nameForms.map((f): [RegExp, string] => [new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(f)}(?![\\p{L}\\p{N}])`, 'giu'), ERASED_NAME]),
  ];
  const scrub = (text: string): string => patterns.reduce((s, [re, to]) => s.replace(re, to), text.normalize('NFC'));
  const scrubMaybe = (text: string | null): string | null => (text === null ? null : scrub(text));
  const scrubValues = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(scrubValues);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValues(x)]));
    return v;
  };
  const scrubJson = (text: string | null): string | null => {
    if (text === null) return null;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return scrub(text);
    }
    return JSON.stringify(scrubValues(doc));
  };
  return { scrub, scrubMaybe, scrubJson, scrubValues, texts: [...new Set([...emailForms, ...nameForms])] };
}

/** A stored LiveKit webhook without the participant's name, metadata and attributes (what LiveKit was told about them). */
function withoutParticipant(payload: string, scrubValues: (v: unknown) => unknown): string {
  try {
    const body = JSON.parse(payload) as { participant?: Record<string, unknown> };
    if (body.participant && typeof body.participant === 'object') {
      for (const k of ['name', 'metadata', 'attributes']) delete body.participant[k];
    }
    return JSON.stringify(scrubValues(body));
  } catch {
    return '{}';
  }
}

/**
 * Erases `userId`'s personal data (see the file's comment). Refused, changing nothing: an
 * account that is on (`conflict`: turn it off first), already erased (`conflict`), not the
 * actor's to manage (as turning off is: office staff, their own organisations' staff only).
 */
export async function erasePerson(deps: Deps, actor: AuthUser, userId: string): Promise<User> {
  const target = await manageable(deps, actor, userId, 'Office staff can erase the personal data of staff only; ask an administrator.');
  const refuseIfNot = (row: { disabled_at: string | null; erased_at: string | null }) => {
    if (row.erased_at) throw new AppError('conflict', 'This person’s personal data has already been erased.');
    if (!row.disabled_at) throw new AppError('conflict', 'Turn this account off before erasing the person’s personal data: turning it off signs them out and gives up their places on sessions still to come.');
  };
  refuseIfNot(target);
  const now = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    // Read again under the lock: turned on, or erased, since it was read above.
    const row = await repo.lockUser(trx, userId);
    if (!row) throw new AppError('not_found', 'There is no such person.');
    refuseIfNot(row);
    const identity = identityOf(row.id);
    // Their names and addresses before they were put right too, but only in what was written
    // while those were theirs: a value put right was often someone else's (a colleague's address
    // typed by mistake), and what that person was written since is theirs, not this person's.
    const former = await formerDetailsOf(trx, row.id);
    const all = scrubberFor([row.name, ...former.flatMap((f) => (f.name === null ? [] : [f.name]))], [row.email, ...former.flatMap((f) => (f.email === null ? [] : [f.email]))], row.id);
    const texts = all.texts;
    const eras = new Map<number, ReturnType<typeof scrubberFor>>();
    /** The scrubber for something written at `when`: their current name and address, and those replaced then or after. */
    const at = (when: string) => {
      const still = former.filter((f) => f.replaced_at >= when);
      if (still.length === former.length) return all;
      let s = eras.get(still.length);
      if (!s) eras.set(still.length, (s = scrubberFor([row.name, ...still.flatMap((f) => (f.name === null ? [] : [f.name]))], [row.email, ...still.flatMap((f) => (f.email === null ? [] : [f.email]))], row.id)));
      return s;
    };

    // What others wrote, or the service wrote to others, naming them: scrubbed while the ties to them still stand.
    for (const m of await repo.mailNaming(trx, row.id, identity, texts)) {
      const { scrubMaybe, scrubJson } = at(m.created_at);
      await repo.setMailText(trx, m.id, { subject: scrubMaybe(m.subject), text_body: scrubMaybe(m.text_body), html_body: scrubMaybe(m.html_body), attachments: scrubJson(m.attachments), reason: scrubMaybe(m.reason) });
    }
    for (const c of await repo.captionsNaming(trx, row.id, identity, texts)) {
      const { scrub, scrubMaybe } = at(c.created_at);
      await repo.setCaption(trx, { session_id: c.session_id, segment_id: c.segment_id }, { text: scrub(c.text), speaker_name: c.speaker_identity === identity ? ERASED_NAME : scrubMaybe(c.speaker_name) });
    }
    for (const c of await repo.cancelReasonsNaming(trx, row.id, identity, texts)) await repo.setCancelReason(trx, c.id, at(c.cancelled_at ?? now).scrubMaybe(c.cancel_reason));
    // LiveKit's record of them (their identity): every name they had is theirs there.
    for (const e of await repo.liveEventsOf(trx, identity)) await repo.setLiveEventPayload(trx, e.id, withoutParticipant(e.payload, all.scrubValues));
    const [overrides, log] = await repo.overrideNotesOf(trx, row.id);
    for (const o of overrides) await repo.setOverrideNote(trx, 'attendance_overrides', o.id, at(o.changed_at).scrubMaybe(o.note));
    for (const o of log) await repo.setOverrideNote(trx, 'attendance_override_log', o.id, at(o.changed_at).scrubMaybe(o.note));
    for (const k of await repo.idempotencyNaming(trx, texts)) {
      const { scrubJson } = at(k.created_at);
      await repo.setIdempotencyText(trx, { user_id: k.user_id, key: k.key }, { body: scrubJson(k.body), outcome: scrubJson(k.outcome) });
    }

    // What was theirs alone: mail to them (by their id, or to their address; to an address they
    // had before, only mail sent while it was theirs), and the sign-in counters of their address
    // (of one they had before, only while no one else's account holds it now).
    await repo.scrubOwnMail(trx, row.id, row.email, { email: erasedEmail(row.id) });
    for (const f of former) if (f.email !== null) await repo.scrubOwnMail(trx, row.id, f.email, { email: erasedEmail(row.id) }, f.replaced_at);
    await repo.deleteOwnRows(trx, row.id);
    await repo.deleteThrottlesOf(trx, row.email);
    for (const f of former) if (f.email !== null && !(await repo.addressHeldByAnother(trx, f.email, row.id))) await repo.deleteThrottlesOf(trx, f.email);
    await repo.dropFeedbackComments(trx, row.id);
    await repo.withdrawCertificates(trx, row.id, ERASED_NAME, now);
    // Their organisation's feed names them on their bookings: a calendar polling it with the old
    // ETag must be told it changed (raised while the row still says which organisation).
    await raiseFeeds(trx, { userIds: [row.id] }, now);
    if (!(await repo.eraseUserRow(trx, row.id, { name: ERASED_NAME, email: erasedEmail(row.id), erasedAt: now }))) throw new AppError('conflict', 'This person’s personal data has already been erased.');
    await recordAudit(trx, { action: 'erase_personal_data', actorId: actor.id, subjectId: row.id, at: now });
  });
  deps.logger.info('personal data erased', { actorId: actor.id, userId });
  return personView(deps, userId);
}
