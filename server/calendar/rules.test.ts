import { describe, expect, it } from 'vitest';
import { eventSequence, eventStatus, eventUid, feedCancelledCutoff, feedListsBooking, inviteMethod, noticeInviteMethod, partStat, runningEventUid, uidHost } from './rules.js';

describe('UID', () => {
  it('is one per (session, person), at the host of PUBLIC_URL', () => {
    expect(eventUid('s-1', 'u-1', uidHost('https://training.example.org:8443/app'))).toBe('booking-s-1-u-1@training.example.org');
    expect(eventUid('s-1', 'u-1', 'h')).toBe(eventUid('s-1', 'u-1', 'h'));
    expect(eventUid('s-1', 'u-2', 'h')).not.toBe(eventUid('s-1', 'u-1', 'h'));
  });
  it('falls back to localhost when PUBLIC_URL has no host or cannot be read', () => {
    expect(uidHost('not a url')).toBe('localhost');
    expect(uidHost('file:///srv/app')).toBe('localhost');
    expect(uidHost('https://training.example.org')).toBe('training.example.org');
  });
  it('cannot carry a line break or a property into the calendar', () => {
    expect(eventUid('s\r\nATTENDEE:x', 'u;1', 'h')).toBe('booking-sATTENDEEx-u1@h');
    expect(runningEventUid('s\r\nATTENDEE:x', 'u;1', 'h')).toBe('running-sATTENDEEx-u1@h');
  });
  it('of a session someone runs is one per (session, person), never the UID of a booking of theirs on it', () => {
    expect(runningEventUid('s-1', 'u-1', 'h')).toBe('running-s-1-u-1@h');
    expect(runningEventUid('s-1', 'u-1', 'h')).not.toBe(eventUid('s-1', 'u-1', 'h'));
  });
});

describe('SEQUENCE', () => {
  it('only goes up over changes, cancellation and re-booking', () => {
    const history = [
      { sessionRevision: 0, bookingRevision: 0, priorRevisions: 0 }, // booked
      { sessionRevision: 1, bookingRevision: 1, priorRevisions: 0 }, // session moved
      { sessionRevision: 1, bookingRevision: 2, priorRevisions: 0 }, // cancelled
      { sessionRevision: 1, bookingRevision: 0, priorRevisions: 3 }, // booked again: new booking, earlier one counted (2 + 1)
      { sessionRevision: 2, bookingRevision: 1, priorRevisions: 3 }, // session cancelled
    ].map(eventSequence);
    expect(history).toEqual([0, 2, 3, 4, 6]);
    for (let i = 1; i < history.length; i++) expect(history[i]!).toBeGreaterThan(history[i - 1]!);
  });
});

describe('method, PARTSTAT and STATUS', () => {
  it('a seat is a REQUEST, accepted and confirmed', () => {
    for (const s of ['confirmed', 'attended', 'absent'] as const) {
      expect([inviteMethod(s, 'scheduled'), partStat(s, 'scheduled'), eventStatus(s, 'scheduled')]).toEqual(['REQUEST', 'ACCEPTED', 'CONFIRMED']);
    }
  });
  it('a queue place or an offer is tentative', () => {
    for (const s of ['waitlisted', 'offered'] as const) {
      expect([inviteMethod(s, 'scheduled'), partStat(s, 'scheduled'), eventStatus(s, 'scheduled')]).toEqual(['REQUEST', 'TENTATIVE', 'TENTATIVE']);
    }
  });
  it('a cancelled booking or session is a CANCEL, declined and cancelled', () => {
    expect([inviteMethod('cancelled', 'scheduled'), partStat('cancelled', 'scheduled'), eventStatus('cancelled', 'scheduled')]).toEqual(['CANCEL', null, 'CANCELLED']);
    expect([inviteMethod('confirmed', 'cancelled'), partStat('confirmed', 'cancelled'), eventStatus('confirmed', 'cancelled')]).toEqual(['CANCEL', null, 'CANCELLED']);
  });
});

