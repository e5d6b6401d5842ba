/**
 * Links from a session's page to its live pages, for whoever may use them: the live room
 * (confirmed online seat, trainers), in-person check-in (confirmed in-person seat), and the
 * register with the check-in code (trainers, admins). Renders nothing when none applies.
 */
import type { Booking } from '../../../shared/bookings.js';
import type { Session } from '../../../shared/sessions.js';
import type { MeValue } from '../components.js';
import { Link } from '../router.js';

export function LiveLinks({ session, booking, me }: { session: Pick<Session, 'id' | 'mode' | 'status' | 'trainerIds'>; booking: Pick<Booking, 'status' | 'seat'> | null; me: Pick<MeValue, 'id' | 'role'> }) {
  if (session.status === 'cancelled') return null;
  const id = encodeURIComponent(session.id);
  const host = me.role === 'admin' || session.trainerIds.includes(me.id);
  const confirmed = booking?.status === 'confirmed' || booking?.status === 'attended';
  const online = session.mode !== 'in_person' && (host || (confirmed && booking?.seat === 'online'));
  const checkin = session.mode !== 'online' && confirmed && booking?.seat === 'in_person';
  const register = host;
  if (!online && !checkin && !register) return null;
  return (
    <section aria-labelledby="live-links-title" class="panel">
      <h2 id="live-links-title">On the day</h2>
      <ul>
        {online && (
          <li>
            <Link href={`/sessions/${id}/room`}>Go to the live room</Link> (opens 15 minutes before the start)
          </li>
        )}
        {checkin && (
          <li>
            <Link href={`/sessions/${id}/checkin`}>Check in</Link> with the code the trainer shows in the room
          </li>
        )}
        {register && (
          <li>
            <Link href={`/sessions/${id}/register`}>Register and check-in code</Link>
          </li>
        )}
      </ul>
    </section>
  );
}
