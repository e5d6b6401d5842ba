/**
 * Days in England (Europe/London, by Temporal). A range's end asked for in a query (RangeEdge
 * in shared/common.ts) as the instant it names: a date alone is that day in England, `from` at
 * its start and `to` at its end (the next day's start), so a range of dates includes its last
 * day. And the day an instant falls on there.
 */
import { Temporal } from 'temporal-polyfill';
import { isDateOnly } from '../../shared/common.js';

const RANGE_ZONE = 'Europe/London';

export function rangeEdge(value: string | undefined, edge: 'from' | 'to'): string | undefined {
  if (value === undefined) return undefined;
  const ms = isDateOnly(value) ? Temporal.PlainDate.from(value).add({ days: edge === 'to' ? 1 : 0 }).toZonedDateTime(RANGE_ZONE).epochMilliseconds : Date.parse(value);
  // Instants are compared as text in the database, and one outside the years 0000-9999 is
  // written "+010000-…" or "-000001-…", which sorts before every other: the end of 9999 (a
  // `to` of 9999-12-31, as "no end") is kept within them, as is a start before the year 0.
  return new Date(Math.min(Math.max(ms, EARLIEST), LATEST)).toISOString();
}

const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** The date (YYYY-MM-DD) of an instant in England: the day a file, a record or a certificate is dated by. */
export function dayInEngland(instant: string | Date): string {
  return Temporal.Instant.fromEpochMilliseconds(new Date(instant).getTime()).toZonedDateTimeISO(RANGE_ZONE).toPlainDate().toString();
}
