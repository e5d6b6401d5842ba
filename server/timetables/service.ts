/**
 * Timetables: importing them (CSV, ICS, an ICS subscription), and the questions asked of
 * them: does a session fit, which bookings clash, who needs cover. Every upload is checked
 * in full before anything is written, and then replaces the old timetable in one
 * transaction, so a rejected upload changes nothing.
 */
import { orgsActableBy } from '../accounts/acting.js';
import { orgNames } from '../accounts/repository.js';
import { viewerFor } from '../bookings/repository.js';
import { MAX_COVER_REPORT_DAYS, MAX_LESSON_NAME_CHARS, MAX_TIMETABLE_BYTES, type Clash, type CoverItem, type CoverReport, type SessionFit, type Timetable } from '../../shared/timetables.js';
import type { Kysely, Transaction } from 'kysely';
import type { Database, SeatKind, SessionMode } from '../../db/schema.js';
import { AppError } from '../errors.js';
import { perDatabase, type Deps } from '../platform/deps.js';
import { writeCsv } from '../platform/csv.js';
import { decodeSpreadsheet } from '../../shared/spreadsheet-text.js';
import type { AuthUser } from '../platform/http.js';
import { bufferFor, busyPeriods, clashesWith, likelySeat, localParts, timetableSettings, type TimetableRules } from './clash.js';
import type { CsvClosure, CsvPeriod, CsvResult, RowProblem } from './csv.js';
import { describeEvent, type EventProblem } from './event-problems.js';
import type { IcsResult } from './ics.js';
import { limitedTimetableWork } from './limits.js';
import { parseOffThread } from './parsing.js';
import type { ParseTask } from './parse-worker.js';
import { fetchOutbound, OutboundError, outboundUrl } from '../platform/outbound.js';
import * as repo from './repository.js';
import { batchedLookup } from '../platform/batching.js';
import { dayInEngland, rangeEdge } from '../platform/range.js';
import { Temporal } from 'temporal-polyfill';

/** Rows one person's CSV may hold; an office's file for many people may hold MAX_CSV_ROWS. */
export const MAX_PERSONAL_ROWS = 2_000;
/**
 * Busy periods one timetable answer may list. The default five weeks always fit (a CSV's
 * 2,000 weekly rows make at most 12,000; an ICS holds at most 20,000 dated lessons), so an
 * upload's own answer is never refused; a long range of a dense timetable is.
 */
export const MAX_BUSY_PERIODS = 20_000;
const REFRESH_EVERY_MS = 6 * 3_600_000;
const RETRY_AFTER_FAILURE_MS = 3_600_000;
const DAY = 86_400_000;
const DEFAULT_ZONE = 'Europe/London';
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

type Format = 'csv' | 'ics';
type Rules = Pick<TimetableRules, 'timeZone' | 'weekly' | 'dated' | 'freeDays'>;
/** A file read as a timetable, with how many of a calendar's event names were shortened to be kept (ics.ts shortenedNames). */
type Read = Rules & { shortenedNames: number };

/**
 * What an upload's or a link's answer tells the person about how their calendar was read
 * (Timetable notes): how many event names were too long to keep whole. Undefined: nothing.
 */
function readingNotes(read: Read): string[] | undefined {
  const n = read.shortenedNames;
  if (n === 0) return undefined;
  const max = MAX_LESSON_NAME_CHARS.toLocaleString('en-GB');
  return [
    n === 1
      ? `1 event name in the calendar is longer than ${max} characters, the most a lesson name may be, so it is kept shortened, ending with “…”.`
      : `${n.toLocaleString('en-GB')} event names in the calendar are longer than ${max} characters, the most a lesson name may be, so they are kept shortened, each ending with “…”.`,
  ];
}
type Owner = Awaited<ReturnType<typeof repo.usersWithOrg>>[number];

/** The upload format from its media type; text/plain is sniffed. */
export function formatOf(contentType: string | undefined, body: string): Format {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/calendar') return 'ics';
  if (type === 'text/csv' || type === 'application/csv' || type === 'text/comma-separated-values') return 'csv';
  if (type === 'text/plain' || type === 'application/octet-stream') return /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(body) ? 'ics' : 'csv';
  throw new AppError('unsupported_media_type', 'Send the timetable as text/calendar (an ICS calendar) or text/csv (day,start,end,label,week).');
}

/**
 * An uploaded timetable's text. A CSV is read as school offices save it (UTF-8 with or
 * without a BOM, UTF-16 "Unicode Text", or the charset the sender named) and refused, naming
 * the line and what to do, when it is not text that can be read without guessing (an ANSI
 * file, an Excel workbook renamed .csv); an ICS calendar is read as UTF-8, as before.
 */
export function uploadText(contentType: string | undefined, bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  if (formatOf(contentType, text) !== 'csv') return text;
  const r = decodeSpreadsheet(bytes, contentType);
  if (!r.ok) throw new AppError('validation_failed', `${r.message} The timetable was not changed.`, { rows: [{ line: r.line, message: r.message }], total: 1 });
  return r.text;
}

function checkSize(body: string, max = MAX_TIMETABLE_BYTES) {
  if (Buffer.byteLength(body, 'utf8') > max) throw new AppError('payload_too_large', `A timetable file may be at most ${max / 1024} KiB.`);
}

/** Reads a CSV or ICS file in a worker thread, under the work budget (parsing.ts). */
async function parseFile(deps: Deps, task: ParseTask & { kind: 'csv' }): Promise<CsvResult>;
async function parseFile(deps: Deps, task: ParseTask & { kind: 'ics' }): Promise<IcsResult>;
async function parseFile(deps: Deps, task: ParseTask): Promise<CsvResult | IcsResult> {
  const outcome = await parseOffThread(task, deps.config.timetableParsing);
  if (outcome.kind !== task.kind) throw new Error(`a ${task.kind} parse answered ${outcome.kind}`);
  return (outcome as { result: CsvResult | IcsResult }).result;
}

