/** "Who is coming" as a spreadsheet: UTF-8 with a BOM and CRLF for Excel, formulas neutralised. */
import { writeCsv } from '../platform/csv.js';
import type { AttendeeEntry } from '../../shared/bookings.js';
import { localDateTime } from '../calendar/timezones.js';

/**
 * Read by place by integrations: a column is never moved, and a new one goes last. `time zone`
 * (added last) names the zone "booked at" is written in, as the office's bookings export does.
 */
export const ATTENDEE_COLUMNS = ['name', 'email', 'school', 'seat', 'status', 'waitlist position', 'booked by', 'booked at', 'audience', 'time zone'];

const SEAT = { in_person: 'in person', online: 'online' } as const;

/** "booked by" of a place its person booked: as Who is coming says it ("Themselves"), in the file's lower-case words. */
export const BOOKED_THEMSELVES = 'themselves';

/**
 * `audience`: who the session is for (`audienceLabel`), on every row, so in-house lists are told apart.
 * "booked at" is the wall clock in `timeZone`, the session's own (England's), named in the last
 * column, `time zone`, as the office's export writes its times (a wall clock and its IANA zone).
 * "booked by" names who booked the place for the person, or says they booked it `themselves`.
 */
export function attendeesCsv(items: AttendeeEntry[], audience: string, timeZone: string): string {
  return writeCsv([ATTENDEE_COLUMNS, ...items.map((r) => [r.name, r.email, r.orgName ?? '', SEAT[r.seat], r.status, r.position ?? '', r.bookedBy ?? BOOKED_THEMSELVES, localDateTime(r.bookedAt, timeZone), audience, timeZone])], { bom: true });
}
