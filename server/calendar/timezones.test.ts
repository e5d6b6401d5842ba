import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { localDateTime, offsetMinutes, offsetTransitions, vtimezone, zoned } from './timezones.js';

describe('wall clock from Intl', () => {
  it('knows the UK clock changes of 2026', () => {
    expect(offsetMinutes(Date.parse('2026-03-29T00:59:00Z'), 'Europe/London')).toBe(0);
    expect(offsetMinutes(Date.parse('2026-03-29T01:00:00Z'), 'Europe/London')).toBe(60);
    expect(offsetMinutes(Date.parse('2026-10-25T00:59:00Z'), 'Europe/London')).toBe(60);
    expect(offsetMinutes(Date.parse('2026-10-25T01:00:00Z'), 'Europe/London')).toBe(0);
    const t = offsetTransitions('Europe/London', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(t.map((x) => [new Date(x.at).toISOString(), x.from, x.to])).toEqual([
      ['2026-03-29T01:00:00.000Z', 0, 60],
      ['2026-10-25T01:00:00.000Z', 60, 0],
    ]);
  });
  it('gives local times in the zone', () => {
    const z = zoned(Date.parse('2026-03-29T08:00:00Z'), 'Europe/London');
    expect([z.year, z.month, z.day, z.hour, z.minute]).toEqual([2026, 3, 29, 9, 0]);
    expect(localDateTime('2026-10-25T09:00:00Z', 'Europe/London')).toBe('2026-10-25 09:00');
    expect(localDateTime('2026-07-01T23:30:00Z', 'Australia/Sydney')).toBe('2026-07-02 09:30');
  });
});

/** Converts a local time in `tzid` to UTC with ical.js and the VTIMEZONE we wrote. */
function toUtc(vtz: string, local: string): string {
  const comp = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n${vtz}\r\nEND:VCALENDAR\r\n`));
  const tz = new ICAL.Timezone(comp.getFirstSubcomponent('vtimezone')!);
  const t = ICAL.Time.fromDateTimeString(local);
  t.zone = tz;
  return t.toJSDate().toISOString();
}

describe('VTIMEZONE', () => {
  it('converts local times to the right UTC on both sides of each clock change (ical.js)', () => {
    const vtz = vtimezone('Europe/London', 2025, 2027)!;
    expect(vtz).toContain('TZID:Europe/London');
    expect(toUtc(vtz, '2026-03-29T00:30:00')).toBe('2026-03-29T00:30:00.000Z');
    expect(toUtc(vtz, '2026-03-29T09:00:00')).toBe('2026-03-29T08:00:00.000Z');
    expect(toUtc(vtz, '2026-10-25T09:00:00')).toBe('2026-10-25T09:00:00.000Z');
    expect(toUtc(vtz, '2026-10-24T09:00:00')).toBe('2026-10-24T08:00:00.000Z');
    expect(toUtc(vtz, '2027-07-01T12:00:00')).toBe('2027-07-01T11:00:00.000Z');
  });
  it('works south of the equator and where there is no summer time', () => {
    const syd = vtimezone('Australia/Sydney', 2025, 2027)!;
    expect(toUtc(syd, '2026-01-15T09:00:00')).toBe('2026-01-14T22:00:00.000Z');
    expect(toUtc(syd, '2026-07-15T09:00:00')).toBe('2026-07-14T23:00:00.000Z');
    const kolkata = vtimezone('Asia/Kolkata', 2025, 2027)!;
    expect(toUtc(kolkata, '2026-07-15T09:00:00')).toBe('2026-07-15T03:30:00.000Z');
  });
  it('needs none for UTC and refuses unknown zones', () => {
    expect(vtimezone('UTC', 2025, 2027)).toBeNull();
    expect(vtimezone('Mars/Olympus', 2025, 2027)).toBeNull();
  });
});
