/**
 * The readable columns of an office's bookings spreadsheet (GET /api/orgs/:id/bookings.csv),
 * added after its columns of the API's codes (which integrations read by place and value, and
 * which stay as they are): how each cancelled place ended, in the words My bookings and the
 * office's Who is booked where use (web/src/pages/BookingsPage.tsx EndingNote, as an office
 * reads it: the person named), and the mode, seat and audience in words.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SeatKind, SessionMode } from '../../db/schema.js';
import type { BookingEnding, BookingStatus } from '../../shared/bookings.js';
import { audienceWords, modeLabel, seatLabel } from '../../shared/sessions.js';
import { oneOf } from '../../db/prepared.js';
import { localDateTime } from '../calendar/timezones.js';
import { endingsOfBookings } from './views.js';

type Q = Kysely<Database> | Transaction<Database>;

/** The readable columns' headings, in the order `readableCells` gives their values. */
export const READABLE_COLUMNS = ['how it ended', 'mode (in words)', 'seat (in words)', 'audience (in words)'] as const;

/** What `readableCells` reads of each spreadsheet row. */
export interface ReadableRowFacts {
  bookingId: string;
  sessionId: string;
  status: BookingStatus;
  userName: string;
  mode: SessionMode;
  seat: SeatKind;
  /** The session's zone: the one the spreadsheet's times are written in. */
  timeZone: string;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const said = (reason: string | null) => (reason ? `: ${oneLine(reason)}` : '.');

/**
 * How a place ended, in the words of My bookings' note (EndingNote, read by someone other than
 * the person: they are named), on one line; a time in the spreadsheet's form and the session's
 * zone. A cancelled place with nothing recorded of its ending is "Cancelled." (My bookings'
 * status then). `ending` null and `lapsedAt` given: an offer whose time has run out, not yet
 * passed on (the status column's "offer expired").
 */
export function endingWords(ending: BookingEnding | null, name: string, timeZone: string, lapsedAt?: string | null): string {
  const who = oneLine(name);
  if (!ending) {
    if (lapsedAt !== undefined) return `The seat offered to ${who} was not accepted in time${lapsedAt ? `: the offer ran out at ${localDateTime(lapsedAt, timeZone)}` : ''}, so it goes to the next person waiting.`;
    return 'Cancelled.';
  }
  const by = ending.by && oneLine(ending.by);
  switch (ending.how) {
    case 'session_cancelled':
      return `${who}’s place was cancelled because the session was cancelled${said(ending.reason)}`;
    case 'removed':
      return `${by ? `Taken off by ${by}` : 'Taken off this session by its trainer'}${said(ending.reason)}`;
    case 'offer_expired':
      return `The seat offered to ${who} was not accepted in time${ending.at ? `: the offer ran out at ${localDateTime(ending.at, timeZone)}` : ''}, so it went to the next person waiting.`;
    case 'offer_declined':
      return `${who} turned down the seat offered to them.`;
    case 'account_off':
      return `${who}’s place was given up because their account was turned off.`;
    case 'given_up':
      return `${who}’s place was given up${ending.reason ? `. They were told: ${oneLine(ending.reason)}` : '.'}`;
    case 'left_waitlist':
      if (ending.byThemselves) return `${who} left the waiting list themselves.`;
      return by ? `Taken off the waiting list by ${by}.` : 'Taken off the waiting list.';
    case 'cancelled':
      if (ending.byThemselves) return `${who} cancelled this place themselves.`;
      return by ? `Cancelled by ${by}.` : 'Cancelled.';
  }
}

/**
 * The readable cells (READABLE_COLUMNS) of a page of spreadsheet rows, by booking id; `lapsed`:
 * the offered bookings among them whose offer has run out. At most three statements per 500
 * cancelled bookings (their endings), one for the lapsed offers' expiries and one for the
 * sessions' audiences, whatever the number of rows.
 */
export async function readableCells(db: Q, rows: readonly ReadableRowFacts[], lapsed: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const cancelled = rows.filter((r) => r.status === 'cancelled').map((r) => r.bookingId);
  const lapsedIds = rows.filter((r) => r.status === 'offered' && lapsed.has(r.bookingId)).map((r) => r.bookingId);
  const sessionIds = [...new Set(rows.map((r) => r.sessionId))];
  const [endings, expiries, audiences] = await Promise.all([
    endingsOfBookings(db, cancelled),
    lapsedIds.length === 0 ? [] : db.selectFrom('bookings').select(['id', 'offer_expires_at']).where(oneOf(db, 'id', lapsedIds)).execute(),
    sessionIds.length === 0
      ? []
      : db.selectFrom('sessions as s').leftJoin('organisations as o', 'o.id', 's.audience_org_id').select(['s.id', 's.audience_kind', 's.audience_org_id', 'o.name as org_name']).where(oneOf(db, 's.id', sessionIds)).execute(),
  ]);
  const expiryOf = new Map(expiries.map((e) => [e.id, e.offer_expires_at]));
  const audienceOf = new Map(audiences.map((a) => [a.id, audienceWords({ kind: a.audience_kind, orgId: a.audience_org_id, orgName: a.org_name })]));
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const ended =
      r.status === 'cancelled' ? endingWords(endings.get(r.bookingId) ?? null, r.userName, r.timeZone)
      : r.status === 'offered' && lapsed.has(r.bookingId) ? endingWords(null, r.userName, r.timeZone, expiryOf.get(r.bookingId) ?? null)
      : '';
    out.set(r.bookingId, [ended, modeLabel[r.mode], seatLabel[r.seat], audienceOf.get(r.sessionId) ?? audienceWords({ kind: 'programme', orgId: null, orgName: null })]);
  }
  return out;
}
