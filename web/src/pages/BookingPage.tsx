import { useState } from 'preact/hooks';
import { Booking } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { PageHeading, Status, useApp } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { BookingDetails, useOfferLapsed } from './BookingsPage.js';
import { useFocusNoticeOnLapse } from './offerLapse.js';

/**
 * Where "Back to who is booked where" goes: the list as it was when Manage was pressed (its
 * organisation, dates and page, passed as `back`), and only ever that list of this site.
 */
function listBack(back: string | null): string {
  return back && /^\/office\/bookings(\?[^#]*)?$/.test(back) ? back : '/office/bookings';
}

/** One booking, the page emails link to. */
export function BookingPage({ id }: { id: string }) {
  const { loc, me } = useApp();
  const booking = useLoad(() => api(`/api/bookings/${encodeURIComponent(id)}`, Booking), [id]);
  const [status, setStatus] = useState('');
  const b = booking.data;
  // An offer that lapses while the page is open takes "Accept seat" and "Decline" with it:
  // focus that was on them moves to the notice that it expired (announced either way).
  const lapsed = useOfferLapsed(b ?? null);
  useFocusNoticeOnLapse(b ?? null, lapsed, 'offer-expired-notice');

  const title = b ? `Booking: ${b.session.title}` : booking.error ? 'Booking not available' : 'Booking';
  return (
    <>
      <p class="back">
        {/* Office staff open their staff's bookings from "Who is booked where": back there, not to their own. */}
        {b && b.userId !== me.id ? (
          me.role === 'office' || me.role === 'admin' ? <Link href={listBack(loc.query.get('back'))}>Back to who is booked where</Link> : <Link href="/sessions">Back to all sessions</Link>
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
            <div data-booking={b.id}>
              <BookingDetails
                b={b}
                headingLevel={null}
                lapseNoticeId="offer-expired-notice"
                onChanged={(next, message) => {
                  booking.set(next);
                  setStatus(message);
                  document.querySelector<HTMLElement>('h1')?.focus();
                }}
                onRefused={() => booking.reload()}
              />
            </div>
            <p>
              <Link href={`/sessions/${b.sessionId}`}>See the session’s details</Link>
            </p>
          </>
        )}
      </Loaded>
    </>
  );
}
