/**
 * Realistic timetables for the timetable tests: what school information systems export.
 * Dates are in 2026 (UK clocks change on 29 March and 25 October).
 */

export const VTIMEZONE_LONDON = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/London',
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

/**
 * A secondary teacher's calendar feed: Thursday 13:00 Y9 Science every week until
 * December (not on 19 February, moved to 15:00 on 5 March), Monday P1 Maths, and an INSET
 * day on Monday 1 June. `withVtimezone` false leaves out the VTIMEZONE (many feeds do).
 */
export function secondaryIcs(opts: { withVtimezone?: boolean; tzid?: string } = {}) {
  const tz = opts.tzid ?? 'Europe/London';
  const zone = opts.withVtimezone === false ? [] : VTIMEZONE_LONDON.map((l) => (l === 'TZID:Europe/London' ? `TZID:${tz}` : l));
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example SIS//Timetable export//EN',
    'CALSCALE:GREGORIAN',
    ...zone,
    'BEGIN:VEVENT',
    'UID:y9sci-thu@school.example',
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=${tz}:20260108T130000`,
    `DTEND;TZID=${tz}:20260108T140000`,
    'RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20261217T235959Z',
    `EXDATE;TZID=${tz}:20260219T130000`,
    'SUMMARY:Y9 Science (Lab 2)',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:y9sci-thu@school.example',
    'DTSTAMP:20260101T000000Z',
    `RECURRENCE-ID;TZID=${tz}:20260305T130000`,
    `DTSTART;TZID=${tz}:20260305T150000`,
    `DTEND;TZID=${tz}:20260305T160000`,
    'SUMMARY:Y9 Science (moved for mocks)',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:maths-mon-p1@school.example',
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=${tz}:20260105T090000`,
    `DTEND;TZID=${tz}:20260105T100000`,
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=40',
    'SUMMARY:P1 Maths 8C',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:inset-20260601@school.example',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260601',
    'DTEND;VALUE=DATE:20260602',
    'SUMMARY:INSET day (school closed to pupils)',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const PERIODS = [
  ['08:50', '09:50'],
  ['09:50', '10:50'],
  ['11:10', '12:10'],
  ['12:10', '13:10'],
  ['14:00', '15:00'],
] as const;
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] as const;

/**
 * A secondary teacher's two-week timetable: five periods a day, with different free
 * periods in week A and week B. Week A: P3 free every day; week B: P2 free every day.
 */
export function twoWeekCsv(): string {
  const rows = ['day,start,end,label,week'];
  for (const week of ['A', 'B'] as const) {
    for (const day of DAYS) {
      PERIODS.forEach(([s, e], i) => {
        const free = week === 'A' ? i === 2 : i === 1;
        if (!free) rows.push(`${day},${s},${e},P${i + 1} ${week === 'A' ? 'Y10 Maths' : 'Y8 Maths'},${week}`);
      });
    }
  }
  return rows.join('\n') + '\n';
}

/** A part-time teaching assistant: Monday to Wednesday only, 08:45-15:15 with lunch free. */
export function partTimeTaCsv(): string {
  return ['Day,Start,End,Label', ...['Mon', 'Tue', 'Wed'].flatMap((d) => [`${d},08:45,12:00,Year 3 support`, `${d},13:00,15:15,"Interventions, phonics"`])].join('\r\n') + '\r\n';
}

/** A primary class teacher: 09:00-15:15 every weekday with lunch (12:00-13:00) free. */
export function primaryCsv(): string {
  return ['day,start,end,label', ...DAYS.flatMap((d) => [`${d.toLowerCase()},09:00,12:00,Class 4 morning`, `${d.toUpperCase()},13:00,15:15,Class 4 afternoon`])].join('\n');
}
