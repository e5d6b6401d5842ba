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
  if (!isDateOnly(value)) return new Date(value).toISOString();
  const day = Temporal.PlainDate.from(value).add({ days: edge === 'to' ? 1 : 0 });
  return new Date(day.toZonedDateTime(RANGE_ZONE).epochMilliseconds).toISOString();
}

/** The date (YYYY-MM-DD) of an instant in England: the day a file, a record or a certificate is dated by. */
export function dayInEngland(instant: string | Date): string {
  return Temporal.Instant.fromEpochMilliseconds(new Date(instant).getTime()).toZonedDateTimeISO(RANGE_ZONE).toPlainDate().toString();
}
