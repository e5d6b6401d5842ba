/**
 * Reading calendars back with ical.js, an independent parser: every calendar the service
 * emits goes through `readCalendar`, which also checks the line format and converts local
 * times to UTC with the calendar's OWN VTIMEZONEs (not a built-in zone database).
 */
import ICAL from 'ical.js';
import { expect } from 'vitest';

export interface ReadEvent {
  uid: string;
  sequence: number;
  status: string | null;
  /** TRANSP: OPAQUE (the default, blocks the time) or TRANSPARENT. */
  transp: string;
  summary: string;
  description: string;
  location: string;
  url: string | null;
  tzid: string | null;
  /** DTSTART/DTEND as written (local time in TZID). */
  localStart: string;
  localEnd: string;
  startUtc: string;
  endUtc: string;
  organizer: string | null;
  attendees: { value: string; cn: string | null; partstat: string | null }[];
  alarms: { action: string; trigger: string }[];
}

export function readCalendar(text: string) {
  // RFC 5545: CRLF line ends, lines folded at 75 octets.
  expect(text.endsWith('\r\n')).toBe(true);
  for (const line of text.split('\r\n')) {
    expect(line.includes('\n') || line.includes('\r')).toBe(false);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  }
  const root = new ICAL.Component(ICAL.parse(text));
  expect(root.name).toBe('vcalendar');
  const zones = new Map<string, ICAL.Timezone>();
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tz = new ICAL.Timezone(vtz);
    zones.set(tz.tzid, tz);
  }
  const instant = (prop: ICAL.Property | null) => {
    const t = (prop!.getFirstValue() as ICAL.Time).clone();
    const tzid = prop!.getParameter('tzid') as string | undefined;
    if (tzid) {
      const zone = zones.get(tzid);
      expect(zone, `VTIMEZONE for ${tzid}`).toBeDefined();
      t.zone = zone!;
    }
    return { utc: t.toJSDate().toISOString(), local: prop!.toICALString().split(':').slice(1).join(':'), tzid: tzid ?? null };
  };
  const events: ReadEvent[] = root.getAllSubcomponents('vevent').map((ve) => {
    const start = instant(ve.getFirstProperty('dtstart'));
    const end = instant(ve.getFirstProperty('dtend'));
    return {
      uid: String(ve.getFirstPropertyValue('uid')),
      sequence: Number(ve.getFirstPropertyValue('sequence')),
      status: (ve.getFirstPropertyValue('status') as string | null) ?? null,
      transp: String(ve.getFirstPropertyValue('transp') ?? 'OPAQUE'),
      summary: String(ve.getFirstPropertyValue('summary') ?? ''),
      description: String(ve.getFirstPropertyValue('description') ?? ''),
      location: String(ve.getFirstPropertyValue('location') ?? ''),
      url: (ve.getFirstPropertyValue('url') as string | null) ?? null,
      tzid: start.tzid,
      localStart: start.local,
      localEnd: end.local,
      startUtc: start.utc,
      endUtc: end.utc,
      organizer: ve.getFirstProperty('organizer') ? String(ve.getFirstPropertyValue('organizer')).replace(/^mailto:/i, 'mailto:') : null,
      attendees: ve.getAllProperties('attendee').map((p) => ({
        value: String(p.getFirstValue()).replace(/^mailto:/i, 'mailto:'),
        cn: (p.getParameter('cn') as string | undefined) ?? null,
        partstat: (p.getParameter('partstat') as string | undefined) ?? null,
      })),
      alarms: ve.getAllSubcomponents('valarm').map((a) => ({ action: String(a.getFirstPropertyValue('action')), trigger: String(a.getFirstPropertyValue('trigger')) })),
    };
  });
  return {
    method: (root.getFirstPropertyValue('method') as string | null) ?? null,
    name: (root.getFirstPropertyValue('x-wr-calname') as string | null) ?? null,
    zones: [...zones.keys()],
    events,
  };
}
