/** Feedback as stored, in bulk: for tests of results over many answers (the form's own path has its own tests). */
import type { TestContext } from './helpers.js';

export interface StoredAnswer {
  usefulness: number;
  confidence_before: number;
  confidence_after: number;
  comment: string | null;
}

/**
 * `n` more attendees of the session of `attendedBookingId` (an attended booking, whose row
 * each new booking copies), "Person 000", "Person 001"…, each with `answer(i)` written
 * straight into the database, the i-th given at `firstAt` plus i minutes.
 */
export async function storedAnswers(t: TestContext, opts: { attendedBookingId: string; n: number; firstAt: string; answer: (i: number) => StoredAnswer }) {
  const template = await t.db.selectFrom('bookings').selectAll().where('id', '=', opts.attendedBookingId).executeTakeFirstOrThrow();
  const org = await t.org();
  for (let i = 0; i < opts.n; i++) {
    const u = await t.user('staff', org.id, `Person ${String(i).padStart(3, '0')}`);
    const bookingId = crypto.randomUUID();
    await t.db.insertInto('bookings').values({ ...template, id: bookingId, user_id: u.id, queue_seq: template.queue_seq + 1 + i }).execute();
    const at = new Date(Date.parse(opts.firstAt) + i * 60_000).toISOString();
    await t.db.insertInto('feedback').values({ id: crypto.randomUUID(), session_id: template.session_id, user_id: u.id, booking_id: bookingId, ...opts.answer(i), created_at: at, updated_at: at }).execute();
  }
}