function rowsError(problems: RowProblem[]): AppError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const first = sorted[0]!;
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? 's' : ''})` : '';
  // The first 200 are listed; `total` says how many there are in all.
  return new AppError('validation_failed', `Line ${first.line}: ${first.message}${more}. The timetable was not changed.`, { rows: sorted.slice(0, 200), total: sorted.length });
}

/** Problems with a file's events; a time zone nobody can place is its own error (422), naming the zone. */
function eventsError(problems: EventProblem[]): AppError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  const code = problems[0]!.zone ? 'unknown_time_zone' : 'validation_failed';
  return new AppError(code, `${describeEvent(problems[0]!)}${more}. The timetable was not changed.`, { events: problems.slice(0, 200), total: problems.length });
}

/** Parses an upload for one person (off the event loop), or throws the full list of problems. */
export async function parseUpload(deps: Deps, format: Format, body: string, ctx: { now: Date; weekAStart: string | null; orgZone: string }): Promise<Read> {
  checkSize(body);
  if (format === 'csv') {
    const r = await parseFile(deps, { kind: 'csv', text: body, weekAStart: ctx.weekAStart, maxRows: MAX_PERSONAL_ROWS });
    if (!r.ok) throw rowsError(r.problems);
    if (r.periods.length === 0) throw rowsError([{ line: 2, message: r.closures.length ? 'the file lists only days the school is closed: add the lessons, one row each, as a timetable is the whole of them' : 'the file has no lessons' }]);
    return { timeZone: DEFAULT_ZONE, weekly: r.periods.map(stripLine), dated: [], freeDays: r.closures.map(stripClosure), shortenedNames: 0 };
  }
  const r = await parseFile(deps, { kind: 'ics', text: body.replace(/^\uFEFF/, ''), now: ctx.now.getTime(), defaultZone: ctx.orgZone || DEFAULT_ZONE });
  if (!r.ok) throw eventsError(r.problems);
  return { timeZone: r.timetable.timeZone, weekly: [], dated: r.timetable.dated, freeDays: r.timetable.freeDays, shortenedNames: r.timetable.shortenedNames };
}

const stripLine = (p: CsvPeriod) => ({ day: p.day, start: p.start, end: p.end, week: p.week, label: p.label });
const stripClosure = (c: CsvClosure) => ({ from: c.from, to: c.to, label: c.label });

const withNotes = (t: Timetable, notes: string[] | undefined): Timetable => (notes ? { ...t, notes } : t);

async function ownerOf(deps: Deps, userId: string): Promise<Owner> {
  const [owner] = await repo.usersWithOrg(deps.db, [userId]);
  if (!owner) throw new AppError('not_found', 'No such person.');
  return owner;
}

/**
 * May `actor` read or change `target`'s timetable? Everyone their own; office staff the
 * staff of their own organisation; admins anyone. Out-of-organisation people are "not found".
 * A turned-off account's timetable (a leaver's) may be read and removed by those who manage
 * them (`change: false`), not changed: uploading or linking one answers 409 until it is on.
 */
export async function requireTimetableManager(deps: Deps, actor: AuthUser, targetId: string, opts: { change: boolean } = { change: true }): Promise<Owner> {
  if (actor.id !== targetId && actor.role !== 'admin' && actor.role !== 'office') throw new AppError('forbidden', 'You may see or change only your own timetable.');
  if (actor.role === 'office' && actor.id !== targetId) {
    // One answer for an id that names nobody and for someone outside the office's organisations,
    // so an office cannot tell that another school's account exists.
    const [owner] = await repo.usersWithOrg(deps.db, [targetId]);
    if (!owner || !(await orgsActableBy(deps.db, actor)).has(owner.org_id) || !['staff', 'office'].includes(owner.role)) {
      throw new AppError('not_found', 'No such person in your organisation.');
    }
    if (owner.disabled_at && opts.change) throw turnedOff();
    return owner;
  }
  const owner = await ownerOf(deps, targetId);
  if (owner.disabled_at && opts.change) throw turnedOff();
  return owner;
}

const turnedOff = () => new AppError('conflict', 'This account is turned off, so its timetable cannot be changed: it can be seen and removed. Turn the account on first to give it a new one.');

async function save(deps: Deps, userId: string, source: 'csv' | 'ics' | 'subscription', rules: Rules, by: string | null, subscriptionUrl: string | null = null) {
  const now = deps.now();
  await deps.db.transaction().execute((trx) =>
    repo.replaceTimetable(
      trx,
      userId,
      {
        source,
        timeZone: rules.timeZone,
        subscriptionUrl,
        lastFetchedAt: subscriptionUrl ? now.toISOString() : null,
        nextFetchAt: subscriptionUrl ? new Date(now.getTime() + REFRESH_EVERY_MS).toISOString() : null,
        updatedBy: by,
        updatedAt: now.toISOString(),
        lockWith: deps.dbKind,
      },
      rules,
    ),
  );
}

/** Replaces a person's timetable with an uploaded CSV or ICS file. */
export async function replaceFromUpload(deps: Deps, actor: AuthUser, userId: string, contentType: string | undefined, body: string): Promise<Timetable> {
  const owner = await requireTimetableManager(deps, actor, userId);
  const format = formatOf(contentType, body);
  checkSize(body);
  const settings = timetableSettings(owner.settings);
  // One file at a time per account, and so many an hour (limits.ts).
  const read = await limitedTimetableWork(deps, actor.id, { kind: 'upload', userId }, async () => {
    const rules = await parseUpload(deps, format, body, { now: deps.now(), weekAStart: settings.weekAStart, orgZone: owner.org_time_zone ?? DEFAULT_ZONE });
    await save(deps, userId, format, rules, actor.id);
    return rules;
  });
  return withNotes(await getTimetable(deps, actor, userId), readingNotes(read));
}

/**
 * An office's CSV for many people: an email column names each row's person, who must be
 * staff of that organisation. Each person named gets exactly the rows given for them;
 * everyone else's timetable is left alone. Any bad row rejects the whole file.
 */
export async function uploadOrgCsv(deps: Deps, actor: AuthUser, orgId: string, contentType: string | undefined, body: string) {
  const actable = await orgsActableBy(deps.db, actor);
  if (!actable.has(orgId)) throw new AppError('forbidden', 'Office staff may upload timetables only for the organisations they book for.');
  const org = await repo.findOrgSettings(deps.db, orgId);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  if (formatOf(contentType, body) !== 'csv') throw new AppError('unsupported_media_type', 'Send one CSV file with an email column (email,day,start,end,label,week); upload ICS calendars one person at a time.');
  checkSize(body);
  // One file at a time per account, and so many an hour (limits.ts): one office file is one.
  const { weekAStart } = timetableSettings(org.settings);
  return limitedTimetableWork(deps, actor.id, { kind: 'org_upload', orgId }, () => replaceFromOrgCsv(deps, actor, actable, orgId, weekAStart, body));
}

/** Reads an office's checked CSV and replaces the timetables of the people it names (uploadOrgCsv). */
async function replaceFromOrgCsv(deps: Deps, actor: AuthUser, actable: Awaited<ReturnType<typeof orgsActableBy>>, orgId: string, weekAStart: string | null, body: string) {
  const r = await parseFile(deps, { kind: 'csv', text: body, weekAStart, needEmail: true });
  if (!r.ok) throw rowsError(r.problems);
  // A closure row with an email is that person's; with none, everyone's the file names.
  const personal = r.closures.filter((c) => c.email);
  const shared = r.closures.filter((c) => !c.email);
  const emails = [...new Set([...r.periods, ...personal].map((p) => p.email!))];
  const users = await repo.usersByEmail(deps.db, emails);
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const problems: RowProblem[] = [];
  // Said so the office can put it right: a school of theirs other than the one chosen is named
  // (a trust office uploading at the trust's level); anyone of an organisation they do not book
  // for is "not a member of staff", as someone with no account is.
  const elsewhere = await orgNames(deps.db, users.filter((u) => u.org_id && u.org_id !== orgId && actable.has(u.org_id)).map((u) => u.org_id!));
  for (const p of [...r.periods, ...personal]) {
    const u = byEmail.get(p.email!);
    const staffRole = u && ['staff', 'office'].includes(u.role);
    const school = u?.org_id && u.org_id !== orgId ? elsewhere.get(u.org_id) : undefined;
    if (u && staffRole && u.org_id === orgId && u.disabled_at) problems.push({ line: p.line, message: `${p.email}'s account is turned off: turn it on under Staff accounts, or take their rows out of the file` });
    else if (u && staffRole && school && u.disabled_at) problems.push({ line: p.line, message: `${p.email} works at ${school}, and their account is turned off: turn it on under Staff accounts for ${school} and upload their rows there, or take them out of the file` });
    else if (u && staffRole && school) problems.push({ line: p.line, message: `${p.email} works at ${school}: choose ${school} above and upload their rows there` });
    else if (!u || u.disabled_at || u.org_id !== orgId || !staffRole) problems.push({ line: p.line, message: `${p.email} is not a member of staff of this organisation` });
  }
  // Each person's rows, in file order (emails are lower-cased by the parser).
  const byPerson = new Map<string, CsvPeriod[]>();
  for (const p of r.periods) {
    const list = byPerson.get(p.email!);
    if (list) list.push(p);
    else byPerson.set(p.email!, [p]);
  }
  const closuresOf = new Map<string, CsvClosure[]>();
  for (const c of personal) {
    if (!byPerson.has(c.email!)) problems.push({ line: c.line, message: `${c.email} has days the school is closed but no lessons in the file: add their lessons, as each person named gets exactly the rows given for them` });
    closuresOf.set(c.email!, [...(closuresOf.get(c.email!) ?? []), c]);
  }
  // One person gets no more rows from an office's file than from their own upload.
  for (const [email, periods] of byPerson) {
    const rows = [...periods, ...(closuresOf.get(email) ?? []), ...shared];
    if (rows.length > MAX_PERSONAL_ROWS) {
      problems.push({ line: rows.map((x) => x.line).sort((a, b) => a - b)[MAX_PERSONAL_ROWS]!, message: `${email} has more than ${MAX_PERSONAL_ROWS} rows; one person's timetable may hold at most ${MAX_PERSONAL_ROWS} rows` });
    }
  }
  // Days closed for everyone, and no one's lessons: nothing would change, yet the office would think the holiday was in.
  if (r.periods.length === 0 && problems.length === 0) problems.push({ line: r.closures[0]?.line ?? 2, message: 'the file lists only days the school is closed: add each person’s lessons too (email, day, start, end), as each person named gets exactly the rows given for them and no one else is changed' });
  if (problems.length) throw rowsError(problems);
  const grouped = new Map([...byPerson].map(([email, periods]) => [byEmail.get(email)!.id, { periods, closures: [...shared, ...(closuresOf.get(email) ?? [])] }] as const));
  const now = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (const [userId, { periods, closures }] of grouped) {
      await repo.replaceTimetable(
        trx,
        userId,
        { source: 'csv', timeZone: DEFAULT_ZONE, subscriptionUrl: null, lastFetchedAt: null, nextFetchAt: null, updatedBy: actor.id, updatedAt: now, lockWith: deps.dbKind },
        { weekly: periods.map(stripLine), dated: [], freeDays: closures.map(stripClosure) },
      );
    }
  });
  return { people: [...grouped].map(([userId, { periods, closures }]) => ({ userId, email: periods[0]!.email!, periods: periods.length, closures: closures.length })) };
}

