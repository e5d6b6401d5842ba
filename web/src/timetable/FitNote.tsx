/**
 * Whether a session fits the viewer's timetable, in words: for the session list, the
 * session page and the booking answer. Renders nothing when the viewer has no timetable.
 */
import type { Clash, SessionFit } from '../../../shared/timetables.js';
import { ENGLAND, fmtIn, formatTimeRange } from '../format.js';

const SHORT_DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };

/** "P3 Maths, Mon 19 Jan, 11:10 to 12:10 GMT" for each clash: its day and times in England (unless told another zone). */
export function clashText(c: Clash, timeZone: string = ENGLAND) {
  return `${c.label}, ${fmtIn(SHORT_DAY, timeZone).format(new Date(c.startsAt))}, ${formatTimeRange(c.startsAt, c.endsAt, timeZone)}`;
}

/** "Fits your timetable" or "Clashes with your timetable", saying when travel time to and from an in-person seat was allowed for. */
export function fitHeadline(fit: SessionFit): string {
  const travel = fit.travelBufferMinutes ? ` (allowing ${fit.travelBufferMinutes} minutes to travel)` : '';
  return fit.fits ? `Fits your timetable${travel}` : `Clashes with your timetable${travel}`;
}

export function FitNote({ fit, timeZone }: { fit: SessionFit | null | undefined; timeZone?: string }) {
  if (!fit) return null;
  if (fit.fits) {
    return (
      <p class="fit fit-yes">
        <span class="fit-mark" aria-hidden="true">✓</span> {fitHeadline(fit)}
      </p>
    );
  }
  return (
    <div class="fit fit-no">
      <p>
        <span class="fit-mark" aria-hidden="true">!</span> {fitHeadline(fit)}:
      </p>
      <ul>
        {fit.clashes.map((c) => (
          <li key={c.startsAt + c.label}>{clashText(c, timeZone)}</li>
        ))}
      </ul>
    </div>
  );
}

/** The warning after booking a session that clashes: booking stands, cover may be needed. */
export function BookedClashWarning({ clashes }: { clashes: Clash[] | undefined }) {
  if (!clashes || clashes.length === 0) return null;
  return (
    <div class="notice notice-warning" role="status">
      <p>
        <strong>This session clashes with your timetable.</strong> Your booking stands, but you may need cover for:
      </p>
      <ul>
        {clashes.map((c) => (
          <li key={c.startsAt + c.label}>{clashText(c)}</li>
        ))}
      </ul>
      <p>Please let your school office know.</p>
    </div>
  );
}
