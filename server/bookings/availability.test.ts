import { describe, expect, it } from 'vitest';
import { claimsHold, freeFor, seatCounts, type SeatState } from './availability.js';

const base: SeatState = { capacity: 10, confirmed: 4, offered: 1, waitlisted: 0, holds: [], holdsActive: true };

describe('seat availability', () => {
  it('counts confirmed seats and live offers against capacity', () => {
    expect(freeFor(base, null)).toBe(5);
    expect(seatCounts(base).available).toBe(5);
  });

  it('keeps unfilled held seats from other organisations but not from the holder', () => {
    const s: SeatState = { ...base, holds: [{ orgId: 'a', seats: 3, claimed: 1 }] };
    expect(freeFor(s, 'b')).toBe(3);
    expect(freeFor(s, 'a')).toBe(5);
    expect(claimsHold(s, 'a')).toBe(true);
    expect(claimsHold(s, 'b')).toBe(false);
  });

  it('releases held seats to everyone once holds are no longer active', () => {
    const s: SeatState = { ...base, holds: [{ orgId: 'a', seats: 3, claimed: 0 }], holdsActive: false };
    expect(freeFor(s, 'b')).toBe(5);
    expect(claimsHold(s, 'a')).toBe(false);
  });

  it('never reports negative availability when a hold is overfilled', () => {
    const s: SeatState = { ...base, confirmed: 10, offered: 0, holds: [{ orgId: 'a', seats: 2, claimed: 5 }] };
    expect(freeFor(s, null)).toBe(0);
  });
});
