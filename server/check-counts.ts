/**
 * `npm run check:counts`: compares the seat counts stored on sessions and holds with a
 * count of the booking rows, and each session's last queue number with its bookings'
 * highest, on the database DATABASE_URL names (default as `npm start`).
 * Prints every difference; exits 1 when there is any, 2 when the check cannot run, 0 when
 * every count agrees. Reads one consistent snapshot and changes nothing.
 */
import { isMigrated, openDatabase } from '../db/connect.js';
import { seatCountDrift, type SeatCountDrift } from './bookings/repository.js';

const url = process.env.DATABASE_URL || 'sqlite:./data/app.db';
const { db, kind, close } = openDatabase(url, { max: 1 });

function describe(d: SeatCountDrift): string {
  if (d.count === 'last_queue_seq') return `session ${d.sessionId}: the last queue number is stored as ${d.stored} but a booking already has ${d.counted}`;
  const what = d.count === 'claimed' ? `seats claimed from the ${d.seat === 'online' ? 'online' : 'in-person'} hold of organisation ${d.orgId}` : d.count;
  return `session ${d.sessionId}: ${what} is stored as ${d.stored} but the bookings count ${d.counted}`;
}

let code = 0;
try {
  if (!(await isMigrated(db))) {
    console.error('The database is not migrated to this version: start the service once (npm start) to migrate it, then check again.');
    code = 2;
  } else {
    // One snapshot: counts and rows as of the same moment, while bookings go on.
    const trx = db.transaction();
    const drift = await (kind === 'postgres' ? trx.setIsolationLevel('repeatable read') : trx).execute((t) => seatCountDrift(t));
    const sessions = Number((await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (drift.length === 0) {
      console.log(`Seat counts agree with the bookings on all ${sessions} session(s).`);
    } else {
      for (const d of drift) console.log(describe(d));
      console.log(`${drift.length} stored count(s) differ from the bookings.`);
      code = 1;
    }
  }
} catch (e) {
  console.error(`The check could not run: ${(e as Error).message}`);
  code = 2;
} finally {
  await close();
}
process.exit(code);
