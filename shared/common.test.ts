/** A range's ends as the pages and the query schemas reckon them agree with the server's (server/platform/range.ts), in winter, summer and on the days the clocks change. */
import { describe, expect, it } from 'vitest';
import { rangeEdge } from '../server/platform/range.js';
import { edgeMs } from './common.js';
import { ExportQuery } from './calendar.js';

describe('edgeMs', () => {
  it('reads a date as that day in England, as the server does, across the changes of the clocks', () => {
    for (const day of ['2026-01-15', '2026-03-28', '2026-03-29', '2026-03-30', '2026-07-01', '2026-10-24', '2026-10-25', '2026-10-26', '2024-02-29', '2026-12-31']) {
      for (const edge of ['from', 'to'] as const) expect(`${day} ${edge} ${new Date(edgeMs(day, edge)).toISOString()}`).toBe(`${day} ${edge} ${rangeEdge(day, edge)}`);
    }
    // 1 July starts at 23:00 UTC on 30 June (BST); 29 March, the day the clocks go forward, is 23 hours long.
    expect(new Date(edgeMs('2026-07-01', 'from')).toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(edgeMs('2026-03-29', 'to') - edgeMs('2026-03-29', 'from')).toBe(23 * 3_600_000);
    expect(edgeMs('2026-10-25', 'to') - edgeMs('2026-10-25', 'from')).toBe(25 * 3_600_000);
    expect(edgeMs('2026-07-01T09:30:00+01:00', 'from')).toBe(Date.parse('2026-07-01T08:30:00Z'));
    // The ends of the years a query may name (9999-12-31 as "no end"), and days before 1847
    // (London's own mean time, 1 minute 15 seconds behind), kept as the server keeps them.
    for (const [day, edge] of [['9999-12-31', 'to'], ['0000-01-01', 'from'], ['1800-01-01', 'from'], ['1800-01-01', 'to']] as const) expect(edgeMs(day, edge)).toBe(Date.parse(rangeEdge(day, edge)!));
    expect(new Date(edgeMs('1800-01-01', 'from')).toISOString()).toBe('1800-01-01T00:01:15.000Z');
  });

  it('a range is checked for running forwards only when both ends can be read: a bad end is named by its own field alone', () => {
    const issues = (q: Record<string, string>) => (ExportQuery.safeParse(q).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ from: 'garbage', to: '2026-01-01' })).toEqual([expect.stringMatching(/^from: must be a date/)]);
    expect(issues({ from: '2026-07-02T00:15:00+01:00', to: '2026-07-01' })).toEqual(['to: must be after from']);
    expect(issues({ from: '2026-07-01', to: '2026-07-01T00:30:00+01:00' })).toEqual([]);
  });
});
