/**
 * Delivers the outbox. Rows are claimed with a short lease (FOR UPDATE SKIP LOCKED on
 * PostgreSQL, the single writer on SQLite), so several processes never send the same
 * message at once, and a process that dies mid-send leaves its rows to be retried by
 * another once the lease runs out. Failures back off exponentially, without limit on
 * attempts: nothing is dropped while the mail server is down. A reminder, offer-expiry
 * warning or feedback request that no longer applies by the time it can go (the session was
 * cancelled or moved, the place given up, the offer taken) is kept but never sent, as is a
 * notice of a place that went when the person's account was turned off (TELLS_OF_A_PLACE).
 */
import { ACCOUNT_OFF_PLACE_REASON, DETAILS_CHANGED, isDetailsOnly, LATER_CHANGE_TOLD } from './messages.js';
import { sql, type Kysely, type Transaction } from 'kysely';
import nodemailer from 'nodemailer';
import { FALLBACK_MAIL_DOMAIN, mailDomain, type Config, type Deps } from '../platform/deps.js';
import { renderNoticesToSend, withoutSecretLink, type RenderedMessage } from './outbox.js';
import { rowsJson } from '../../db/prepared.js';
import { writeTransaction } from '../platform/transactions.js';
import type { Database, OutboxRow } from '../../db/schema.js';

export interface Mailer {
  send(row: OutboxRow, message: RenderedMessage): Promise<void>;
}

/** Seconds to wait after the n-th failure: 15 s doubling to at most 30 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 60, 15 * 2 ** Math.max(0, attempts - 1));
}

/** How long one send may take by default: well within the two-minute lease of the row it sends. */
export const SEND_LIMIT_MS = 60_000;

/**
 * Sends by SMTP; `domain` (see `mailDomain`) ends every Message-ID. One send, from connecting
 * to the server's last answer, is given up after `sendLimitMs`, its connection closed: the
 * timeouts of each step bound only a server that falls silent, not one that keeps the
 * connection busy without finishing (a tarpit, continuation lines one after another), and a
 * send still going when its row's lease runs out could be made again by another process.
 */
