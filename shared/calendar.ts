import { z } from 'zod';
import { RangeEdge, rangeRunsForward } from './common.js';

/** A private calendar subscription: the https URL and the same as webcal:// for one-click subscribe. */
export const FeedUrl = z.object({
  url: z.string(),
  webcalUrl: z.string(),
});
export type FeedUrl = z.infer<typeof FeedUrl>;

/** Bookings whose session overlaps [from, to); either end may be left open, and either may be a date (RangeEdge). */
export const ExportQuery = z
  .object({ from: RangeEdge.optional(), to: RangeEdge.optional() })
  .refine(rangeRunsForward, { message: 'must be after from', path: ['to'] });
export type ExportQuery = z.infer<typeof ExportQuery>;
