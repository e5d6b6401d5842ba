import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Time zones are canonicalised as they are typed ('europe/london' or 'GB' is kept as
// 'Europe/London', the name calendar clients look a TZID up by). Rows written before that
// keep the zone as typed; here every stored zone becomes its IANA name, the same way
// (Intl's resolved zone). One update per distinct value that changes; a value Intl does not
// know is left as it is (there is nothing to rewrite it to).
const COLUMNS = [
  { table: 'sessions', column: 'time_zone' },
  { table: 'organisations', column: 'time_zone' },
  { table: 'users', column: 'time_zone' },
  { table: 'timetables', column: 'time_zone' },
] as const;

function canonical(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  let changed = false;
  for (const { table, column } of COLUMNS) {
    const values = await db.selectFrom(table).select(column).distinct().where(column, 'is not', null).execute();
    for (const row of values) {
      const typed = String(row[column]);
      const iana = typed.length > 0 ? canonical(typed) : null;
      if (iana && iana !== typed) {
        await db.updateTable(table).set({ [column]: iana }).where(column, '=', typed).execute();
        changed = true;
      }
    }
  }
  // The calendar feeds now say their events' zones otherwise: every feed's version moves on,
  // so a calendar that kept one (and would be told "not modified") fetches it again, once.
  if (changed) await db.updateTable('calendar_feed_revisions').set((eb: any) => ({ revision: eb('revision', '+', 1), changed_at: new Date().toISOString() })).execute();
}

// The zones as once typed are not kept: nothing to undo (the IANA names work before this too).
export async function down(_db: Kysely<any>): Promise<void> {}
