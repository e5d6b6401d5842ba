/** "Who is coming" as a spreadsheet: UTF-8 with a BOM and CRLF for Excel, formulas neutralised. */
import { writeCsv } from '../platform/csv.js';
import type { AttendeeEntry } from '../../shared/bookings.js';
import { localDateTime } from '../calendar/timezones.js';

export const ATTENDEE_COLUMNS = ['name', 'email', 'school', 'seat', 'status', 'waitlist position', 'booked by', 'booked at', 'audience'];

const SEAT = { in_person: 'in person', online: 'online' } as const;

/**
 * `audience`: who the session is for (`audienceLabel`), on every row, so in-house lists are told apart.
 * "booked at" is the wall clock in `timeZone`, the session's own (England's), as the office's export writes it.
 */
export function attendeesCsv(items: AttendeeEntry[], audience: string, timeZone: string): string {
  return writeCsv([ATTENDEE_COLUMNS, ...items.map((r) => [r.name, r.email, r.orgName ?? '', SEAT[r.seat], r.status, r.position ?? '', r.bookedBy ?? '', localDateTime(r.bookedAt, timeZone), audience])], { bom: true });
}
