import { useState } from 'preact/hooks';
import { Booking } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { PageHeading, Status, useApp } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { BookingDetails } from './BookingsPage.js';

/** One booking, the page emails link to. */
export function BookingPage({ id }: { id: string }) {
  const { loc, me } = useApp();
  const booking = useLoad(() => api(`/api/bookings/${encodeURIComponent(id)}`, Booking), [id]);
  const [status, setStatus] = useState('');
  const b = booking.data;

  const title = b ? `Booking: ${b.session.title}` : booking.error ? 'Booking not available' : 'Booking';
  return (
    <>
      <p class="back">
        {/* Office staff open their staff's bookings from "Who is booked where": back there, not to their own. */}
        {b && b.userId !== me.id ? (
          me.role === 'office' || me.role === 'admin' ? <Link href="/office/bookings">Back to who is booked where</Link> : <Link href="/sessions">Back to all sessions</Link>
        ) : (
          <Link href="/bookings">Back to my bookings</Link>
        )}
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      <Status message={status} />
      <Loaded state={booking} what="the booking">
        {(b) => (
          <>
            <BookingDetails
              b={b}
              headingLevel={null}
              onChanged={(next, message) => {
                booking.set(next);
                setStatus(message);
                document.querySelector<HTMLElement>('h1')?.focus();
              }}
            />
            <p>
              <Link href={`/sessions/${b.sessionId}`}>See the session’s details</Link>
            </p>
          </>
        )}
      </Loaded>
    </>
  );
}
