/** Timetable files that cost a parser far more than their few hundred bytes suggest. */
export const calendar = (event: string) =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:heavy-1@test\r\nDTSTAMP:20260101T000000Z\r\n${event}SUMMARY:Heavy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
/** A rule that examines dates for ever and never produces one: there is no 30 February. */
export const NEVER = calendar('DTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\n');
/** An end 19 quintillion weeks after the start. */
export const ABSURD_DURATION = calendar('DTSTART:20260105T090000Z\r\nDURATION:P999999999999999999W\r\n');
/** A daily lesson since 1601: 155,000 occurrences before the ones that matter. */
export const SINCE_1601 = calendar('DTSTART:16010101T090000Z\r\nDTEND:16010101T100000Z\r\nRRULE:FREQ=DAILY\r\n');
