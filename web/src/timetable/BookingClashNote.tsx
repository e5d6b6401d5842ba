/**
 * My bookings: a booking that clashes with the person's timetable (`GET /api/me/clashes`),
 * said in words on the booking itself, since a timetable uploaded or changed after booking
 * is only checked there; and, when that check could not be made, a short note with a retry
 * (the bookings themselves stay on the page).
 */
import type { z } from 'zod';
import type { ClashedBooking } from '../../../shared/timetables.js';
import { formatTimeRange } from '../format.js';
import { Retry } from '../load.js';

type Clashed = z.infer<typeof ClashedBooking>;

/** "Clashes with your timetable: Year 5 maths (09:00 to 10:00 GMT)…"; nothing when the booking fits or has not been checked. */
export function BookingClashNote({ clash }: { clash: Clashed | undefined }) {
  if (!clash || clash.clashes.length === 0) return null;
  const lessons = clash.clashes.map((c) => `${c.label} (${formatTimeRange(c.startsAt, c.endsAt)})`).join('; ');
  const travel = clash.travelBufferMinutes ? `, allowing ${clash.travelBufferMinutes} minutes to travel` : '';
  return (
    <p class="notice notice-warning">
      Clashes with your timetable{travel}: {lessons}. You may need cover, so let your school office know.
    </p>
  );
}

/** The clash check failed: said briefly, with a retry; the bookings stay as they are. */
export function ClashCheckFailed({ error, busy, onRetry }: { error: unknown; busy: boolean; onRetry: () => void }) {
  if (!error) return null;
  // The shared Retry: once the check works the notice goes, and focus (on its button) goes to the heading before it, not <body>.
  return <Retry error={error} message="Could not check your bookings against your timetable just now, so clashes are not shown." onRetry={onRetry} busy={busy} label="Check for clashes again" busyLabel="Checking…" />;
}