/** A person's timetable: weekly lessons, and dated periods and free days within [from, to). */
/**
 * A person's timetable with its busy periods from `from` to `to`. With `emptyWhenNone` (the
 * person's own, GET /api/me/timetable) someone without one gets an empty timetable (source
 * null) rather than 404: having none yet is an answer, not a missing thing.
 */
/** The longest range (days in England) a timetable is read for at once. */
const MAX_TIMETABLE_RANGE_DAYS = 400;

/** The last day in England of a range ending (not inclusive) at instant `end`. */
const lastDayOf = (end: string) => dayInEngland(new Date(Date.parse(end) - 1));

/**
 * `opts.whole`: every dated lesson and day off, not only those in the range (a copy of the
 * person's data holds all of it); the busy periods are still the range's.
 */
export async function getTimetable(deps: Deps, actor: AuthUser, userId: string, range: { from?: string; to?: string } = {}, opts: { emptyWhenNone?: boolean; whole?: boolean } = {}): Promise<Timetable> {
  const owner = await requireTimetableManager(deps, actor, userId, { change: false });
  const from = rangeEdge(range.from, 'from') ?? new Date(deps.now().getTime() - 7 * DAY).toISOString();
  const to = rangeEdge(range.to, 'to') ?? new Date(Date.parse(from) + 35 * DAY).toISOString();
  // 400 days counted as days in England, as the cover report counts them: a range from summer time into winter time is not an hour too long.
  if (to <= from || Date.parse(to) > calendarDaysOnInEngland(from, MAX_TIMETABLE_RANGE_DAYS)) throw new AppError('validation_failed', `The end of the range must be after its start, and at most ${MAX_TIMETABLE_RANGE_DAYS} days after it.`, { issues: [{ path: 'to', message: `must be after from, within ${MAX_TIMETABLE_RANGE_DAYS} days` }] });
  const head = await repo.findTimetable(deps.db, userId);
  if (!head && opts.emptyWhenNone) {
    const settings = timetableSettings(owner.settings);
    return { userId, source: null, timeZone: 'Europe/London', weekAStart: settings.weekAStart, subscription: null, updatedAt: null, labelsWithheld: false, counts: { weekly: 0, dated: 0, freeDays: 0 }, weekly: [], dated: [], freeDays: [], busy: [], from, to };
  }
  if (!head) throw new AppError('not_found', 'There is no timetable yet. Upload one (CSV or ICS) or subscribe to your school’s calendar.');
  const rules = (await repo.loadRules(deps.db, [userId], opts.whole ? undefined : { from, to }, actor.id)).get(userId)!;
  const settings = timetableSettings(owner.settings);
  // The days in England the range covers, first and last (`to` is its end, not in it).
  const fromDate = dayInEngland(from);
  const lastDate = lastDayOf(to);
  // One more than the bound is placed, so a range holding more is refused, not cut short.
  const busy = busyPeriods({ ...rules, weekAStart: settings.weekAStart }, Date.parse(from), Date.parse(to), MAX_BUSY_PERIODS);
  if (busy.length > MAX_BUSY_PERIODS) {
    throw new AppError('report_too_large', `This timetable has more than ${MAX_BUSY_PERIODS.toLocaleString('en-GB')} lessons between these dates, too many to show at once: choose a shorter range.`, { max: MAX_BUSY_PERIODS });
  }
  return {
    userId,
    source: head.source,
    timeZone: head.time_zone,
    weekAStart: settings.weekAStart,
    // A calendar's subscription address is often its only key (a published Outlook or Google
    // calendar): only its owner sees it whole; an office sees the site it comes from.
    subscription: head.subscription_url ? { url: actor.id === userId ? head.subscription_url : siteOf(head.subscription_url), lastFetchedAt: head.last_fetched_at, lastError: head.last_error } : null,
    updatedAt: head.updated_at,
    // Said to the person too: what their office sees of a calendar they linked themselves.
    labelsWithheld: repo.withheldLabels(head, null),
    counts: await repo.countPeriods(deps.db, userId),
    weekly: rules.weekly.map((p) => ({ kind: 'weekly' as const, day: WEEKDAYS[p.day - 1]!, start: p.start, end: p.end, week: p.week, label: p.label })),
    dated: rules.dated.map((p) => ({ kind: 'dated' as const, ...p })),
    freeDays: rules.freeDays.filter((f) => opts.whole || (f.to > fromDate && f.from <= lastDate)).map((f) => ({ kind: 'free' as const, ...f })),
    busy,
    from,
    to,
  };
}

