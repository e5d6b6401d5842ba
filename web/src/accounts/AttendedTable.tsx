/**
 * Sessions a person attended, newest first, each with its certificate of attendance: the
 * table of "My training record" and of a person's record on People. One table, so both say
 * the same things the same way.
 */
import type { z } from 'zod';
import type { Completion } from '../../../shared/attendance.js';
import { DownloadAnchor } from '../components.js';
import { formatDate, formatTimeRange, plural, seatLabel } from '../format.js';
import { Link } from '../router.js';

/**
 * "3 sessions attended, 130 minutes in all.": the line above the table. A session whose
 * minutes present were not recorded (a hand tick with no minutes) is counted as such, never
 * as 0 minutes: for CPD evidence, an unknown time is not no time.
 */
export function attendedSummary(items: Pick<z.infer<typeof Completion>, 'minutes'>[]): string {
  const sessions = plural(items.length, 'session');
  const unknown = items.filter((c) => c.minutes === null).length;
  const minutes = items.reduce((n, c) => n + (c.minutes ?? 0), 0);
  if (unknown === 0) return `${sessions} attended, ${plural(minutes, 'minute')} in all.`;
  if (unknown === items.length) return unknown === 1 ? `${sessions} attended; its minutes present were not recorded.` : `${sessions} attended; minutes present were not recorded for any of them.`;
  return `${sessions} attended, ${plural(minutes, 'minute')} in all, and ${plural(unknown, 'session')} whose minutes were not recorded.`;
}

/** `certificates`: the certificate column (false for office staff, who read a person's record but may not download their certificates). */
export function AttendedTable({ items, caption, labelledBy, certificates = true }: { items: z.infer<typeof Completion>[]; caption?: string; labelledBy?: string; certificates?: boolean }) {
  return (
    <table class="stack" aria-labelledby={labelledBy}>
      {caption && <caption class="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Session</th>
          <th scope="col">Date</th>
          <th scope="col">Seat</th>
          <th scope="col">Minutes present</th>
          {certificates && <th scope="col">Certificate</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.bookingId}>
            <th scope="row" data-label="Session">
              <Link href={`/sessions/${c.sessionId}`}>{c.title}</Link>
              {c.audience !== 'programme' && <> ({c.audience})</>}
            </th>
            <td data-label="Date">
              <time dateTime={c.startsAt}>{formatDate(c.startsAt)}</time>, {formatTimeRange(c.startsAt, c.endsAt)}
            </td>
            <td data-label="Seat">{seatLabel[c.seat]}</td>
            <td data-label="Minutes present">{c.minutes ?? 'not recorded'}</td>
            {certificates && (
              <td data-label="Certificate">
                <DownloadAnchor href={`/api/bookings/${encodeURIComponent(c.bookingId)}/certificate.pdf`} fallbackName="certificate.pdf" what="certificate">
                  Certificate (PDF)<span class="visually-hidden"> for {c.title}</span>
                </DownloadAnchor>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
