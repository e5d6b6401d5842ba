/**
 * An in-memory SQLite database opened from a copy of another (SqliteOptions.image, how the
 * suite gives each test its own migrated database): it starts with everything the copy held,
 * with the connection's own set-up (foreign keys, unicode_lower), and what is written to one
 * database is never seen by another opened from the same copy.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite } from '../../db/connect.js';
import { sqliteImage } from '../../db/sqlite.js';

describe('SQLite databases opened from a copy', () => {
  it('start as the copy, with foreign keys enforced, and stay apart from each other', async () => {
    const source = openSqlite(':memory:');
    await migrateToLatest(source.db);
    const image = sqliteImage(source.db);
    await source.close();

    const [a, b] = [openSqlite(':memory:', { image }), openSqlite(':memory:', { image })];
    try {
      const migrations = (db: typeof a) => db.db.selectFrom('kysely_migration' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      expect((await migrations(a)).n).toBeGreaterThan(0);
      expect((await migrations(b)).n).toBe((await migrations(a)).n);
      await a.db.insertInto('organisations').values({ id: 'org-1', name: 'Ash School', urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: '2026-12-05T00:00:00.000Z' }).execute();
      expect(await a.db.selectFrom('organisations').select('name').execute()).toEqual([{ name: 'Ash School' }]);
      expect(await b.db.selectFrom('organisations').select('name').execute()).toEqual([]);
      // The connection's set-up is its own, not the copy's: foreign keys on, unicode_lower there.
      await expect(a.db.insertInto('organisations').values({ id: 'org-2', name: 'Birch', urn: null, parent_id: 'no-such-org', time_zone: 'Europe/London', settings: '{}', created_at: '2026-12-05T00:00:00.000Z' }).execute()).rejects.toThrow(/FOREIGN KEY/);
      expect((await sql<{ v: string }>`select unicode_lower('ÉCOLE') as v`.execute(b.db)).rows[0]!.v).toBe('école');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('is refused for a database file', () => {
    expect(() => openSqlite('/tmp/never-opened.db', { image: Buffer.alloc(0) })).toThrow(/in-memory/);
  });
});
