/**
 * Timetables in the shapes the common calendar programs write them, made for these tests
 * (no file here is copied from anywhere). Each shape says the busy times it must give, a
 * session that falls inside one of its lessons and one that does not. The test clock is
 * Monday 12 January 2026; UK clocks go forward on 29 March 2026, US clocks on 8 March.
 */

export interface Window {
  startsAt: string;
  endsAt: string;
}

export interface Shape {
  name: string;
  ics: string;
  /** Every busy period the timetable then has (instants, closed days left out), soonest first. */
  busy: { startsAt: string; endsAt: string; label: string }[];
  /** Days the school is closed, from busy all-day events. */
  freeDays: { from: string; to: string; label: string }[];
  timeZone: string;
  inside: Window;
  outside: Window;
}

const lines = (...l: string[]) => l.join('\r\n') + '\r\n';
const z = (iso: string) => `${iso}.000Z`;
const busy = (startsAt: string, endsAt: string, label: string) => ({ startsAt: z(startsAt), endsAt: z(endsAt), label });

const GOOGLE_LONDON = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/London',
  'X-LIC-LOCATION:Europe/London',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'TZNAME:BST',
  'DTSTART:19700329T010000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'TZNAME:GMT',
  'DTSTART:19701025T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Outlook: Windows zone names, quoted, and no VTIMEZONE; a free all-day reminder on a lesson day. */
