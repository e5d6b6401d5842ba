/**
 * A problem with one event of an ICS timetable, and how it reads in a message. Kept apart
 * from the ICS reader (ics.ts), which runs in the parsing workers (parsing.ts): the server's
 * own thread only words the problems a worker found, and so never loads the reader and the
 * Windows time zone table it needs.
 */
export interface EventProblem {
  uid: string | null;
  summary: string | null;
  message: string;
  /** Set when the problem is a time zone that cannot be resolved: its name as the file gives it. */
  zone?: string;
}

/** How a problem reads in a message: the event's summary and UID. */
export function describeEvent(p: EventProblem): string {
  if (!p.uid && !p.summary) return p.message.charAt(0).toUpperCase() + p.message.slice(1);
  return `Event ${p.summary ? `"${p.summary}"` : ''}${p.uid ? `${p.summary ? ' ' : ''}(UID ${p.uid})` : ''} ${p.message}`;
}
