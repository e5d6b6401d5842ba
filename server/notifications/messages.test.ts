/**
 * What a booking email says that depends on what the person can still do: someone whose account
 * is turned off (who can no longer sign in) is told nothing to do on a page of ours (accept an
 * offer, move their place, join online) and whose office to ask, by the kind of their
 * organisation; no one is told to move their place once booking has closed at the session's
 * cut-off (the move would be refused); and a place taken exactly as the last useful moment
 * comes is not said to be too late to count.
 */
import { describe, expect, it } from 'vitest';
import { compose, type NoticeContext } from './messages.js';

const session = { title: 'Team Teach', starts_at: '2026-03-10T16:00:00.000Z', ends_at: '2026-03-10T17:00:00.000Z', venue: 'Hall A', mode: 'hybrid' as const, attendance_threshold: 0.75, booking_ends_at: '2026-03-10T17:00:00.000Z' };

function mail(over: Partial<NoticeContext> & { kind: NoticeContext['kind'] }) {
  const m = compose({
    user: { name: 'Jo Ash', email: 'jo@example.org' },
    session,
    booking: { id: 'b1', seat: 'online', status: 'confirmed', offer_expires_at: null },
    timeZone: 'Europe/London',
    manageUrl: 'http://localhost:3000/bookings/b1',
    sentAt: '2026-03-02T09:00:00.000Z',
    ...over,
  });
  // The HTML part as read: its text, one line.
  const html = m.html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
  return { subject: m.subject, text: m.text.replace(/\s+/g, ' '), html };
}

const waiting = { kind: 'waitlisted' as const, booking: { id: 'b1', seat: 'in_person' as const, status: 'waitlisted' as const, offer_expires_at: null }, position: 1, seats: { heldForOthers: false, otherFree: 3 } };
const MOVE = 'Online seats are still free. If joining online suits you, you can move your place to an online seat from your bookings page.';

describe('a waiting-list email offers a move to the other seat kind only while the person can make it', () => {
  it('before booking closes, signed in: offered', () => {
    const m = mail(waiting);
    expect(m.text).toContain(MOVE);
    expect(m.html).toContain(MOVE);
  });

  it('after the session’s booking cut-off: not offered (a move would be refused), the rest still said', () => {
    const m = mail({ ...waiting, session: { ...session, booking_ends_at: '2026-03-09T17:00:00.000Z' }, sentAt: '2026-03-09T17:00:00.000Z' });
    for (const part of [m.text, m.html]) {
      expect(part).toContain('All in-person seats are taken, so you are on the waiting list for an in-person seat at number 1.');
      expect(part).not.toContain('move your place');
      expect(part).toContain('If a place comes up we will let you know straight away.');
    }
    // A minute before the cut-off it is still offered.
    expect(mail({ ...waiting, session: { ...session, booking_ends_at: '2026-03-09T17:00:00.000Z' }, sentAt: '2026-03-09T16:59:00.000Z' }).text).toContain(MOVE);
  });

  it('to a turned-off account: not offered, and whom to ask instead', () => {
    const m = mail({ ...waiting, accountOff: true, orgKind: 'school' });
    for (const part of [m.text, m.html]) {
      expect(part).not.toContain('move your place');
      expect(part).not.toContain('bookings page');
      expect(part).toContain('You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact your school office.');
    }
  });
});

describe('an offer to a turned-off account says nothing to accept on a page they cannot open', () => {
  const offered = { booking: { id: 'b1', seat: 'online' as const, status: 'offered' as const, offer_expires_at: '2026-03-03T09:00:00.000Z' } };

  it('"A place is free for you": when it is held until, no "Accept it from your bookings page"', () => {
    const on = mail({ kind: 'offered', ...offered });
    expect(on.text).toContain('Accept it from your bookings page before then, or it passes to the next person.');
    const off = mail({ kind: 'offered', ...offered, accountOff: true, orgKind: 'school' });
    for (const part of [off.text, off.html]) {
      expect(part).toContain('A place came up. It is held for you until Tuesday 3 March at 09:00 GMT.');
      expect(part).not.toContain('Accept it');
      expect(part).not.toContain('bookings page');
      expect(part).toContain('please contact your school office.');
    }
  });

  it('"expires soon": no "Accept it from your bookings page"', () => {
    const off = mail({ kind: 'offer_expiring', ...offered, accountOff: true });
    for (const part of [off.text, off.html]) {
      expect(part).toContain('The place held for you expires at Tuesday 3 March at 09:00 GMT.');
      expect(part).not.toContain('Accept it');
    }
  });

  it('an offered seat moved: still held until then, without "accept it from your bookings page"', () => {
    const off = mail({ kind: 'seat_changed', ...offered, actedBy: 'Sam Trainer (trainer)', accountOff: true });
    for (const part of [off.text, off.html]) {
      expect(part).toContain('Sam Trainer (trainer) has moved the seat offered to you to an online seat. It is still only held for you until Tuesday 3 March at 09:00 GMT.');
      expect(part).not.toContain('accept it');
    }
  });

  it('an online seat: not told to join from the session page', () => {
    const on = mail({ kind: 'seat_changed', actedBy: 'Sam Trainer (trainer)' });
    expect(on.text).toContain('Sam Trainer (trainer) has moved your place to an online seat: you join from the session page.');
    expect(on.text).toContain('Where: Online (join from the session page)');
    const off = mail({ kind: 'seat_changed', actedBy: 'Sam Trainer (trainer)', accountOff: true });
    for (const part of [off.text, off.html]) {
      expect(part).toContain('Sam Trainer (trainer) has moved your place to an online seat.');
      expect(part).not.toContain('session page');
    }
    expect(off.text).toContain('Where: Online');
  });
});

describe('whom a turned-off account is told to ask, by the kind of their organisation', () => {
  const ask = (orgKind: NoticeContext['orgKind']) => mail({ kind: 'cancelled', accountOff: true, orgKind });
  it.each([
    ['school', 'your school office'],
    ['college', 'your college office'],
    ['nursery', 'your nursery office'],
    ['trust', 'your trust’s office'],
    ['local_authority', 'your local authority’s office'],
  ] as const)('%s: "%s"', (kind, whom) => {
    const m = ask(kind);
    for (const part of [m.text, m.html]) expect(part).toContain(`You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact ${whom}.`);
    if (kind !== 'school') expect(m.text).not.toContain('school office');
  });

  it('no organisation: the service’s administrators; not known: an office true of any organisation', () => {
    expect(ask(null).text).toContain('please contact the SEND Live Training administrators.');
    const unknown = ask(undefined);
    expect(unknown.text).toContain('please contact your organisation’s office.');
    expect(unknown.text).not.toContain('school office');
  });
});

describe('a place taken as the last useful moment comes', () => {
  it('a "Booked" email written at lastUsefulAt (16:15 of an hour at 75%) says nothing of not counting; 1 ms later it does', () => {
    const at = mail({ kind: 'confirmed', writtenAt: '2026-03-10T16:15:00.000Z', sentAt: '2026-03-10T16:15:00.000Z' });
    expect(at.text).toContain('Your place is confirmed.');
    expect(at.text).not.toContain('will not count as attended');
    const after = mail({ kind: 'confirmed', writtenAt: '2026-03-10T16:15:00.001Z', sentAt: '2026-03-10T16:15:00.001Z' });
    expect(after.text).toContain('Less than 75% of this session was left when this place became yours. You can still join for what remains, but it will not count as attended: at least 75% of it must be attended.');
  });
});
