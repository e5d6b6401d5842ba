import { randomUUID } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7: random, but sorting by it follows creation order (strictly, within a process).
 * Used where rows are read back in the order they were written (the outbox), and where an
 * id that grows keeps inserts at the end of the index instead of all over it (bookings).
 * Its 62 random bits come from crypto.randomUUID, which draws on a pooled buffer: asking
 * the system for 16 fresh bytes per id was 5% of a booking's cost under load.
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
  const t = lastMs.toString(16).padStart(12, '0');
  // randomUUID() is a v4: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V already the RFC variant.
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${counter.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}
