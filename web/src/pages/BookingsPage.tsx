import { useEffect, useState } from 'preact/hooks';
import { Booking, BookingList } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { Alert, Badge, ConfirmButton, Fact, LoadError, messageOf, PageHeading, Status, useApp, When } from '../components.js';
import { formatDateTime, ordinal, seatLabel, statusLabel } from '../format.js';
import { Link } from '../router.js';

const ACTIVE = new Set(['confirmed', 'waitlisted', 'offered']);

/** What the person can do with a booking, and what happened when they did. */
function useBookingActions(onChanged: (b: Booking, message: string) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  async function run(b: Booking, action: 'cancel' | 'leave' | 'accept' | 'decline') {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const path = `/api/bookings/${encodeURIComponent(b.id)}`;
      const next =
        action === 'accept' ? await api(`${path}/accept`, Booking, { method: 'POST' })
        : action === 'decline' ? await api(`${path}/decline`, Booking, { method: 'POST' })
        : await api(path, Booking, { method: 'DELETE' });
      const t = b.session.title;
      const message =
        action === 'accept' ? `Seat accepted: your place on “${t}” is confirmed.`
        : action === 'decline' ? `Offer declined for “${t}”. The seat passes to the next person.`
        : action === 'leave' ? `You left the waitlist for “${t}”.`
        : `Booking cancelled for “${t}”.`;
      onChanged(next, message);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

/** One booking: its session, status, queue place or offer expiry, and the actions it allows. */
export function BookingDetails({ b, headingLevel, onChanged }: { b: Booking; headingLevel: 3 | null; onChanged: (b: Booking, message: string) => void }) {
  const { busy, error, run } = useBookingActions(onChanged);
  const { me } = useApp();
  const s = b.session;
  const headingId = `booking-${b.id}-title`;
  const active = ACTIVE.has(b.status) && s.status !== 'cancelled';
  return (
    <>
      {headingLevel && (
        <h3 id={headingId} class="card-title" tabIndex={-1}>
          <Link href={`/bookings/${b.id}`}>{s.title}</Link>
        </h3>
      )}
      <p class="booking-status">
        <Badge tone={b.status}>{statusLabel[b.status]}</Badge>
        {b.status === 'waitlisted' && b.position !== null && <span class="queue">You are {ordinal(b.position)} in the queue</span>}
        {s.status === 'cancelled' && <Badge tone="cancelled">Session cancelled</Badge>}
      </p>
      {b.status === 'offered' && b.offerExpiresAt && (
        <p class="notice notice-info">
          A seat has come free and is held for you until <strong>{formatDateTime(b.offerExpiresAt)}</strong>. Accept it before then, or it goes to the next person.
        </p>
      )}
      <dl class="facts">
        {b.userId !== me.id && (
          <Fact label="Person">{b.userName}</Fact>
        )}
        <Fact label="When"><When startsAt={s.startsAt} endsAt={s.endsAt} /></Fact>
        <Fact label="Seat">{seatLabel[b.seat]}
            {s.mode === 'hybrid' && ' (hybrid session)'}</Fact>
        {s.venue && b.seat === 'in_person' && (
          <Fact label="Venue">{s.venue}</Fact>
        )}
      </dl>
      <div class="actions">
        {active && (
          <a class="button button-secondary" href={`/api/bookings/${encodeURIComponent(b.id)}/invite.ics`} download={`booking-${b.id}.ics`}>
            Add to calendar<span class="visually-hidden">: {s.title}</span>
          </a>
        )}
        {b.status === 'offered' && s.status !== 'cancelled' && (
          <>
            <button type="button" class="button" onClick={() => run(b, 'accept')} aria-disabled={busy ? 'true' : undefined}>
              Accept seat<span class="visually-hidden">: {s.title}</span>
            </button>
            <ConfirmButton label="Decline offer" question="Decline this seat? It will go to the next person on the waitlist." confirmLabel="Yes, decline the seat" keepLabel="Keep the offer" busy={busy} onConfirm={() => run(b, 'decline')} variant="secondary" />
          </>
        )}
        {b.status === 'confirmed' && s.status !== 'cancelled' && (
          <ConfirmButton label="Cancel booking" question={`Cancel your booking for “${s.title}”? Your seat will go to someone else.`} confirmLabel="Yes, cancel my booking" keepLabel="Keep my booking" busy={busy} onConfirm={() => run(b, 'cancel')} />
        )}
        {b.status === 'waitlisted' && s.status !== 'cancelled' && (
          <ConfirmButton label="Leave waitlist" question={`Leave the waitlist for “${s.title}”? You will lose your place in the queue.`} confirmLabel="Yes, leave the waitlist" keepLabel="Stay on the waitlist" busy={busy} onConfirm={() => run(b, 'leave')} />
        )}
      </div>
      <Alert message={error} />
    </>
  );
}

export function BookingsPage() {
  const { loc } = useApp();
  const [items, setItems] = useState<Booking[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');

  async function load() {
    try {
      setItems((await api('/api/me/bookings', BookingList)).items);
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => void load(), []);

  const upcoming = items?.filter((b) => ACTIVE.has(b.status) && b.session.status !== 'cancelled') ?? [];
  const past = items?.filter((b) => !upcoming.includes(b)) ?? [];

  function changed(b: Booking, message: string) {
    setStatus(message);
    void load().then(() => document.getElementById(`booking-${b.id}-title`)?.focus());
  }

  const list = (bs: Booking[]) => (
    <ul class="cards plain">
      {bs.map((b) => (
        <li key={b.id}>
          <article class="card" aria-labelledby={`booking-${b.id}-title`}>
            <BookingDetails b={b} headingLevel={3} onChanged={changed} />
          </article>
        </li>
      ))}
    </ul>
  );

  return (
    <>
      <PageHeading title="My bookings" navigated={loc.navigated}>
        My bookings
      </PageHeading>
      <Status message={status} />
      {error ? (
        <LoadError error={error} />
      ) : !items ? (
        <p>Loading your bookings…</p>
      ) : items.length === 0 ? (
        <p>
          You have no bookings yet. <Link href="/sessions">Find a session to book</Link>.
        </p>
      ) : (
        <>
          <section aria-labelledby="current-title">
            <h2 id="current-title" class="section-title">Current bookings and waitlist places</h2>
            {upcoming.length ? list(upcoming) : <p>None at the moment.</p>}
          </section>
          {past.length > 0 && (
            <section aria-labelledby="past-title">
              <h2 id="past-title" class="section-title">Cancelled and past</h2>
              {list(past)}
            </section>
          )}
        </>
      )}
    </>
  );
}
