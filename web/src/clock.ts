/**
 * The time by the server's clock. A school's shared computer may keep the wrong time (minutes
 * out, or on the wrong day after a flat battery), and what the pages decide by the time (is an
 * offered seat's hold over, is booking still open, has the session ended, is the live room open
 * yet) must agree with what the server will do, or a page offers what will be refused and hides
 * what is still allowed. Every answer from the server carries its time (the HTTP `Date`
 * header, to the second); the difference from this computer's clock is kept and applied.
 */
let offsetMs = 0;

/** Differences smaller than this are the header's rounding and the network's delay, not a wrong clock. */
const SETTLE_MS = 1_500;

/** Notes the server's time from an answer (`sentAt`: this computer's time when it was asked). */
export function noteServerTime(res: Response, sentAt: number): void {
  const header = res.headers.get('date');
  const at = header ? Date.parse(header) : NaN;
  if (!Number.isFinite(at)) return;
  const receivedAt = Date.now();
  // The header is truncated to the second (so +500 ms on average), and was written about halfway between asking and hearing.
  const estimate = at + 500 - (sentAt + receivedAt) / 2;
  if (Math.abs(estimate - offsetMs) > SETTLE_MS) offsetMs = Math.abs(estimate) > SETTLE_MS ? estimate : 0;
}

/** Now by the server's clock (ms since 1970), as far as its answers so far tell. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** `fetch`, noting the server's time from its answer. */
export async function fetchNoting(input: string, init?: RequestInit): Promise<Response> {
  const sentAt = Date.now();
  const res = await fetch(input, init);
  noteServerTime(res, sentAt);
  return res;
}
