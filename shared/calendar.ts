import { z } from 'zod';
import { Instant } from './common.js';

/** A private calendar subscription: the https URL and the same as webcal:// for one-click subscribe. */
export const FeedUrl = z.object({
  url: z.string(),
  webcalUrl: z.string(),
});
export type FeedUrl = z.infer<typeof FeedUrl>;

/** Bookings whose session overlaps [from, to); either end may be left open. */
export const ExportQuery = z
  .object({ from: Instant.optional(), to: Instant.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });
export type ExportQuery = z.infer<typeof ExportQuery>;
