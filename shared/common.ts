import { z } from 'zod';

/** An identifier. Control characters are refused here (PostgreSQL cannot even store a NUL). */
export const Id = z.string().min(1).max(64).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** An ISO 8601 instant with an explicit offset or Z, e.g. 2026-03-29T09:00:00+01:00. */
export const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-29T09:00:00+01:00' });

const DAY = z.iso.date();
/** Is this a date alone (YYYY-MM-DD), as a range's end in a query may be (see RangeEdge)? */
export const isDateOnly = (v: string) => DAY.safeParse(v).success;

/**
 * One end of a range asked for in a query (`?from&to`): an instant, as Instant, or a date
 * alone (YYYY-MM-DD), which the server reads as that day in England: `from` its start, `to`
 * its end (so `from=2026-02-01&to=2026-02-28` is the whole of February).
 */
export const RangeEdge = z.string().refine((v) => isDateOnly(v) || Instant.safeParse(v).success, {
  message: 'must be a date (2026-03-29) or an ISO 8601 date-time with an offset, e.g. 2026-03-29T09:00:00+01:00',
});

const londonOffset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'longOffset' });
/** Where England's midnight falls on the day whose midnight UTC is `utcMidnight` (ms). */
function englandMidnightMs(utcMidnight: number): number {
  // England is UTC or an hour ahead, and its clocks change at 01:00 UTC, never near its
  // midnight: the offset an hour before midnight UTC is the one at its own midnight. A day
  // beyond what a Date can hold (the year 275760) has no zone to ask: taken as UTC.
  const before = new Date(utcMidnight - 3_600_000);
  if (!Number.isFinite(before.getTime())) return utcMidnight;
  const name = londonOffset.formatToParts(before).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  // "GMT+01:00", "GMT", or before 1847 London's mean time, "GMT-00:01:15".
  const m = /([+-])(\d\d):(\d\d)(?::(\d\d))?/.exec(name);
  return utcMidnight - (m ? (m[1] === '-' ? -1 : 1) * ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000 : 0);
}

/** The span the server keeps a range's ends within (server/platform/range.ts): the years 0000 to 9999. */
const EARLIEST_EDGE = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_EDGE = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether a query's range end is one edgeMs reads: a date, or an instant with an offset (RangeEdge). */
export const isRangeEdge = (v: string) => isDateOnly(v) || Instant.safeParse(v).success;

/**
 * The instant a range's end names, as the server reads it (server/platform/range.ts): a date is
 * that day in England, `from` at its start and `to` at its end (the next day's start); so a
 * query can be refused for running backwards by the same reckoning.
 */
export const edgeMs = (v: string, edge: 'from' | 'to') => {
  const utcMidnight = Date.parse(`${v}T00:00:00Z`);
  const ms = !isDateOnly(v) ? Date.parse(v) : englandMidnightMs(edge === 'from' ? utcMidnight : utcMidnight + 86_400_000);
  return Math.min(Math.max(ms, EARLIEST_EDGE), LATEST_EDGE);
};

/** A query's check that `to` comes after `from` (each a RangeEdge), asked only when both are ones it can read: a bad end is named by its own field alone. */
export const rangeRunsForward = (q: { from?: string; to?: string }) => !q.from || !q.to || !isRangeEdge(q.from) || !isRangeEdge(q.to) || edgeMs(q.from, 'from') < edgeMs(q.to, 'to');

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}
/**
 * The IANA name of a zone however it was written ('europe/london', an alias such as 'GB'):
 * what is stored and shown, and what calendar clients look a TZID up by (case and all).
 */
export const canonicalTimeZone = (tz: string) => new Intl.DateTimeFormat('en-GB', { timeZone: tz }).resolvedOptions().timeZone;
const TIME_ZONE_WORDS = 'must be written as region and city, such as Europe/London';
export const TimeZone = z.string().max(64, { message: TIME_ZONE_WORDS, abort: true }).refine(isTimeZone, { message: TIME_ZONE_WORDS }).transform(canonicalTimeZone);

/**
 * Where a person may be sent after signing in: a path on this site, else `/sessions`.
 * `next` must start with `/` and hold no whitespace, control characters or backslashes
 * (browsers drop a tab or newline and read `\` as `/`, so `/\t/evil.example` or `/\evil.example`
 * would lead off the site), and must resolve, against `origin` (the site's own, e.g.
 * PUBLIC_URL), to that same origin and a path not starting `//` (`/.//evil.example` resolves
 * to `//evil.example`, which a browser reads as another site); not the sign-in page itself.
 * The answer is the resolved path, query and fragment, so what is checked is what is used.
 */
export function safeNextPath(next: string | null | undefined, origin: string): string {
  const fallback = '/sessions';
  if (!next || next.length > 500 || !next.startsWith('/') || /[\s\\\u0000-\u001f\u007f-\u009f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith('//') || url.pathname.startsWith('/signin')) return fallback;
  return url.pathname + url.search + url.hash;
}

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/**
 * The bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069).
 * They make text show in an order other than the one it is stored in, so a name or title could
 * read as something else in a list, an email or a spreadsheet ("Trojan Source", CVE-2021-42574),
 * and one left open reorders whatever follows it. Right-to-left text needs none of them: Arabic
 * and Hebrew letters carry their direction, and the marks that fix a stray digit or bracket
 * (U+200E, U+200F, U+061C) are allowed.
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * How a schema refuses text longer than its limit, in words a page can show after the field's
 * name ("Title is too long: at most 200 characters"), where zod's own would say "Too big:
 * expected string to have <=200 characters". Every user-facing length limit words it so.
 */
export const tooLong = (max: number) => `is too long: at most ${max.toLocaleString('en-GB')} characters`;

/**
 * A short, human string from the user, trimmed, with no control characters, in Unicode's
 * composed form (NFC: "e" and a combining acute, as a Mac may paste it, kept as one "é"), so
 * the same words are stored, searched and compared the same however they were typed.
 */
export const Text = (max: number) =>
  z
    .string()
    .normalize('NFC')
    .trim()
    .max(max, tooLong(max))
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(s), { message: 'must not contain control characters' })
    .refine((s) => !BIDI_CONTROLS.test(s), {
      message: 'must not contain text-direction controls (U+202A-U+202E, U+2066-U+2069); right-to-left text needs none',
    });
/**
 * What a list is searched for (a name, an email, a URN): at most `max` characters, without
 * control characters (PostgreSQL cannot hold a NUL, and SQLite would cut the text at one, so
 * the same search would answer differently on each), refused with a clear 400 on both. The
 * tabs and line breaks a paste brings (two spreadsheet cells, a line copied with its end) are
 * read first as a space (a run of them as one), so such a search finds what the same words typed
 * with a space find; ordinary spaces are kept as typed (a name stored with two spaces is found
 * by its exact text); any other control character is refused.
 */
export const searchText = (max: number) =>
  z
    .string()
    .overwrite((s) => s.replace(/[\t\n\r]+/g, ' '))
    .trim()
    .max(max, tooLong(max))
    .refine((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s), { message: 'must not contain control characters' });
/** A search of names, emails or URNs: at most 200 characters. */
export const SearchText = searchText(200);

/** One line of text: no line breaks either (nor the Unicode line and paragraph separators). */
export const Line = (max: number) =>
  Text(max).refine((s) => !/[\r\n\u2028\u2029]/.test(s), { message: 'must be a single line' });

/** Text with its line breaks written one way (LF): a browser's form sends LF where the API may have stored CRLF, with the same words. */
export const sameLines = (text: string | null | undefined) => (text ?? '').replace(/\r\n?/g, '\n');