export function smtpMailer(smtpUrl: string, from: string, domain = FALLBACK_MAIL_DOMAIN, sendLimitMs = SEND_LIMIT_MS): Mailer {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as object);
  return {
    async send(row, message) {
      const parts = message.parts;
      await transport.sendMail({
        signal: AbortSignal.timeout(sendLimitMs),
        from,
        to: row.to_email,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${row.id}@${domain}>`,
        ...(parts.ical ? { icalEvent: { method: parts.ical.method, content: parts.ical.content, filename: 'invite.ics' } } : {}),
      });
    },
  };
}

/**
 * The mailer the configuration asks for: SMTP with Message-IDs in PUBLIC_URL's mail domain,
 * each send bounded to half the lease of the row it sends (renewed just before it), or none
 * (local outbox).
 */
export function configuredMailer(config: Config): Mailer | null {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom, mailDomain(config.publicUrl), Math.min(SEND_LIMIT_MS, Math.floor(config.mailLeaseMs / 2))) : null;
}

type Q = Kysely<Database> | Transaction<Database>;

/** Notices that only make sense while the booking and session are as they were when written. */
const TIME_BOUND = new Set(['reminder_24h', 'reminder_1h', 'offer_expiring', 'feedback_request']);

/**
 * Notices not sent to someone whose account has been turned off since they were written (they
 * have left): a trainer's message and the time-bound ones. Notices of a place given up (the
 * turning off itself tells the person so) still go.
 */
const NOT_TO_TURNED_OFF = new Set(['trainer_message', ...TIME_BOUND]);

/**
 * Notices that tell of a place, an offer or a queue place as the booking was when they were
 * written: booked, on the waiting list, a place come up or offered, a seat moved, the session
 * of the place changed. Turning an account off gives up its places on sessions not yet over
 * (bookings/service.ts releasePlaces), each with a cancellation notice; one of these written
 * before then and still waiting would promise a place the person no longer has ("It is held for
 * you until 10:00"), so it is not sent: the cancellation that follows it says what is true.
 * Known by that cancellation's reason (ACCOUNT_OFF_PLACE_REASON), not by the account as it is
 * now: turned on again, the person still has no place (places are not given back), and a
 * place they gave up themselves before being turned off keeps its notices, as any other.
 * Sent as before when the place was kept (a session already over when the account was turned off).
 */
const TELLS_OF_A_PLACE = new Set(['confirmed', 'waitlisted', 'offered', 'promoted', 'seat_changed', 'session_changed']);

/** Why a notice of a place (TELLS_OF_A_PLACE) is not sent once its place is given up with the account turned off. */
export const PLACE_GIVEN_UP = 'this place was given up when the account was turned off: the cancellation notice tells them so';

/**
 * Of these bookings, those whose place was given up when the account was turned off (a
 * cancellation notice of theirs gives that reason): their notices of a place
 * (TELLS_OF_A_PLACE) no longer apply. One query, however many.
 */
async function placesGivenUp(db: Q, bookingIds: readonly string[]): Promise<Set<string>> {
  if (bookingIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('outbox')
    .select('booking_id')
    .distinct()
    .where('booking_id', 'in', [...new Set(bookingIds)])
    .where('kind', 'in', ['cancelled', 'left_waitlist'])
    .where('reason', '=', ACCOUNT_OFF_PLACE_REASON)
    .execute();
  return new Set(rows.map((r) => r.booking_id!));
}

/** The bookings of those of `rows` that tell of a place (TELLS_OF_A_PLACE). */
const placeBookingsOf = (rows: readonly OutboxRow[]) => rows.flatMap((r) => (TELLS_OF_A_PLACE.has(r.kind) && r.booking_id ? [r.booking_id] : []));

/** The instant a reminder or expiry warning was written for: the end of its dedupe key `${kind}:${bookingId}:${instant}`. */
function keyedInstant(row: Pick<OutboxRow, 'kind' | 'booking_id' | 'dedupe_key'>): string | null {
  const prefix = `${row.kind}:${row.booking_id}:`;
  return row.dedupe_key?.startsWith(prefix) ? row.dedupe_key.slice(prefix.length) : null;
}

const sameInstant = (a: string | null, b: string | null) => a !== null && b !== null && Date.parse(a) === Date.parse(b);

/**
 * Why a time-bound notice (a reminder, an offer-expiry warning, a feedback request), or a
 * trainer's message to someone whose account has since been turned off, whose place has since
 * gone or whose session was called off, or a notice of a place given up with the account
 * turned off (TELLS_OF_A_PLACE), no longer applies,
 * read from the booking, session and person as they are now; null when it still does, and
 * for every other kind of notice. A notice held back by a mail-server outage must
 * not tell someone of a session that was cancelled or moved, a place they gave up, or an
 * offer they have already accepted. `placesGone`: the bookings placesGivenUp found, read
 * for a whole pass at once just before (filing); without it, this row's booking is read now.
 */
export async function whyNoLongerApplies(db: Q, row: Pick<OutboxRow, 'id' | 'kind' | 'booking_id' | 'dedupe_key'> & { reason?: string | null }, now: Date, filing = false, placesGone?: ReadonlySet<string>): Promise<string | null> {
  // Several changes of a session made before the first was told (a venue put right twice in a
  // minute) are told once: only the newest goes, saying the session as it now is and, from
  // what the first kept, as it was when the person was last told (outbox.ts, lastToldOf).
  if (row.kind === 'session_changed' && row.booking_id && (await laterChangeNotice(db, row.id, row.booking_id, filing, isDetailsOnly(row.reason)))) return LATER_CHANGE_TOLD;
  if (TELLS_OF_A_PLACE.has(row.kind) && row.booking_id) {
    const gone = placesGone ?? (await placesGivenUp(db, [row.booking_id]));
    return gone.has(row.booking_id) ? PLACE_GIVEN_UP : null;
  }
  if (!(TIME_BOUND.has(row.kind) || NOT_TO_TURNED_OFF.has(row.kind)) || !row.booking_id) return null;
  const found = await db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['b.status', 'b.offer_expires_at', 's.status as session_status', 's.starts_at', 's.ends_at', 'u.disabled_at'])
    .where('b.id', '=', row.booking_id)
    .executeTakeFirst();
  if (!found) return null; // delivery reports a booking that is gone
  if (found.disabled_at !== null && NOT_TO_TURNED_OFF.has(row.kind)) return 'the account has been turned off';
  // A trainer's message is to the people on the session: not to someone who has since given
  // up their place, nor once the session itself is off (the cancellation said so).
  if (row.kind === 'trainer_message') {
    if (found.session_status === 'cancelled') return 'the session was cancelled';
    if (found.status === 'cancelled') return 'the place was given up';
    return null;
  }
  if (!TIME_BOUND.has(row.kind)) return null;
  if (found.session_status === 'cancelled') return 'the session was cancelled';
  if (row.kind === 'reminder_24h' || row.kind === 'reminder_1h') {
    if (found.status !== 'confirmed') return `the booking is no longer confirmed (it is ${found.status})`;
    const written = keyedInstant(row);
    if (written !== null && !sameInstant(written, found.starts_at)) return 'the session has moved to another time';
    // "Starting within the hour" or "Today", held back by an outage past the start, would be wrong.
    if (Date.parse(found.starts_at) <= now.getTime()) return Date.parse(found.ends_at) <= now.getTime() ? 'the session has ended' : 'the session has started';
    return null;
  }
  if (row.kind === 'offer_expiring') {
    if (found.status !== 'offered') return `the offer is no longer open (the booking is ${found.status})`;
    const written = keyedInstant(row);
    if (written !== null && !sameInstant(written, found.offer_expires_at)) return 'the offer was replaced by another';
    if (found.offer_expires_at !== null && Date.parse(found.offer_expires_at) <= now.getTime()) return 'the offer has expired';
    return null;
  }
  // feedback_request
  if (found.status !== 'attended') return `the booking is no longer marked attended (it is ${found.status})`;
  return null;
}

/**
 * Whether a newer "session changed" notice of this booking is still to be sent; when `filing`
 * (no mailer: notices are kept in the local outbox), also one already filed there. A filed
 * one is never emailed, so a process that sends does not count it.
 */
async function laterChangeNotice(db: Q, id: string, bookingId: string, filing: boolean, detailsOnly: boolean): Promise<boolean> {
  let q = db.selectFrom('outbox').select('id').where('booking_id', '=', bookingId).where('kind', '=', 'session_changed').where('status', 'in', filing ? ['pending', 'local'] : ['pending']).where('id', '>', id);
  // A new time or place is told even when a new title follows it: that message says only the words changed.
  if (!detailsOnly) q = q.where((eb) => eb.or([eb('reason', 'is', null), eb.and([eb('reason', '<>', DETAILS_CHANGED), eb('reason', 'not like', `${DETAILS_CHANGED} %`)])]));
  const later = await q.limit(1).executeTakeFirst();
  return later !== undefined;
}

/**
 * Files a notice that no longer applies as never to be sent: it stays in the outbox as
 * `dropped`, out of the delivery queue, with the reason in its last error for an
 * administrator to read (the Mail page says "Not sent: it no longer applied").
 */
async function dropNotice(deps: Deps, row: OutboxRow, why: string, claimed: boolean): Promise<void> {
  await deps.db
    .updateTable('outbox')
    .set({ status: 'dropped', sent_at: null, locked_until: null, last_error: `No longer applies: ${why}` })
    .where('id', '=', row.id)
    .where('status', '=', claimed ? 'pending' : 'local')
    .execute();
  deps.logger.info('notice no longer applies: not sent', { outboxId: row.id, kind: row.kind, reason: why });
}

/**
 * Claims up to `limit` due rows for this process, soonest due first: the rows are walked in
 * the order of the index outbox_due (status, next_attempt_at, id), so a claim reads only
 * the rows it takes, however many are waiting or were sent before. `lease` claims them to be
 * sent (locked until the lease runs out); `file` files them in the local outbox at once,
 * in the same statement, when there is no mail server to send them to.
 */
async function claim(deps: Deps, limit: number, as: 'lease' | 'file'): Promise<OutboxRow[]> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + deps.config.mailLeaseMs).toISOString();
  const due = (db: Q) => {
    const q = db
      .selectFrom('outbox')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]));
    // A booking's notices reach the person in the order they were written: none is sent while
    // an earlier one of the same booking still waits (in its back-off after a failed attempt,
    // or on its way), so a "Booked" held back by an outage never lands after the
    // "Cancelled" written later, which a calendar would then not know to apply. (Filed
    // locally, with no mail server, the order does not matter.)
    const inOrder =
      as === 'lease'
        ? q.where((eb) =>
            eb.or([
              eb('outbox.booking_id', 'is', null),
              eb.not(eb.exists(eb.selectFrom('outbox as earlier').select('earlier.id').whereRef('earlier.booking_id', '=', 'outbox.booking_id').where('earlier.status', '=', 'pending').whereRef('earlier.id', '<', 'outbox.id'))),
            ]),
          )
        : q;
    return inOrder.orderBy('next_attempt_at').orderBy('id').limit(limit);
  };
  const mark = (db: Q) =>
    as === 'lease'
      ? db.updateTable('outbox').set({ locked_until: leaseUntil })
      : db.updateTable('outbox').set((eb) => ({ status: 'local', sent_at: nowIso, attempts: eb('attempts', '+', 1), locked_until: null, last_error: null }));
  if (deps.dbKind === 'postgres') {
    return deps.db.transaction().execute(async (trx) => {
      // Planner statistics lag a sudden backlog: with the outbox last analysed nearly empty,
      // PostgreSQL gathered every waiting notice and sorted them (20 ms a claim with 10,000
      // waiting, in the booking bench) and found the claimed ids by reading the whole table,
      // or every waiting row (5 ms to file 50 of 10,000 locally, when that was a statement
      // of its own). In this transaction it walks the indexes instead, whatever the
      // statistics say.
      await sql`select set_config('enable_sort', 'off', true), set_config('enable_seqscan', 'off', true)`.execute(trx);
      const rows = await mark(trx)
        .where('id', 'in', due(trx).select('id').forUpdate().skipLocked())
        .returningAll()
        .execute();
      return rows.sort((a, b) => (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : a.id < b.id ? -1 : 1));
    });
  }
  return deps.db.transaction().execute(async (trx) => {
    const ids = (await due(trx).select('id').execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    // SQLite gives back the updated rows in no set order: the claim's order is the due order.
    const rows = new Map((await mark(trx).where('id', 'in', ids).returningAll().execute()).map((r) => [r.id, r]));
    return ids.map((id) => rows.get(id)!);
  });
}

/**
 * One delivery pass: each message is rendered from its facts, sent, and the row keeps what
 * was sent. Without a mailer (no SMTP_URL) messages are kept in the local outbox, marked
 * `local`, each with what it said when filed, for an administrator to read (GET /api/outbox).
 */
export async function deliverDue(deps: Deps, mailer: Mailer | null, limit = 50, shouldStop: () => boolean = () => false): Promise<{ sent: number; failed: number }> {
  // Nothing leaves the machine without a mailer: the due messages are filed as they are claimed.
  if (!mailer) {
    const filed = await claim(deps, limit, 'file');
    // Filed all at once; those that no longer apply are then marked as such, and the others
    // keep what they said when filed, as a sent message keeps what was sent: the Mail page
    // then shows a "Booked" email with the time it gave, not the session's time today.
    // Places given up are read for the whole pass in one query, as sending reads each alone.
    const placesGone = await placesGivenUp(deps.db, placeBookingsOf(filed));
    const applying: OutboxRow[] = [];
    for (const row of filed) {
      const why = await whyNoLongerApplies(deps.db, row, deps.now(), true, placesGone);
      if (why) await dropNotice(deps, row, why, false);
      else applying.push(row);
    }
    await keepFiledTexts(deps, applying);
    return { sent: filed.length, failed: 0 };
  }
  let sent = 0;
  let failed = 0;
  // A pass's failed rendering together is logged once, however many of its claims it breaks.
  let renderFailureTold = false;
  const renderFailed = (e: unknown, rows: number) => {
    if (!renderFailureTold) warnRenderedAlone(deps, e, rows);
    renderFailureTold = true;
  };
  // A booking's next notice is claimable only once the one before it is sent: claimed again
  // (up to `limit` in all) until nothing more is due, so one pass sends both of a booking
  // made and cancelled during an outage, in order.
  for (let tried = 0; tried < limit && !shouldStop(); ) {
    const rows = await claim(deps, limit - tried, 'lease');
    if (rows.length === 0) break;
    tried += rows.length;
    const done = await sendClaimed(deps, mailer, rows, shouldStop, renderFailed);
    sent += done.sent;
    failed += done.failed;
  }
  return { sent, failed };
}

/**
 * Stores filed notices' messages on their rows, rendered now, when filing (no mail server):
 * all of a pass's rows read together (renderNoticesToSend) and written together, in one
 * statement on PostgreSQL and one commit on SQLite. The whole link of an account email stays:
 * the local outbox is read by a developer, as `withoutSecretLink` says. Only a row still
 * filed with no text is written: one erased meanwhile (accounts/erasure-repository.ts
 * `scrubOwnMail`) keeps its scrubbed words.
 */
async function keepFiledTexts(deps: Deps, rows: readonly OutboxRow[]): Promise<void> {
  const unwritten = rows.filter((r) => r.subject === null);
  if (unwritten.length === 0) return;
  const messages = await renderNoticesToSend(deps.db, deps, unwritten).catch((e) => {
    warnRenderedAlone(deps, e, unwritten.length);
    return renderedOneByOne(deps, unwritten);
  });
  const texts = unwritten.flatMap((r, i) => {
    const m = messages[i];
    return m ? [{ id: r.id, subject: m.subject, text_body: m.text, html_body: m.html, attachments: JSON.stringify(m.parts) }] : [];
  });
  if (texts.length === 0) return;
  if (deps.dbKind === 'postgres') {
    // The rows travel as one JSON parameter, typed by the outbox's own columns.
    await sql`update outbox as o set subject = v.subject, text_body = v.text_body, html_body = v.html_body, attachments = v.attachments
      from json_populate_recordset(null::outbox, ${rowsJson(FILED_TEXT_COLUMNS, texts)}::json) as v
      where o.id = v.id and o.status = 'local' and o.subject is null`.execute(deps.db);
    return;
  }
  await writeTransaction(deps, async (trx) => {
    for (const { id, ...text } of texts) await trx.updateTable('outbox').set(text).where('id', '=', id).where('status', '=', 'local').where('subject', 'is', null).execute();
  });
}
const FILED_TEXT_COLUMNS = ['id', 'subject', 'text_body', 'html_body', 'attachments'] as const;

/**
 * Logs that rendering a pass's rows together failed, with the error, before they are rendered
 * each alone (once a pass): a row that then fails alone is logged as it fails, but what broke
 * the rendering together would otherwise be lost.
 */
function warnRenderedAlone(deps: Deps, e: unknown, rows: number): void {
  deps.logger.warn('rendering notices together failed: rendering each alone', { rows, error: String((e as Error)?.message ?? e) });
}

/**
 * Rows rendered each alone, when rendering them together failed: one whose facts cannot be
 * written out is left without its text (logged; the Mail page renders it when read), and the
 * others keep theirs.
 */
async function renderedOneByOne(deps: Deps, rows: readonly OutboxRow[]): Promise<(RenderedMessage | undefined)[]> {
  const out: (RenderedMessage | undefined)[] = [];
  for (const row of rows) {
    out.push(
      await renderNoticesToSend(deps.db, deps, [row]).then(
        ([m]) => m,
        (e) => {
          deps.logger.error('filed notice could not be rendered', { outboxId: row.id, kind: row.kind, error: String((e as Error)?.message ?? e) });
          return undefined;
        },
      ),
    );
  }
  return out;
}

/** How old a rendered message may be when it is sent (sendClaimed). */
const RENDER_FRESH_MS = 5_000;
/** How many claimed rows are rendered together ahead of sending (sendClaimed). */
const RENDER_AHEAD = 25;

/** Sends claimed rows in order; see deliverDue. `renderFailed` logs (once a pass) a failed rendering of rows together. */
async function sendClaimed(deps: Deps, mailer: Mailer, rows: OutboxRow[], shouldStop: () => boolean, renderFailed: (e: unknown, rows: number) => void): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  // The claimed rows are rendered together (renderNoticesToSend: a few queries, not seven per
  // message), RENDER_AHEAD at a time, and those still to go again once that rendering is
  // RENDER_FRESH_MS old (a slow mail server): each message says the session and booking as they
  // were moments before it went. Should rendering them together fail (one row's facts that
  // cannot be written out), each is rendered alone from then on, so that only it fails.
  let rendered = new Map<string, RenderedMessage | undefined>();
  let renderedAt = 0;
  let oneByOne = false;
  const messageOf = async (i: number) => {
    const row = rows[i]!;
    if (oneByOne) return (await renderNoticesToSend(deps.db, deps, [row]))[0];
    if (!rendered.has(row.id) || deps.now().getTime() - renderedAt > RENDER_FRESH_MS) {
      const ahead = rows.slice(i, i + RENDER_AHEAD);
      try {
        const messages = await renderNoticesToSend(deps.db, deps, ahead);
        rendered = new Map(ahead.map((r, j) => [r.id, messages[j]]));
        renderedAt = deps.now().getTime();
      } catch (e) {
        renderFailed(e, ahead.length);
        oneByOne = true;
        return (await renderNoticesToSend(deps.db, deps, [row]))[0];
      }
    }
    return rendered.get(row.id);
  };
  for (const [i, row] of rows.entries()) {
    if (shouldStop()) {
      // Shutting down: hand the rows not yet tried back at once rather than after the lease.
      const rest = rows.slice(i);
      await deps.db.updateTable('outbox').set({ locked_until: null }).where('status', '=', 'pending').where((eb) => eb.or(rest.map((r) => eb.and([eb('id', '=', r.id), eb('locked_until', '=', r.locked_until)])))).execute();
      break;
    }
    // A batch can outlast its lease when the mail server is slow; renew this row's lease just
    // before sending it, and leave it alone if it ran out and another process has claimed it.
    const lease = new Date(deps.now().getTime() + deps.config.mailLeaseMs).toISOString();
    const renewed = await deps.db
      .updateTable('outbox')
      .set({ locked_until: lease })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('locked_until', '=', row.locked_until)
      .executeTakeFirst();
    if (Number(renewed.numUpdatedRows) === 0) continue;
    try {
      // Checked just before sending, however late that is (after an outage, say).
      const why = await whyNoLongerApplies(deps.db, row, deps.now());
      if (why) {
        await dropNotice(deps, row, why, true);
        continue;
      }
      const message = await messageOf(i);
      if (!message) throw new Error(`booking ${row.booking_id} of this notice no longer exists`);
      await mailer.send(row, message);
      // The row keeps exactly what was sent, but for the token of a link to the person's account;
      // and where it went, should their address have changed while it was on its way
      // (accounts/lifecycle.ts `updatePerson` sends what still waits to the new one).
      const kept = withoutSecretLink(row.kind, message);
      await deps.db
        .updateTable('outbox')
        .set({
          status: 'sent',
          to_email: row.to_email,
          sent_at: deps.now().toISOString(),
          attempts: row.attempts + 1,
          locked_until: null,
          last_error: null,
          subject: kept.subject,
          text_body: kept.text,
          html_body: kept.html,
          attachments: JSON.stringify(kept.parts),
        })
        .where('id', '=', row.id)
        // Still the pending row it was: a person erased while it was on its way
        // (accounts/erasure.ts) had it dropped and scrubbed, and it stays so.
        .where('status', '=', 'pending')
        .execute();
      deps.logger.info('mail sent', { outboxId: row.id, kind: row.kind });
      sent++;
    } catch (e) {
      const attempts = row.attempts + 1;
      const next = new Date(deps.now().getTime() + backoffSeconds(attempts) * 1000).toISOString();
      await deps.db
        .updateTable('outbox')
        .set({ attempts, next_attempt_at: next, locked_until: null, last_error: String((e as Error)?.message ?? e).slice(0, 500) })
        .where('id', '=', row.id)
        .execute();
      deps.logger.warn('mail delivery failed', { outboxId: row.id, attempts, error: String((e as Error)?.message ?? e) });
      failed++;
    }
  }
  return { sent, failed };
}
