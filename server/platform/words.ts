/** "Ann, Bo and Cy": names listed as a sentence lists them. Made at first use, not at start (ICU's list data takes some milliseconds to load). */
let andFormat: Intl.ListFormat | undefined;
export const listInWords = (items: readonly string[]): string => (andFormat ??= new Intl.ListFormat('en-GB', { type: 'conjunction' })).format(items);

/** "15:45 GMT on Tuesday, 10 February 2026": an instant as people read it, on the given clock (a session's own), named as the pages name it (GMT or BST in England). */
export const wallClock = (at: Date, timeZone: string) => {
  const zone = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return `${at.toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' })}${zone ? ` ${zone}` : ''} on ${at.toLocaleDateString('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}`;
};

/** "15 minutes before the session starts", or "when the session starts" for none. */
export const beforeStart = (minutes: number) => (minutes === 0 ? 'when the session starts' : `${minutes === 1 ? '1 minute' : `${minutes} minutes`} before the session starts`);
