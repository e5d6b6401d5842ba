import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Seat counts stored on the session (per seat kind) and on each hold (the seats taken
// against it), changed only in the transaction that changes the bookings, under the
// session's lock. Listing sessions then reads no booking rows. Existing counts are taken
// from the rows here, once.
const KINDS = ['in_person', 'online'] as const;
const COUNTS = ['confirmed', 'offered', 'waiting'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const kind of KINDS) {
    for (const count of COUNTS) {
      await db.schema.alterTable('sessions').addColumn(`${count}_${kind}`, 'integer', (c) => c.notNull().defaultTo(0)).execute();
    }
  }
  await db.schema.alterTable('seat_holds').addColumn('claimed', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  const statuses = { confirmed: sql`('confirmed','attended','absent')`, offered: sql`('offered')`, waiting: sql`('waitlisted')` };
  for (const kind of KINDS) {
    for (const count of COUNTS) {
      await sql`update sessions set ${sql.ref(`${count}_${kind}`)} = (
        select count(*) from bookings b where b.session_id = sessions.id and b.seat = ${kind} and b.status in ${statuses[count]}
      )`.execute(db);
    }
  }
  // A claim whose hold was since removed keeps a hold row of no seats, so that the count of
  // claims survives the hold being set again (as counting the rows did).
  await sql`insert into seat_holds (id, session_id, org_id, seat, seats, created_at)
    select distinct b.session_id || ':' || b.hold_org_id || ':' || b.seat, b.session_id, b.hold_org_id, b.seat, 0, min(b.created_at)
    from bookings b
    where b.hold_org_id is not null and b.status in ('confirmed','attended','absent','offered')
      and not exists (select 1 from seat_holds h where h.session_id = b.session_id and h.org_id = b.hold_org_id and h.seat = b.seat)
    group by b.session_id, b.hold_org_id, b.seat`.execute(db);
  await sql`update seat_holds set claimed = (
    select count(*) from bookings b where b.session_id = seat_holds.session_id and b.seat = seat_holds.seat and b.hold_org_id = seat_holds.org_id
      and b.status in ('confirmed','attended','absent','offered')
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('seat_holds').dropColumn('claimed').execute();
  for (const kind of KINDS) for (const count of COUNTS) await db.schema.alterTable('sessions').dropColumn(`${count}_${kind}`).execute();
}
