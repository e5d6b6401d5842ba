/** "Ann, Bo and Cy": names listed as a sentence lists them. Made at first use, not at start (ICU's list data takes some milliseconds to load). */
let andFormat: Intl.ListFormat | undefined;
export const listInWords = (items: readonly string[]): string => (andFormat ??= new Intl.ListFormat('en-GB', { type: 'conjunction' })).format(items);

/** "15:45 on Tuesday 10 February 2026": an instant as people read it, on the given clock (a session's own). */
export const wallClock = (at: Date, timeZone: string) =>
  `${at.toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' })} on ${at.toLocaleDateString('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}`;
