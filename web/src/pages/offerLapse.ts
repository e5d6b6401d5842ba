import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { useFocusLater } from '../components.js';

/** Whether focus is on nothing: on <body>, or on an element no longer in the page. */
const focusLost = () => {
  const a = document.activeElement;
  return !a || a === document.body || !a.isConnected;
};

/**
 * The booking whose element (`data-booking` on it: a card on My bookings, the booking shown
 * under "Your place" on a session page) focus is in, or was in when it was lost because what
 * held it left the page (an offer's buttons when the offer lapses, or a whole card moving to
 * another list); null once focus is elsewhere, or put down on nothing (a click on text).
 */
export function useFocusedBooking() {
  const booking = useRef<string | null>(null);
  useEffect(() => {
    const onIn = (e: FocusEvent) => {
      booking.current = e.target instanceof Element ? (e.target.closest('[data-booking]')?.getAttribute('data-booking') ?? null) : null;
    };
    const onOut = (e: FocusEvent) => {
      const from = e.target;
      // Told apart after the event: a control removed from the page (focus lost with it) is
      // no longer connected; one the person left for nothing still is.
      queueMicrotask(() => {
        if (from instanceof Node && from.isConnected && focusLost()) booking.current = null;
      });
    };
    document.addEventListener('focusin', onIn);
    document.addEventListener('focusout', onOut);
    return () => {
      document.removeEventListener('focusin', onIn);
      document.removeEventListener('focusout', onOut);
    };
  }, []);
  return booking;
}

/**
 * For a page showing one booking `b` (in an element with `data-booking`): when it was an offer
 * shown as current on the page's last render and has lapsed by this one (`lapsed`, from
 * useOfferLapsed), taking "Accept seat" and "Decline" with it, and focus was in the booking
 * and went with them, the notice that it expired (the element `noticeId`, focusable) takes
 * focus instead of leaving it on <body>. Focus anywhere else stays where it is; the notice is
 * to be in a live region there from the start, so the lapse is said then too.
 */
export function useFocusNoticeOnLapse(b: { id: string; status: string } | null, lapsed: boolean, noticeId: string) {
  const focusLater = useFocusLater();
  const focusedBooking = useFocusedBooking();
  const shownOffer = useRef<string | null>(null);
  useLayoutEffect(() => {
    const justLapsed = b !== null && lapsed && b.id === shownOffer.current;
    shownOffer.current = b !== null && !lapsed && b.status === 'offered' ? b.id : null;
    if (justLapsed && focusedBooking.current === b.id) focusLater(() => document.getElementById(noticeId));
  });
}
