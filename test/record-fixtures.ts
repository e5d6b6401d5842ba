/**
 * A school whose staff have attended sessions: `people` staff, each with an attended booking
 * at each of `sessions` sessions (published through the API with the clock set back, the
 * bookings written straight to the database). The clock is left where it was.
 */
import { randomUUID } from 'node:crypto';
import type { TestContext } from './helpers.js';

export async function schoolWithRecord(t: TestContext, people: number, sessions: number, name = 'Oak School') {
  const school = await t.org(name);
  const staff = [];
  for (let i = 0; i < people; i++) staff.push(await t.user('staff', school.id, `Person ${String(i).padStart(4, '0')}`));
  const trainer = await t.user('trainer');
  const was = t.clock.now();
  const first = Date.parse('2026-03-02T15:00:00Z');
  t.clock.set('2026-02-01T09:00:00.000Z'); // before every session, so they can be published
  const now = t.clock.now().toISOString();
  const ids: string[] = [];
  for (let k = 0; k < sessions; k++) {
    const startsAt = new Date(first + k * 86_400_000).toISOString();
    const { id } = await t.session({ title: `Session ${k}`, startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(), capacity: { online: people } }, trainer);
    const rows = staff.map((u, n) => {
      const bid = randomUUID();
      ids.push(bid);
      return { id: bid, session_id: id, user_id: u.id, seat: 'online' as const, status: 'attended' as const, queue_seq: n + 1, revision: 0, created_at: now, updated_at: now };
    });
    for (let i = 0; i < rows.length; i += 200) await t.db.insertInto('bookings').values(rows.slice(i, i + 200)).execute();
  }
  t.clock.set(was.toISOString());
  return { school, staff, ids, office: await t.user('office', school.id, 'Olu Office') };
}
