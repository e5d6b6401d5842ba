/** "Who is coming" as a spreadsheet: UTF-8 with a BOM and CRLF for Excel, formulas neutralised. */
import { stringify } from 'csv-stringify/sync';
import type { AttendeeEntry } from '../../shared/bookings.js';

export const ATTENDEE_COLUMNS = ['name', 'email', 'school', 'seat', 'status', 'waitlist position', 'booked by', 'booked at', 'audience'];

const SEAT = { in_person: 'in person', online: 'online' } as const;

/** `audience`: who the session is for (`audienceLabel`), on every row, so in-house lists are told apart. */
export function attendeesCsv(items: AttendeeEntry[], audience: string): string {
  return stringify(
    [ATTENDEE_COLUMNS, ...items.map((r) => [r.name, r.email, r.orgName ?? '', SEAT[r.seat], r.status, r.position ?? '', r.bookedBy ?? '', r.bookedAt, audience])],
    // Cells starting = + - @ tab or CR get a leading ' so they stay text; a bare line break is quoted.
    { bom: true, record_delimiter: 'windows', escape_formulas: true, quoted_match: /[\r\n]/ },
  );
}
