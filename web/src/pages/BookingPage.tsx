import { useEffect, useState } from 'preact/hooks';
import { Booking } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { LoadError, PageHeading, Status, useApp } from '../components.js';
import { Link } from '../router.js';
import { BookingDetails } from './BookingsPage.js';

/** One booking, the page emails link to. */
export function BookingPage({ id }: { id: string }) {
  const { loc } = useApp();
  const [b, setB] = useState<Booking | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    api(`/api/bookings/${encodeURIComponent(id)}`, Booking).then(setB, setError);
  }, [id]);

  const title = b ? `Booking: ${b.session.title}` : error ? 'Booking not available' : 'Booking';
  return (
    <>
      <p class="back">
        <Link href="/bookings">Back to my bookings</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      <Status message={status} />
      {error ? (
        <LoadError error={error} />
      ) : !b ? (
        <p>Loading booking…</p>
      ) : (
        <>
          <BookingDetails
            b={b}
            headingLevel={null}
            onChanged={(next, message) => {
              setB(next);
              setStatus(message);
              document.querySelector<HTMLElement>('h1')?.focus();
            }}
          />
          <p>
            <Link href={`/sessions/${b.sessionId}`}>See the session’s details</Link>
          </p>
        </>
      )}
    </>
  );
}
