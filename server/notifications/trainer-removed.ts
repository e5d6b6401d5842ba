/**
 * The email to someone taken off the trainers of a session by someone else (a co-trainer, an
 * in-house lead, an administrator): which session, who took them off, what that means, and
 * whom to ask if it was a mistake. Co-trainers run a session as equals, so one may take
 * another off, the trainer who published it too; the person taken off hears of it at once
 * rather than finding the session gone from My sessions. Written already rendered, in the
 * transaction that takes them off (DESIGN.md invariant 4), as an account message about the
 * session (outbox.ts enqueueMessage: shown only to those who may see the session; erasing the
 * one who acted scrubs their name from it).
 */
import type { UserRow } from '../../db/schema.js';
import { findUsersByIds, type Q } from '../accounts/repository.js';
import type { Deps } from '../platform/deps.js';
import { actingRole, formatWhen } from './messages.js';
import { enqueueMessage } from './outbox.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Who took them off, as the email names them: "Tom Trainer (trainer)", "Ada Admin (administrator)". */
const byWords = (by: Pick<UserRow, 'name' | 'role'>) => `${by.name} (${actingRole(by.role)})`;

/**
 * The words: `name` the person taken off, `by` who took them off, `title` and `when` the
 * session's, `link` their My sessions page. A text part and an accessible HTML part with the
 * same content, in the shape of the account emails (accounts/emails.ts).
 */
export function trainerRemovedEmail(name: string, by: Pick<UserRow, 'name' | 'role'>, title: string, when: string, link: string) {
  const subject = `You no longer run “${title}”`;
  const paragraphs = [
    `${byWords(by)} took you off the trainers of the session “${title}”, on ${when}.`,
    'It is no longer in your My sessions, and you no longer run its live room or its register. The session itself is unchanged: the people booked on it keep their places.',
    by.role === 'admin'
      ? 'If this is a mistake, contact the service’s administrators, who can add you again.'
      : `If this is a mistake, ask ${by.name} or another of its trainers to add you again (or contact the service’s administrators).`,
  ];
  const text = [`Hello ${name},`, '', paragraphs[0], '', paragraphs[1], '', paragraphs[2], '', 'Your sessions:', link, '', 'SEND Live Training'].join('\n');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff;">
<h1 style="font-size: 22px;">${escapeHtml(subject)}</h1>
<p>Hello ${escapeHtml(name)},</p>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p><a href="${escapeHtml(link)}" style="color: #1d4ed8;">Open My sessions</a></p>
<p>SEND Live Training</p>
</body></html>`;
  return { subject, text, html };
}

/**
 * Tells each of `userIds` (taken off the session's trainers by `by`, in the caller's
 * transaction) by email. Not the one who acted, and not someone whose account is off (they
 * could not open the service to see; they no longer ran it anyway).
 */
export async function tellTrainersRemoved(trx: Q, deps: Deps, by: { id: string; name: string; role: UserRow['role'] }, session: { id: string; title: string; starts_at: string; ends_at: string; time_zone: string }, userIds: readonly string[]) {
  const told = [...new Set(userIds)].filter((id) => id !== by.id);
  if (told.length === 0) return;
  const link = `${deps.config.publicUrl.replace(/\/$/, '')}/trainer/sessions`;
  const when = formatWhen(session.starts_at, session.ends_at, session.time_zone);
  for (const person of await findUsersByIds(trx, told)) {
    if (person.disabled_at) continue;
    await enqueueMessage(trx, deps, { kind: 'trainer_removed', to: person.email, userId: person.id, sessionId: session.id, actedBy: by.id, ...trainerRemovedEmail(person.name, by, session.title, when, link) });
  }
}