export async function clearTimetable(deps: Deps, actor: AuthUser, userId: string) {
  await requireTimetableManager(deps, actor, userId, { change: false });
  await deps.db.transaction().execute((trx) => repo.deleteTimetable(trx, userId));
}

// ---------------------------------------------------------------- subscriptions

/** The rule the timetable page's hint states too (web/src/timetable/TimetablePage.tsx): what outboundUrl accepts. */
const ADDRESS_REFUSED = 'That address could not be used. Give the web address of a calendar on the internet, starting https://, webcal:// or http:// (without a user name or password).';
const NO_CALENDAR = 'No calendar could be read from it.';

/**
 * Why no calendar could be read, in words a person can act on: which of the failures
 * OutboundError classes it was. Only the host name the person typed is ever named (a host a
 * redirect led to is not); nothing the remote server answered, and nothing of the network
 * the server runs in: a name that resolves inside it was classed as not found.
 */
function fetchFailedWhy(e: unknown, url: string, limits: { maxBytes: number; timeoutMs: number }): string {
  const failure = e instanceof OutboundError ? e.failure : 'other';
  const typedHost = new URL(url).hostname;
  const s = Math.max(1, Math.round(limits.timeoutMs / 1000));
  const seconds = `${s} second${s === 1 ? '' : 's'}`;
  const mb = limits.maxBytes / 1024 / 1024;
  const size = mb >= 1 ? `${Math.round(mb)} MB` : `${Math.round(limits.maxBytes / 1024)} KB`;
  switch (failure) {
    case 'not_found':
      return e instanceof OutboundError && e.host !== null && e.host.toLowerCase() === typedHost.toLowerCase() ? `No server was found at ${typedHost}: check the address.` : 'That address sent us on to another, where no server was found: check the address.';
    case 'unreachable':
      return 'The server at that address could not be reached (it refused or ended the connection): check the address, or try again later.';
    case 'insecure':
      return 'The server at that address could not prove it is the site named in the address (its security certificate is not valid): check the address.';
    case 'timeout':
      return `The server at that address did not send the calendar within ${seconds}: try again later.`;
    case 'too_large':
      return `The file at that address is larger than ${size}, the most a linked calendar may be.`;
    case 'error_status':
      return 'The server at that address answered with an error instead of a calendar file: check the address (the calendar may no longer be published there).';
    default:
      return `The address did not give a calendar file of at most ${size} within ${seconds}.`;
  }
}

/** The URL to fetch: http(s) only (webcal:// is the same calendar over https), no credentials. */
export function subscriptionUrl(raw: string): string {
  try {
    return outboundUrl(raw).toString();
  } catch {
    throw new AppError('address_not_allowed', ADDRESS_REFUSED);
  }
}

/**
 * Where a subscribed calendar lives, for the log: its scheme and host only. The rest of a
 * calendar's address is often its password (a "secret address" in iCal format), so it is
 * never written down.
 */
