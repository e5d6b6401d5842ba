/**
 * The in-person check-in code: six digits that change every minute, an HMAC of the session
 * id and the minute number under a per-session secret. A code is accepted during its own
 * minute and the next one, so a code read just before it changes still works.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MINUTE = 60_000;

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE);

export function checkinCode(secret: string, sessionId: string, minute: number): string {
  const mac = createHmac('sha256', secret).update(`${sessionId}:${minute}`).digest();
  // Dynamic truncation as in HOTP (RFC 4226), six digits.
  const offset = mac[mac.length - 1]! & 0x0f;
  const n = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(n % 1_000_000).padStart(6, '0');
}

/** The code to show at `nowMs` and when the display should change it. */
export function currentCode(secret: string, sessionId: string, nowMs: number): { code: string; expiresAt: Date } {
  const minute = minuteOf(nowMs);
  return { code: checkinCode(secret, sessionId, minute), expiresAt: new Date((minute + 1) * MINUTE) };
}

/** True when `code` is this minute's or the previous minute's code. */
export function verifyCode(secret: string, sessionId: string, code: string, nowMs: number): boolean {
  const given = Buffer.from(code.replace(/\s+/g, ''));
  const minute = minuteOf(nowMs);
  let ok = false;
  for (const m of [minute, minute - 1]) {
    const expected = Buffer.from(checkinCode(secret, sessionId, m));
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}
