/**
 * The catalogue builds on the booking engine, never the other way round: nothing under
 * server/bookings imports from server/sessions (a cycle made both harder to change).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('domain layering', () => {
  it('server/bookings imports nothing from server/sessions', () => {
    const dir = path.join(here, 'bookings');
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/from\s+'([^']+)'/g)].filter((m) => path.resolve(dir, m[1]!).startsWith(path.join(here, 'sessions'))).map((m) => `${f}: ${m[1]}`));
    expect(offenders).toEqual([]);
  });
});