export const outlookWindowsZone: Shape = {
  name: 'Outlook with a Windows zone and no VTIMEZONE',
  ics: lines(
    'BEGIN:VCALENDAR',
    'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
    'VERSION:2.0',
    'METHOD:PUBLISH',
    'X-MS-OLK-FORCEINSPECTOROPEN:TRUE',
    'BEGIN:VEVENT',
    'CLASS:PUBLIC',
    'CREATED:20251201T101500Z',
    'DTEND;TZID="Eastern Standard Time":20260120T180000',
    'DTSTAMP:20251201T101500Z',
    'DTSTART;TZID="Eastern Standard Time":20260120T170000',
    'LAST-MODIFIED:20251201T101500Z',
    'PRIORITY:5',
    'RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TU',
    'SEQUENCE:0',
    'SUMMARY;LANGUAGE=en-gb:Online tutoring (New York)',
    'TRANSP:OPAQUE',
    'UID:040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6A701000000000000000010000000',
    'X-MICROSOFT-CDO-BUSYSTATUS:BUSY',
    'X-MICROSOFT-CDO-IMPORTANCE:1',
    'X-MICROSOFT-DISALLOW-COUNTER:FALSE',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'CLASS:PUBLIC',
    'DTEND;TZID=Pacific Standard Time:20260122T090000',
    'DTSTAMP:20251201T101500Z',
    'DTSTART;TZID=Pacific Standard Time:20260122T080000',
    'SUMMARY;LANGUAGE=en-gb:Call with Seattle partner school',
    'UID:040000008200E00074C5B7101A82E00800000000B1B2C3D4E5F6A701000000000000000010000000',
    'X-MICROSOFT-CDO-BUSYSTATUS:BUSY',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'CLASS:PUBLIC',
    'DTSTART;VALUE=DATE:20260127',
    'DTEND;VALUE=DATE:20260128',
    'DTSTAMP:20251201T101500Z',
    'SUMMARY;LANGUAGE=en-gb:Bin day',
    'UID:040000008200E00074C5B7101A82E00800000000C1B2C3D4E5F6A701000000000000000010000000',
    'X-MICROSOFT-CDO-ALLDAYEVENT:TRUE',
    'X-MICROSOFT-CDO-BUSYSTATUS:FREE',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  // 17:00 in New York is 22:00 UTC in winter; 08:00 in Seattle is 16:00 UTC.
  busy: [
    busy('2026-01-20T22:00:00', '2026-01-20T23:00:00', 'Online tutoring (New York)'),
    busy('2026-01-22T16:00:00', '2026-01-22T17:00:00', 'Call with Seattle partner school'),
    busy('2026-01-27T22:00:00', '2026-01-27T23:00:00', 'Online tutoring (New York)'),
    busy('2026-02-03T22:00:00', '2026-02-03T23:00:00', 'Online tutoring (New York)'),
    busy('2026-02-10T22:00:00', '2026-02-10T23:00:00', 'Online tutoring (New York)'),
  ],
  freeDays: [],
  timeZone: 'America/New_York',
  inside: { startsAt: '2026-01-27T22:15:00Z', endsAt: '2026-01-27T22:45:00Z' },
  // Where the lesson would be if 17:00 were read as London (UTC in winter) time.
  outside: { startsAt: '2026-01-27T17:15:00Z', endsAt: '2026-01-27T17:45:00Z' },
};

/** Google: X-WR-TIMEZONE, a VTIMEZONE, EXDATEs (one in local time, one in UTC) and RECURRENCE-ID overrides. */
export const googleOverrides: Shape = {
  name: 'Google with RECURRENCE-ID overrides and EXDATEs',
  ics: lines(
    'BEGIN:VCALENDAR',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:Timetable',
    'X-WR-TIMEZONE:Europe/London',
    ...GOOGLE_LONDON,
    'BEGIN:VEVENT',
    'DTSTART;TZID=Europe/London:20260113T100000',
    'DTEND;TZID=Europe/London:20260113T110000',
    'RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260415T000000Z',
    'EXDATE;TZID=Europe/London:20260120T100000',
    'EXDATE:20260127T100000Z',
    'DTSTAMP:20260105T120000Z',
    'UID:7kq2m9d1v0h3s5x8c4n6b2j1ff@google.com',
    'CREATED:20251215T090000Z',
    'LAST-MODIFIED:20260105T115900Z',
    'LOCATION:Room H4',
    'SEQUENCE:2',
    'STATUS:CONFIRMED',
    'SUMMARY:Y10 History',
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'DTSTART;TZID=Europe/London:20260203T140000',
    'DTEND;TZID=Europe/London:20260203T150000',
    'DTSTAMP:20260105T120000Z',
    'UID:7kq2m9d1v0h3s5x8c4n6b2j1ff@google.com',
    'RECURRENCE-ID;TZID=Europe/London:20260203T100000',
    'SEQUENCE:3',
    'STATUS:CONFIRMED',
    'SUMMARY:Y10 History (moved to P5)',
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'DTSTART;TZID=Europe/London:20260210T100000',
    'DTEND;TZID=Europe/London:20260210T110000',
    'DTSTAMP:20260105T120000Z',
    'UID:7kq2m9d1v0h3s5x8c4n6b2j1ff@google.com',
    'RECURRENCE-ID;TZID=Europe/London:20260210T100000',
    'SEQUENCE:3',
    'STATUS:CANCELLED',
    'SUMMARY:Y10 History',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  busy: [
    busy('2026-01-13T10:00:00', '2026-01-13T11:00:00', 'Y10 History'),
    busy('2026-02-03T14:00:00', '2026-02-03T15:00:00', 'Y10 History (moved to P5)'),
    ...['02-17', '02-24', '03-03', '03-10', '03-17', '03-24'].map((d) => busy(`2026-${d}T10:00:00`, `2026-${d}T11:00:00`, 'Y10 History')),
    // British Summer Time from 29 March: 10:00 is 09:00 UTC.
    ...['03-31', '04-07', '04-14'].map((d) => busy(`2026-${d}T09:00:00`, `2026-${d}T10:00:00`, 'Y10 History')),
  ],
  freeDays: [],
  timeZone: 'Europe/London',
  inside: { startsAt: '2026-02-03T14:15:00Z', endsAt: '2026-02-03T14:45:00Z' },
  // The lesson's usual slot, moved away that week.
  outside: { startsAt: '2026-02-03T10:15:00Z', endsAt: '2026-02-03T10:45:00Z' },
};

/** Apple Calendar: floating times (no TZID, no Z) in a calendar whose zone is X-WR-TIMEZONE. */
export const appleFloating: Shape = {
  name: 'Apple with floating times',
  ics: lines(
    'BEGIN:VCALENDAR',
    'METHOD:PUBLISH',
    'VERSION:2.0',
    'X-WR-CALNAME:Work',
    'PRODID:-//Apple Inc.//macOS 15.1//EN',
    'X-APPLE-CALENDAR-COLOR:#1BADF8',
    'X-WR-TIMEZONE:Europe/Paris',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    'TRANSP:OPAQUE',
    'DTEND:20260121T100000',
    'UID:5E1C7A52-3F0B-4C39-9D1E-6B2A8F4C0D11',
    'DTSTAMP:20260102T083000Z',
    'SEQUENCE:1',
    'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC',
    'SUMMARY:French exchange planning',
    'LAST-MODIFIED:20260102T082959Z',
    'CREATED:20260102T082900Z',
    'DTSTART:20260121T090000',
    'RRULE:FREQ=WEEKLY;COUNT=3',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  // 09:00 in Paris is 08:00 UTC in winter.
  busy: ['01-21', '01-28', '02-04'].map((d) => busy(`2026-${d}T08:00:00`, `2026-${d}T09:00:00`, 'French exchange planning')),
  freeDays: [],
  timeZone: 'Europe/Paris',
  inside: { startsAt: '2026-01-28T08:15:00Z', endsAt: '2026-01-28T08:45:00Z' },
  // Where the meeting would be if its floating 09:00 were read as London time.
  outside: { startsAt: '2026-01-28T09:15:00Z', endsAt: '2026-01-28T09:45:00Z' },
};

/** Two VCALENDARs one after the other in one file (a school feed and a club calendar pasted together). */
export const multiCalendar: Shape = {
  name: 'a file with several VCALENDARs',
  ics: lines(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example SIS//Timetable export//EN',
    'BEGIN:VEVENT',
    'UID:p1-thu@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260115T090000Z',
    'DTEND:20260115T100000Z',
    'RRULE:FREQ=WEEKLY;COUNT=2',
    'SUMMARY:Y7 Geography',
    'END:VEVENT',
    'END:VCALENDAR',
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example Clubs//Clubs//EN',
    ...GOOGLE_LONDON,
    'BEGIN:VEVENT',
    'UID:netball-20260115@clubs.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/London:20260115T153000',
    'DTEND;TZID=Europe/London:20260115T163000',
    'SUMMARY:Netball club',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  busy: [
    busy('2026-01-15T09:00:00', '2026-01-15T10:00:00', 'Y7 Geography'),
    busy('2026-01-15T15:30:00', '2026-01-15T16:30:00', 'Netball club'),
    busy('2026-01-22T09:00:00', '2026-01-22T10:00:00', 'Y7 Geography'),
  ],
  freeDays: [],
  timeZone: 'Europe/London',
  // Inside the second calendar's event.
  inside: { startsAt: '2026-01-15T15:45:00Z', endsAt: '2026-01-15T16:15:00Z' },
  outside: { startsAt: '2026-01-15T12:00:00Z', endsAt: '2026-01-15T13:00:00Z' },
};

/**
 * RFC 5545 3.6.1: a timed event with DTSTART only, or DTEND equal to DTSTART, takes no time;
 * an all-day event with DTSTART only, or DTEND equal to DTSTART, is that one day.
 */
export const zeroLength: Shape = {
  name: 'zero-length events and one-day all-day events',
  ics: lines(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example SIS//Timetable export//EN',
    ...GOOGLE_LONDON,
    'BEGIN:VEVENT',
    'UID:y8-maths-thu@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/London:20260122T130000',
    'DTEND;TZID=Europe/London:20260122T140000',
    'SUMMARY:Y8 Maths',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:reports-due@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/London:20260122T160000',
    'SUMMARY:Reports due',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:fire-drill@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260122T153000Z',
    'DTEND:20260122T153000Z',
    'SUMMARY:Fire drill',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:training-day@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260123',
    'SUMMARY:Training day (school closed)',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:snow-day@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260130',
    'DTEND;VALUE=DATE:20260130',
    'SUMMARY:Closed for snow',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  busy: [busy('2026-01-22T13:00:00', '2026-01-22T14:00:00', 'Y8 Maths')],
  freeDays: [
    { from: '2026-01-23', to: '2026-01-24', label: 'Training day (school closed)' },
    { from: '2026-01-30', to: '2026-01-31', label: 'Closed for snow' },
  ],
  timeZone: 'Europe/London',
  inside: { startsAt: '2026-01-22T13:15:00Z', endsAt: '2026-01-22T13:45:00Z' },
  // Holds both zero-length events.
  outside: { startsAt: '2026-01-22T15:00:00Z', endsAt: '2026-01-22T16:30:00Z' },
};

/** RDATE lists and RDATE;VALUE=PERIOD, in local time and in UTC. */
export const rdatePeriods: Shape = {
  name: 'RDATE periods and lists',
  ics: lines(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example SIS//Timetable export//EN',
    ...GOOGLE_LONDON,
    'BEGIN:VEVENT',
    'UID:chess-club@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/London:20260114T153000',
    'DTEND;TZID=Europe/London:20260114T163000',
    'RDATE;VALUE=PERIOD;TZID=Europe/London:20260128T153000/20260128T170000,20260211T153000/PT2H',
    'RDATE;TZID=Europe/London:20260225T153000,20260311T153000',
    'SUMMARY:Chess club',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:moderation@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260218T120000Z',
    'DTEND:20260218T130000Z',
    'RDATE;VALUE=PERIOD:20260304T120000Z/20260304T124500Z',
    'SUMMARY:Moderation meeting',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  busy: [
    busy('2026-01-14T15:30:00', '2026-01-14T16:30:00', 'Chess club'),
    busy('2026-01-28T15:30:00', '2026-01-28T17:00:00', 'Chess club'),
    busy('2026-02-11T15:30:00', '2026-02-11T17:30:00', 'Chess club'),
    busy('2026-02-18T12:00:00', '2026-02-18T13:00:00', 'Moderation meeting'),
    busy('2026-02-25T15:30:00', '2026-02-25T16:30:00', 'Chess club'),
    busy('2026-03-04T12:00:00', '2026-03-04T12:45:00', 'Moderation meeting'),
    busy('2026-03-11T15:30:00', '2026-03-11T16:30:00', 'Chess club'),
  ],
  freeDays: [],
  timeZone: 'Europe/London',
  // In the part of the 28 January period after the usual hour ends.
  inside: { startsAt: '2026-01-28T16:40:00Z', endsAt: '2026-01-28T16:55:00Z' },
  // A Wednesday with no RDATE.
  outside: { startsAt: '2026-01-21T15:45:00Z', endsAt: '2026-01-21T16:15:00Z' },
};

/** All-day reminders (transparent, or free in Outlook's terms) beside a real closure. */
export const transparentAllDay: Shape = {
  name: 'transparent all-day events',
  ics: lines(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'X-WR-TIMEZONE:Europe/London',
    ...GOOGLE_LONDON,
    'BEGIN:VEVENT',
    'UID:p1-mon@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/London:20260119T090000',
    'DTEND;TZID=Europe/London:20260119T100000',
    'RRULE:FREQ=WEEKLY;COUNT=3',
    'SUMMARY:P1 Y11 English',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:birthday-mum@google.com',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260126',
    'DTEND;VALUE=DATE:20260127',
    'TRANSP:TRANSPARENT',
    'SUMMARY:Mum’s birthday',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:bins@outlook.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260119',
    'DTEND;VALUE=DATE:20260120',
    'X-MICROSOFT-CDO-BUSYSTATUS:FREE',
    'SUMMARY:Recycling collection',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:inset-20260202@sis.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260202',
    'DTEND;VALUE=DATE:20260203',
    'SUMMARY:INSET day',
    'END:VEVENT',
    'END:VCALENDAR',
  ),
  // The lessons on the birthday and on bin day stay; the INSET day's is gone.
  busy: ['01-19', '01-26'].map((d) => busy(`2026-${d}T09:00:00`, `2026-${d}T10:00:00`, 'P1 Y11 English')),
  freeDays: [{ from: '2026-02-02', to: '2026-02-03', label: 'INSET day' }],
  timeZone: 'Europe/London',
  inside: { startsAt: '2026-01-26T09:15:00Z', endsAt: '2026-01-26T09:45:00Z' },
  // The INSET day: the school is closed, so the lesson does not happen.
  outside: { startsAt: '2026-02-02T09:15:00Z', endsAt: '2026-02-02T09:45:00Z' },
};

export const SHAPES: Shape[] = [outlookWindowsZone, googleOverrides, appleFloating, multiCalendar, zeroLength, rdatePeriods, transparentAllDay];