describe('invites in notices', () => {
  it('seats given carry a REQUEST, cancellations a CANCEL, other notices none', () => {
    expect(noticeInviteMethod('confirmed', 'confirmed', 'scheduled')).toBe('REQUEST');
    expect(noticeInviteMethod('promoted', 'confirmed', 'scheduled')).toBe('REQUEST');
    expect(noticeInviteMethod('session_changed', 'confirmed', 'scheduled')).toBe('REQUEST');
    expect(noticeInviteMethod('cancelled', 'cancelled', 'scheduled')).toBe('CANCEL');
    expect(noticeInviteMethod('session_cancelled', 'cancelled', 'cancelled')).toBe('CANCEL');
    expect(noticeInviteMethod('offer_expired', 'cancelled', 'scheduled')).toBeNull();
    expect(noticeInviteMethod('waitlisted', 'waitlisted', 'scheduled')).toBeNull();
    expect(noticeInviteMethod('offered', 'offered', 'scheduled')).toBeNull();
    expect(noticeInviteMethod('reminder_24h', 'confirmed', 'scheduled')).toBeNull();
  });
  it('people still in the queue get no event when the session moves', () => {
    expect(noticeInviteMethod('session_changed', 'waitlisted', 'scheduled')).toBeNull();
  });
  it('a notice delivered after its session was cancelled carries no REQUEST that would bring the event back', () => {
    expect(noticeInviteMethod('confirmed', 'confirmed', 'cancelled')).toBeNull();
    expect(noticeInviteMethod('promoted', 'confirmed', 'cancelled')).toBeNull();
    expect(noticeInviteMethod('promoted', 'cancelled', 'scheduled')).toBeNull();
    expect(noticeInviteMethod('session_changed', 'confirmed', 'cancelled')).toBeNull();
  });
  it('a move to another seat kind updates the event of a seat holder; a removal cancels it', () => {
    expect(noticeInviteMethod('seat_changed', 'confirmed', 'scheduled')).toBe('REQUEST');
    expect(noticeInviteMethod('seat_changed', 'waitlisted', 'scheduled')).toBeNull();
    expect(noticeInviteMethod('removed', 'cancelled', 'scheduled')).toBe('CANCEL');
  });
  it('a place in the queue that ends cancels no event: its holder was never sent one', () => {
    expect(noticeInviteMethod('removed', 'cancelled', 'scheduled', 'waitlisted')).toBeNull();
    expect(noticeInviteMethod('session_cancelled', 'cancelled', 'cancelled', 'waitlisted')).toBeNull();
    expect(noticeInviteMethod('left_waitlist', 'cancelled', 'scheduled', 'waitlisted')).toBeNull();
    expect(noticeInviteMethod('cancelled', 'cancelled', 'scheduled', 'offered')).toBeNull();
    expect(noticeInviteMethod('session_cancelled', 'cancelled', 'cancelled', 'offered')).toBeNull();
    expect(noticeInviteMethod('removed', 'cancelled', 'scheduled', 'confirmed')).toBe('CANCEL');
    expect(noticeInviteMethod('session_cancelled', 'cancelled', 'cancelled', 'confirmed')).toBe('CANCEL');
    expect(noticeInviteMethod('cancelled', 'cancelled', 'scheduled', 'confirmed')).toBe('CANCEL');
  });
});

describe('feeds keep cancellations for 30 days', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it('lists active bookings and recent cancellations, then drops them', () => {
    expect(feedListsBooking(null, 'confirmed', now)).toBe(true);
    expect(feedListsBooking('2026-02-01T12:00:01Z', 'cancelled', now)).toBe(true);
    expect(feedListsBooking('2026-01-30T12:00:00Z', 'cancelled', now)).toBe(false);
    // A cancellation with no recorded time (older rows) is not kept.
    expect(feedListsBooking(null, 'cancelled', now)).toBe(false);
    expect(feedCancelledCutoff(now)).toBe('2026-01-30T12:00:00.000Z');
  });
});
