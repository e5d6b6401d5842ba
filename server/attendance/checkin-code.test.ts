import { describe, expect, it } from 'vitest';
import { checkinCode, currentCode, verifyCode } from './checkin-code.js';

const secret = 'a-test-secret';
const sid = '5d7a3c8e-0000-4000-8000-000000000001';
const t0 = Date.parse('2026-02-10T16:00:10.000Z');

describe('check-in codes', () => {
  it('are six digits that change every minute and differ per session and secret', () => {
    const a = currentCode(secret, sid, t0);
    expect(a.code).toMatch(/^\d{6}$/);
    expect(a.expiresAt.toISOString()).toBe('2026-02-10T16:01:00.000Z');
    expect(currentCode(secret, sid, t0 + 40_000).code).toBe(a.code);
    expect(currentCode(secret, sid, t0 + 60_000).code).not.toBe(a.code);
    expect(checkinCode(secret, 'another-session', 1)).not.toBe(checkinCode(secret, sid, 1));
    expect(checkinCode('other-secret', sid, 1)).not.toBe(checkinCode(secret, sid, 1));
  });

  it('accept the current and the previous minute only', () => {
    const { code } = currentCode(secret, sid, t0);
    expect(verifyCode(secret, sid, code, t0)).toBe(true);
    expect(verifyCode(secret, sid, code, t0 + 60_000)).toBe(true);
    expect(verifyCode(secret, sid, code, t0 + 120_000)).toBe(false);
    expect(verifyCode(secret, sid, code, t0 - 60_000)).toBe(false);
    expect(verifyCode(secret, sid, '000000' === code ? '111111' : '000000', t0)).toBe(false);
    expect(verifyCode(secret, sid, '', t0)).toBe(false);
  });
});
