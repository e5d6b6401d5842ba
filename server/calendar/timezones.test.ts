import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { localDateTime, localTimeIsExact, vtimezone, zoned } from './timezones.js';

describe('wall clocks', () => {
  it('gives local times in the zone, on both sides of a clock change', () => {
    const z = zoned(Date.parse('2026-03-29T08:00:00Z'), 'Europe/London');
    expect([z.year, z.month, z.day, z.hour, z.minute]).toEqual([2026, 3, 29, 9, 0]);
    expect(localDateTime('2026-03-29T00:30:00Z', 'Europe/London')).toBe('2026-03-29 00:30');
    expect(localDateTime('2026-10-25T09:00:00Z', 'Europe/London')).toBe('2026-10-25 09:00');
    expect(localDateTime('2026-07-01T23:30:00Z', 'Australia/Sydney')).toBe('2026-07-02 09:30');
    expect(localDateTime('2026-07-01T23:30:00Z', 'Asia/Kolkata')).toBe('2026-07-02 05:00');
  });
});

/** Converts a local time in the VTIMEZONE we wrote to UTC, as a client does (ical.js). */
function toUtc(vtz: string, local: string): string {
  const comp = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n${vtz}\r\nEND:VCALENDAR\r\n`));
  const tz = new ICAL.Timezone(comp.getFirstSubcomponent('vtimezone')!);
  const t = ICAL.Time.fromDateTimeString(local);
  t.zone = tz;
  return t.toJSDate().toISOString();
}

describe('VTIMEZONE', () => {
  it('converts local times to the right UTC on both sides of each clock change (ical.js)', () => {
    const vtz = vtimezone('Europe/London')!;
    expect(vtz).toContain('TZID:Europe/London');
    expect(toUtc(vtz, '2026-03-29T00:30:00')).toBe('2026-03-29T00:30:00.000Z');
    expect(toUtc(vtz, '2026-03-29T09:00:00')).toBe('2026-03-29T08:00:00.000Z');
    expect(toUtc(vtz, '2026-10-25T09:00:00')).toBe('2026-10-25T09:00:00.000Z');
    expect(toUtc(vtz, '2026-10-24T09:00:00')).toBe('2026-10-24T08:00:00.000Z');
    expect(toUtc(vtz, '2027-07-01T12:00:00')).toBe('2027-07-01T11:00:00.000Z');
  });
  it('holds decades ahead', () => {
    const vtz = vtimezone('Europe/London')!;
    expect(toUtc(vtz, '2066-07-01T12:00:00')).toBe('2066-07-01T11:00:00.000Z');
    expect(toUtc(vtz, '2066-12-01T12:00:00')).toBe('2066-12-01T12:00:00.000Z');
    expect(localTimeIsExact(Date.parse('2066-07-01T11:00:00Z'), 'Europe/London')).toBe(true);
  });
  it('works south of the equator, with half-hour offsets and where there is no summer time', () => {
    const syd = vtimezone('Australia/Sydney')!;
    expect(toUtc(syd, '2026-01-15T09:00:00')).toBe('2026-01-14T22:00:00.000Z');
    expect(toUtc(syd, '2026-07-15T09:00:00')).toBe('2026-07-14T23:00:00.000Z');
    const adelaide = vtimezone('Australia/Adelaide')!;
    expect(toUtc(adelaide, '2026-01-15T09:00:00')).toBe('2026-01-14T22:30:00.000Z');
    expect(toUtc(adelaide, '2026-07-15T09:00:00')).toBe('2026-07-14T23:30:00.000Z');
    const kolkata = vtimezone('Asia/Kolkata')!;
    expect(toUtc(kolkata, '2026-07-15T09:00:00')).toBe('2026-07-15T03:30:00.000Z');
  });
  it('names a linked zone as it was given', () => {
    const vtz = vtimezone('Asia/Calcutta')!;
    expect(vtz).toContain('TZID:Asia/Calcutta');
    expect(toUtc(vtz, '2026-07-15T09:00:00')).toBe('2026-07-15T03:30:00.000Z');
  });
  it('needs none for UTC and has none for unknown zones', () => {
    expect(vtimezone('UTC')).toBeNull();
    expect(vtimezone('Mars/Olympus')).toBeNull();
  });
});

describe('which local times are exact', () => {
  it('is every ordinary time, but neither 01:30 of the night clocks go back', () => {
    expect(localTimeIsExact(Date.parse('2026-10-24T08:00:00Z'), 'Europe/London')).toBe(true);
    expect(localTimeIsExact(Date.parse('2026-10-25T02:00:00Z'), 'Europe/London')).toBe(true);
    expect(localTimeIsExact(Date.parse('2026-03-29T01:00:00Z'), 'Europe/London')).toBe(true);
    // 01:30 BST, then 01:30 GMT an hour later. RFC 5545 reads the local time as the first;
    // ical.js reads it as the second: clients disagree, so both are written in UTC.
    expect(localTimeIsExact(Date.parse('2026-10-25T00:30:00Z'), 'Europe/London')).toBe(false);
    expect(localTimeIsExact(Date.parse('2026-10-25T01:30:00Z'), 'Europe/London')).toBe(false);
    // Sydney goes back from 03:00 to 02:00 on 5 April: 02:30 local the second time round.
    expect(localTimeIsExact(Date.parse('2026-04-04T16:30:00Z'), 'Australia/Sydney')).toBe(false);
    expect(localTimeIsExact(Date.parse('2026-04-04T14:30:00Z'), 'Australia/Sydney')).toBe(true);
  });
  it('is not a time whose zone has changed its rules since (the VTIMEZONE holds today’s)', () => {
    // São Paulo kept summer time until 2019.
    expect(localTimeIsExact(Date.parse('2018-12-01T12:00:00Z'), 'America/Sao_Paulo')).toBe(false);
    expect(localTimeIsExact(Date.parse('2026-12-01T12:00:00Z'), 'America/Sao_Paulo')).toBe(true);
  });
});
