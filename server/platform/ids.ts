import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7: random, but sorting by it follows creation order (strictly, within a process).
 * Used where rows are read back in the order they were written, such as the outbox.
 */
export function timeOrderedId(): string {
  const ms = Date.now();
  if (ms <= lastMs) counter++;
  else {
    lastMs = ms;
    counter = 0;
  }
  if (counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const b = randomBytes(16);
  const t = lastMs;
  b[0] = Math.floor(t / 2 ** 40) & 0xff;
  b[1] = Math.floor(t / 2 ** 32) & 0xff;
  b[2] = (t >>> 24) & 0xff;
  b[3] = (t >>> 16) & 0xff;
  b[4] = (t >>> 8) & 0xff;
  b[5] = t & 0xff;
  b[6] = 0x70 | ((counter >>> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