function siteOf(url: string): string {
  try {
    return new URL(url.replace(/^webcal:/i, 'https:')).origin;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Fetches a subscribed calendar and reads it as a timetable (server/platform/outbound.ts
 * guards the fetch). The details of what went wrong stay in the log: people see that the
 * address could not be used, or that no calendar could be read from it and which kind of
 * failure it was (fetchFailedWhy), never what the remote server answered or what its file held.
 */
async function fetchTimetable(deps: Deps, url: string, ctx: { weekAStart: string | null; orgZone: string }, logFields: Record<string, unknown>): Promise<Read> {
  let body: string;
  try {
    const res = await fetchOutbound(url, deps.config.outbound, 'text/calendar, text/plain;q=0.5, */*;q=0.1');
    body = new TextDecoder('utf-8').decode(res.body);
  } catch (e) {
    // A name that resolves inside the network is answered as one that does not resolve: the
    // answer must not tell which internal names exist (the log says which it was).
    const refused = e instanceof OutboundError && e.kind === 'refused' && !e.byName;
    deps.logger.warn('timetable subscription fetch failed', { ...logFields, site: siteOf(url), reason: e instanceof OutboundError ? e.reason : String((e as Error)?.message ?? e) });
    throw refused ? new AppError('address_not_allowed', ADDRESS_REFUSED) : new AppError('fetch_failed', `${NO_CALENDAR} ${fetchFailedWhy(e, url, deps.config.outbound)} The timetable was not changed.`);
  }
  checkSize(body, deps.config.outbound.maxBytes);
  const r = await parseFile(deps, { kind: 'ics', text: body.replace(/^\uFEFF/, ''), now: deps.now().getTime(), defaultZone: ctx.orgZone || DEFAULT_ZONE });
  if (!r.ok) {
    deps.logger.warn('timetable subscription is not a timetable', { ...logFields, site: siteOf(url), problems: r.problems.length });
    throw new AppError('fetch_failed', `${NO_CALENDAR} The file there is not an iCalendar timetable this service can read. The timetable was not changed.`);
  }
  return { timeZone: r.timetable.timeZone, weekly: [], dated: r.timetable.dated, freeDays: r.timetable.freeDays, shortenedNames: r.timetable.shortenedNames };
}

/** Subscribes a person's timetable to a calendar URL: fetched and checked now, refreshed on a schedule. */
export async function setSubscription(deps: Deps, actor: AuthUser, userId: string, rawUrl: string): Promise<Timetable> {
  const owner = await requireTimetableManager(deps, actor, userId);
  const url = subscriptionUrl(rawUrl);
  const settings = timetableSettings(owner.settings);
  // One fetch at a time per account, and so many an hour (limits.ts): a failed fetch counts too.
  const read = await limitedTimetableWork(deps, actor.id, { kind: 'subscription', userId }, async () => {
    const rules = await fetchTimetable(deps, url, { weekAStart: settings.weekAStart, orgZone: owner.org_time_zone ?? DEFAULT_ZONE }, { userId });
    await save(deps, userId, 'subscription', rules, actor.id, url);
    return rules;
  });
  // Later refreshes (refreshTimetableSubscriptions) shorten such names as quietly: no one is there to tell.
  return withNotes(await getTimetable(deps, actor, userId), readingNotes(read));
}

/**
 * The scheduled refresh of subscribed timetables (run from the job loop in any number of
 * processes: each subscription is claimed before it is fetched). A failed fetch or a bad
 * calendar keeps the last good timetable and records the error. A turned-off account's
 * calendar is not fetched (repo.claimDueSubscriptions): nothing is asked of a school's
 * server for someone who no longer uses the service.
 */
export async function refreshTimetableSubscriptions(deps: Deps, batch = 20): Promise<{ refreshed: number; failed: number }> {
  const now = deps.now();
  const claimed = await repo.claimDueSubscriptions(deps.db, now.toISOString(), new Date(now.getTime() + 2 * deps.config.outbound.timeoutMs + 2 * deps.config.timetableParsing.timeMs + 60_000).toISOString(), batch);
  let refreshed = 0;
  let failed = 0;
  // A few at a time, so one slow school server does not hold up the rest of the job pass.
  const queue = [...claimed];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await refreshOne(next);
  };
  const refreshOne = async ({ userId, url }: { userId: string; url: string }) => {
    try {
      const [owner] = await repo.usersWithOrg(deps.db, [userId]);
      const settings = timetableSettings(owner?.settings);
      const rules = await fetchTimetable(deps, url, { weekAStart: settings.weekAStart, orgZone: owner?.org_time_zone ?? DEFAULT_ZONE }, { userId });
      const done = deps.now();
      await deps.db.transaction().execute(async (trx) => {
        const head = await repo.findTimetable(trx, userId);
        // The person changed or removed the subscription meanwhile: theirs wins.
        if (!head || head.source !== 'subscription' || head.subscription_url !== url) return;
        await repo.replaceTimetable(
          trx,
          userId,
          { source: 'subscription', timeZone: rules.timeZone, subscriptionUrl: url, lastFetchedAt: done.toISOString(), nextFetchAt: new Date(done.getTime() + REFRESH_EVERY_MS).toISOString(), updatedBy: head.updated_by, updatedAt: done.toISOString(), lockWith: deps.dbKind },
          rules,
        );
      });
      refreshed++;
    } catch (e) {
      failed++;
      // Kept for the person to read: only which of the two things went wrong, never the details.
      const message = e instanceof AppError && e.code === 'address_not_allowed' ? 'That address could not be used' : 'No calendar could be read from it';
      deps.logger.warn('timetable subscription refresh failed', { userId, error: e instanceof AppError ? e.code : String((e as Error)?.message ?? e) });
      const at = deps.now();
      await repo.recordFetchFailure(deps.db, userId, url, message, new Date(at.getTime() + RETRY_AFTER_FAILURE_MS).toISOString());
    }
  };
  await Promise.all(Array.from({ length: Math.min(5, claimed.length) }, worker));
  return { refreshed, failed };
}

// ---------------------------------------------------------------- clashes

interface SessionLike {
  id: string;
  mode: SessionMode;
  starts_at: string;
  ends_at: string;
  capacity_online: number;
  /** The seat to judge it for; without one, the seat a person would most likely take (likelySeat). */
  seat?: 'online' | 'in_person';
}

function rangeOf(windows: { starts_at: string; ends_at: string }[]) {
  const starts = windows.map((w) => Date.parse(w.starts_at));
  const ends = windows.map((w) => Date.parse(w.ends_at));
  // Buffers are at most a day; a day either side covers them.
  return { from: new Date(Math.min(...starts) - 2 * DAY).toISOString(), to: new Date(Math.max(...ends) + 2 * DAY).toISOString() };
}

/**
 * Whether each session fits around a person's timetable, or null when they have none.
 * A session that can be joined online is judged without travel; one that can only be
 * attended in person gets the organisation's travel buffer.
 */
export async function fitsForSessions(deps: Deps, who: Pick<AuthUser, 'id' | 'hasTimetable'>, sessions: SessionLike[]): Promise<Map<string, SessionFit> | null> {
  // Most people have no timetable: known from their sign-in, or one look shared by the
  // requests read together settles it.
  if (!(await callerHasTimetable(deps, who))) return null;
  const userId = who.id;
  const [owner] = await repo.usersWithOrg(deps.db, [userId]);
  if (!owner) return null;
  if (sessions.length === 0) return (await repo.findTimetable(deps.db, userId)) ? new Map() : null;
  const rules = (await repo.loadRules(deps.db, [userId], rangeOf(sessions), userId)).get(userId);
  if (!rules) return null;
  const settings = timetableSettings(owner.settings);
  const tt: TimetableRules = { ...rules, weekAStart: settings.weekAStart };
  const out = new Map<string, SessionFit>();
  for (const s of sessions) {
    const buffer = bufferFor(s.seat ?? likelySeat(s), settings.travelBufferMinutes);
    const clashes = clashesWith(tt, { startsAt: s.starts_at, endsAt: s.ends_at }, buffer);
    out.set(s.id, { fits: clashes.length === 0, clashes, travelBufferMinutes: buffer });
  }
  return out;
}

/** A listed session's fit: for the seat a person would most likely take, and for a hybrid session for each seat kind too (Session.fitBySeat). */
export interface ListedFit {
  fit: SessionFit;
  fitBySeat?: { online: SessionFit; inPerson: SessionFit };
}

/**
 * fitsForSessions for a list: a hybrid session is judged for each seat kind as well, in the
 * same one read of the timetable, so a list can say it fits only if joined online (its
 * in-person seat, with travel time, clashes) rather than that it fits.
 */
export async function fitsForListing(deps: Deps, who: Pick<AuthUser, 'id' | 'hasTimetable'>, sessions: SessionLike[]): Promise<Map<string, ListedFit> | null> {
  const bySeat = sessions.flatMap((s) => (s.mode === 'hybrid' ? (['online', 'in_person'] as const).map((seat) => ({ ...s, id: `${s.id}:${seat}`, seat })) : []));
  const fits = await fitsForSessions(deps, who, [...sessions, ...bySeat]);
  if (!fits) return null;
  const out = new Map<string, ListedFit>();
  for (const s of sessions) {
    const fit = fits.get(s.id);
    if (!fit) continue;
    const online = fits.get(`${s.id}:online`);
    const inPerson = fits.get(`${s.id}:in_person`);
    out.set(s.id, online && inPerson ? { fit, fitBySeat: { online, inPerson } } : { fit });
  }
  return out;
}

/**
 * Whether a signed-in caller has a timetable: known when read with their sign-in, else
 * looked up together with the others asked for meanwhile (batchedLookup).
 */
export async function callerHasTimetable(deps: Deps, caller: Pick<AuthUser, 'id' | 'hasTimetable'>): Promise<boolean> {
  return caller.hasTimetable ?? (await hasTimetable(deps)(caller.id)) === true;
}
const hasTimetable = perDatabase((deps: Deps) => batchedLookup(async (ids: string[]) => new Map([...(await repo.timetableOwners(deps.db, ids))].map((id) => [id, true as const]))));

/**
 * Clashes of bookings (person, session, seat), in the order given; [] where there is no
 * timetable. Most people have no timetable, and every booking asks: a look shared by the
 * requests answered together (batchedLookup) settles it for them, and nothing more is read.
 */
export async function clashesForBookings(deps: Deps, items: { userId: string; sessionId: string; seat: SeatKind }[], caller?: Pick<AuthUser, 'id' | 'hasTimetable'>, seenBy: repo.SeenBy = caller?.id ?? null): Promise<Clash[][]> {
  const owners = await Promise.all([...new Set(items.map((i) => i.userId))].map((id) => (id === caller?.id ? callerHasTimetable(deps, caller) : hasTimetable(deps)(id))));
  return owners.some(Boolean) ? clashesIn(deps.db, items, seenBy) : items.map(() => []);
}

/** Clashes of bookings as `seenBy` may see them (repo.loadRules: the titles of a calendar someone linked themselves are theirs alone). */
async function clashesIn(db: Kysely<Database> | Transaction<Database>, items: { userId: string; sessionId: string; seat: SeatKind }[], seenBy: repo.SeenBy): Promise<Clash[][]> {
  if (items.length === 0) return [];
  // Most people have no timetable: one cheap look settles it for them (every booking asks).
  if (!(await repo.anyTimetable(db, items.map((i) => i.userId)))) return items.map(() => []);
  const sessions = await db.selectFrom('sessions').select(['id', 'starts_at', 'ends_at']).where('id', 'in', [...new Set(items.map((i) => i.sessionId))]).execute();
  if (sessions.length === 0) return items.map(() => []);
  const owners = await repo.usersWithOrg(db, items.map((i) => i.userId));
  const rules = await repo.loadRules(db, items.map((i) => i.userId), rangeOf(sessions), seenBy);
  const sessionById = new Map(sessions.map((x) => [x.id, x]));
  const settingsOf = new Map(owners.map((o) => [o.id, o.settings]));
  return items.map((i) => {
    const s = sessionById.get(i.sessionId);
    const r = rules.get(i.userId);
    if (!s || !r) return [];
    const settings = timetableSettings(settingsOf.get(i.userId));
    return clashesWith({ ...r, weekAStart: settings.weekAStart }, { startsAt: s.starts_at, endsAt: s.ends_at }, bufferFor(i.seat, settings.travelBufferMinutes));
  });
}

/**
 * What a booking's confirmation should add when the booking clashes with the person's
 * timetable: one paragraph naming the lessons (times in `timeZone`), or [] when it does not.
 * For the notification composer; runs inside the booking's transaction.
 */
export async function clashNoticeFor(db: Kysely<Database> | Transaction<Database>, bookingId: string, timeZone: string): Promise<string[]> {
  const b = await db.selectFrom('bookings').select(['user_id', 'session_id', 'seat']).where('id', '=', bookingId).executeTakeFirst();
  if (!b) return [];
  const [notes] = await clashNoticesFor(db, [{ userId: b.user_id, sessionId: b.session_id, seat: b.seat, timeZone }]);
  return notes!;
}

/**
 * clashNoticeFor for many bookings at once (a delivery pass's emails), in a few queries
 * whatever their number: each warning written to its own person, so with their own
 * calendar's titles.
 */
export async function clashNoticesFor(db: Kysely<Database> | Transaction<Database>, items: { userId: string; sessionId: string; seat: SeatKind; timeZone: string }[]): Promise<string[][]> {
  const clashes = await clashesIn(db, items, repo.EACH_THEIR_OWN);
  return items.map((item, i) => clashNoticeText(clashes[i] ?? [], item.timeZone, item.seat));
}

/**
 * A message as someone other than its person reads it (an administrator's outbox), when that
 * person's timetable withholds its titles (repo.withheldLabels): a sent message keeps what it
 * said to them, so the list of lessons in its clash warning (clashNoticeText) is replaced.
 */
export function withoutPrivateClashes(text: string): string {
  return text.replace(/(This session overlaps your timetable(?:, allowing time to travel)?): [\s\S]*?(\. You can still go, but you may need cover)/g, '$1: times in a calendar they gave themselves, what its events are called private to them$2');
}

/** Which of `userIds` have a timetable whose titles only they see (for withoutPrivateClashes). */
export const withholdingLabels = (deps: Deps, userIds: readonly string[]) => repo.withholdingLabels(deps.db, userIds);

/** The words for a clash warning, times in `timeZone`. */
export function clashNoticeText(clashes: Clash[], timeZone: string, seat: SeatKind): string[] {
  if (clashes.length === 0) return [];
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const list = clashes.map((c) => `${c.label} (${day.format(new Date(c.startsAt))}, ${time.format(new Date(c.startsAt))} to ${time.format(new Date(c.endsAt))})`).join('; ');
  const travel = seat === 'in_person' ? ', allowing time to travel' : '';
  return [`This session overlaps your timetable${travel}: ${list}. You can still go, but you may need cover, so please let your school office know.`];
}

type BookingWithSession = Awaited<ReturnType<typeof repo.activeBookings>>[number];
type Delivery = Awaited<ReturnType<typeof repo.sessionsDeliveredBy>>[number];

/**
 * Each (person, session, seat) row with the lessons it clashes with, allowing the person's
 * organisation's travel buffer for an in-person seat; rows that clash with nothing, or whose
 * person has no timetable, are left out. The rows' order is kept.
 */
async function withClashes<T extends { user_id: string; seat: SeatKind; starts_at: string; ends_at: string }>(deps: Deps, rows: T[], seenBy: string | null): Promise<{ row: T; travelBufferMinutes: number; clashes: Clash[] }[]> {
  if (rows.length === 0) return [];
  const userIds = [...new Set(rows.map((b) => b.user_id))];
  const owners = await repo.usersWithOrg(deps.db, userIds);
  const rules = await repo.loadRules(deps.db, userIds, rangeOf(rows), seenBy);
  // Each person's settings once, found by id (a search of every owner per booking made an organisation's report quadratic).
  const settingsOf = new Map(owners.map((o) => [o.id, timetableSettings(o.settings)]));
  const out = [];
  for (const row of rows) {
    const r = rules.get(row.user_id);
    if (!r) continue;
    const settings = settingsOf.get(row.user_id) ?? timetableSettings(undefined);
    const buffer = bufferFor(row.seat, settings.travelBufferMinutes);
    const clashes = clashesWith({ ...r, weekAStart: settings.weekAStart }, { startsAt: row.starts_at, endsAt: row.ends_at }, buffer);
    if (clashes.length > 0) out.push({ row, travelBufferMinutes: buffer, clashes });
  }
  return out;
}

/** A booking that needs cover, as the report and a person's own clashes list it. */
const bookingItem = (b: BookingWithSession, travelBufferMinutes: number, clashes: Clash[]) => ({
  bookingId: b.booking_id,
  status: b.status,
  seat: b.seat,
  session: { id: b.session_id, title: b.title, mode: b.mode, startsAt: b.starts_at, endsAt: b.ends_at, venue: b.venue },
  travelBufferMinutes,
  clashes,
  userId: b.user_id,
  userName: b.user_name,
  userEmail: b.user_email,
});

async function clashingBookings(deps: Deps, bookings: BookingWithSession[], seenBy: string) {
  return (await withClashes(deps, bookings, seenBy)).map(({ row, travelBufferMinutes, clashes }) => bookingItem(row, travelBufferMinutes, clashes));
}

/**
 * Where someone delivering a session is while it runs: online for an online session, at its
 * venue for any other. A hybrid session is run from its room (the online seats join it, and
 * the in-person register is taken there), so its deliverer gets the travel buffer as an
 * in-person booking does; for a report of lessons to cover, a lesson covered that turns out
 * not to need it is the lesser mistake.
 */
const deliverySeat = (mode: SessionMode): SeatKind => (mode === 'online' ? 'online' : 'in_person');

/**
 * The report's bookings and deliveries that clash with a lesson, judged in one read of the
 * timetables of everyone in either (a lead both booked elsewhere and delivering is read once).
 */
async function clashingCover(deps: Deps, booked: BookingWithSession[], deliveries: Delivery[], seenBy: string): Promise<CoverItem[]> {
  const rows = [...booked.map((b) => ({ ...b, delivery: false as const })), ...deliveries.map((d) => ({ ...d, seat: deliverySeat(d.mode), delivery: true as const }))];
  return (await withClashes(deps, rows, seenBy)).map(({ row, travelBufferMinutes, clashes }) =>
    row.delivery
      ? {
          role: 'delivering' as const,
          seat: row.seat,
          session: { id: row.session_id, title: row.title, mode: row.mode, startsAt: row.starts_at, endsAt: row.ends_at, venue: row.venue },
          travelBufferMinutes,
          clashes,
          userId: row.user_id,
          userName: row.user_name,
          userEmail: row.user_email,
        }
      : { role: 'booked' as const, ...bookingItem(row, travelBufferMinutes, clashes) },
  );
}

/**
 * Soonest first and then by name as people read names (en-GB: "adam" beside "Adam", not after
 * "Zoe"), the same on both databases: bookings and deliveries each come sorted by the
 * database's own collation (PostgreSQL's locale, SQLite's bytes), which put together by code
 * units would interleave out of order. The sort is stable, so each list's order is kept within a tie.
 */
const byName = new Intl.Collator('en-GB');
const inReadingOrder = (items: CoverItem[]) => items.sort((x, y) => Date.parse(x.session.startsAt) - Date.parse(y.session.startsAt) || byName.compare(x.userName, y.userName));

/**
 * The caller's active bookings (confirmed, offered, waitlisted) that clash with their own
 * timetable, on the sessions that exist for them as they now are (as My bookings lists them):
 * not a place on an in-house session of an organisation they have since left (DESIGN.md
 * invariant 12), one over before they moved and so never given up.
 */
export async function myClashes(deps: Deps, actor: Pick<AuthUser, 'id' | 'role' | 'orgId'>, range: { from?: string; to?: string } = {}) {
  const viewer = await viewerFor(deps.db, actor);
  const bookings = await repo.activeBookings(deps.db, { userId: actor.id, viewer, from: rangeEdge(range.from, 'from'), to: rangeEdge(range.to, 'to'), now: deps.now().toISOString() });
  const items = await clashingBookings(deps, bookings, actor.id);
  return { items: items.map(({ userId: _u, userName: _n, userEmail: _e, ...rest }) => rest) };
}

/**
 * The instant (ms) `days` calendar days in England after `instant` (the same time of day there): a
 * day across a change of the clocks is 23 or 25 hours long, so a range of dates is measured in
 * days as the pages count them (web/src/timetable/CoverPage.tsx), not in 24-hour stretches.
 */
function calendarDaysOnInEngland(instant: string, days: number): number {
  return Temporal.Instant.from(instant).toZonedDateTimeISO('Europe/London').add({ days }).epochMilliseconds;
}

/**
 * Who of an organisation's staff needs cover in [from, to): every active booking that clashes
 * with a timetabled lesson, and every session one of them delivers that does (they are away
 * from their class just the same), soonest first.
 */
export async function coverReport(deps: Deps, actor: AuthUser, orgId: string, q: { from?: string; to?: string }): Promise<CoverReport> {
  if (!(await orgsActableBy(deps.db, actor)).has(orgId)) throw new AppError('forbidden', 'You can only see the cover report of the organisations you book for.');
  const org = await repo.findOrgSettings(deps.db, orgId);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  const from = rangeEdge(q.from, 'from') ?? deps.now().toISOString();
  const to = rangeEdge(q.to, 'to') ?? new Date(Date.parse(from) + 28 * DAY).toISOString();
  if (to <= from) throw new AppError('validation_failed', 'to must be after from.', { issues: [{ path: 'to', message: 'must be after from' }] });
  if (Date.parse(to) > calendarDaysOnInEngland(from, MAX_COVER_REPORT_DAYS)) throw new AppError('validation_failed', `A cover report may span at most ${MAX_COVER_REPORT_DAYS} days.`, { issues: [{ path: 'to', message: `at most ${MAX_COVER_REPORT_DAYS} days after from` }] });
  // One more than the bound is read of each, so a range holding more is refused rather than cut short.
  const max = deps.config.maxReportBookings;
  // Only sessions the reader may see, booked or delivered: a school's own in-house sessions are not its trust's office's.
  const scope = { orgId, viewer: await viewerFor(deps.db, actor), from, to };
  const [bookings, deliveries] = await Promise.all([repo.activeBookings(deps.db, { ...scope, now: deps.now().toISOString() }, max + 1), repo.sessionsDeliveredBy(deps.db, scope, max + 1)]);
  // Someone booked on a session they deliver is there to deliver it: listed once, so. A person
  // has one active booking per session, so each delivery drops at most one booking, and the
  // rows counted reach the bound whenever either read did.
  const delivering = new Set(deliveries.map((d) => `${d.user_id} ${d.session_id}`));
  const booked = bookings.filter((b) => !delivering.has(`${b.user_id} ${b.session_id}`));
  if (booked.length + deliveries.length > max) {
    const what = deliveries.length ? 'bookings and sessions delivered' : 'bookings';
    throw new AppError('report_too_large', `There are more than ${max.toLocaleString('en-GB')} ${what} between these dates, too many for one report: choose a shorter range.`, { max });
  }
  return { orgId, from, to, items: inReadingOrder(await clashingCover(deps, booked, deliveries, actor.id)) };
}

/**
 * The cover report as a spreadsheet: one row per lesson that needs cover, dates and times in
 * England (UK time), as the page it is downloaded from shows them (and its file is dated),
 * whatever zone the organisation's own settings name.
 */
export async function coverCsv(deps: Deps, actor: AuthUser, orgId: string, q: { from?: string; to?: string }): Promise<{ csv: string; filename: string }> {
  const report = await coverReport(deps, actor, orgId, q);
  const zone = DEFAULT_ZONE;
  const date = (iso: string) => {
    const p = localParts(Date.parse(iso), zone);
    return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  };
  const time = (iso: string) => {
    const p = localParts(Date.parse(iso), zone);
    return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  };
  const rows = report.items.flatMap((i) =>
    i.clashes.map((c) => ({
      staff: i.userName,
      email: i.userEmail,
      session: i.session.title,
      sessionDate: date(i.session.startsAt),
      sessionStart: time(i.session.startsAt),
      sessionEnd: time(i.session.endsAt),
      role: i.role === 'delivering' ? 'Delivering' : 'Booked',
      seat: i.seat === 'in_person' ? 'In person' : 'Online',
      // A session delivered has no booking, so no booking status.
      status: i.role === 'booked' ? i.status : '',
      travel: i.travelBufferMinutes,
      lesson: c.label,
      lessonDate: date(c.startsAt),
      lessonStart: time(c.startsAt),
      lessonEnd: time(c.endsAt),
    })),
  );
  const csv = writeCsv(rows, {
    header: true,
    bom: true,
    columns: [
      { key: 'staff', header: 'Staff member' },
      { key: 'email', header: 'Email' },
      { key: 'session', header: 'Session' },
      { key: 'sessionDate', header: 'Session date' },
      { key: 'sessionStart', header: 'Session start' },
      { key: 'sessionEnd', header: 'Session end' },
      { key: 'role', header: 'Taking part as' },
      { key: 'seat', header: 'Attending' },
      { key: 'status', header: 'Booking status' },
      { key: 'travel', header: 'Travel buffer (minutes)' },
      { key: 'lesson', header: 'Lesson needing cover' },
      { key: 'lessonDate', header: 'Lesson date' },
      { key: 'lessonStart', header: 'Lesson start' },
      { key: 'lessonEnd', header: 'Lesson end' },
    ],
  });
  // Named by the days in England it covers, as asked for: the first and the last.
  return { csv, filename: `cover-${dayInEngland(report.from)}-to-${lastDayOf(report.to)}.csv` };
}
