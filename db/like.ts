/**
 * Finding text anywhere in a column with LIKE, the same way on SQLite and PostgreSQL: case is
 * folded for every letter, not only ASCII ("Órla" finds "ÓRLA", "Ольга" finds "ОЛЬГА"), and
 * text is compared in Unicode's composed form (NFC), so an "é" stored as "e" and a combining
 * accent is found by "é". On SQLite by `unicode_lower` (db/sqlite.ts registers it on each
 * connection; SQLite's own `lower` folds ASCII only), on PostgreSQL by `lower(normalize(…))`.
 * The pattern's `\`, `%` and `_` are taken literally, so the query must say `escape '\'` (as
 * `lowerContains` does).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { kindOf } from './prepared.js';
import type { Database } from './schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** A LIKE pattern matching `text` anywhere, any case (with `escape '\'`), against `folded(column)`. */
export const containing = (text: string) => `%${text.normalize('NFC').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `column` with its case folded and its text composed, on `db`'s kind of database: what `containing` patterns are matched against. */
export const folded = (db: Q, column: string): RawBuilder<string> =>
  kindOf(db) === 'sqlite' ? sql<string>`unicode_lower(${sql.ref(column)})` : sql<string>`lower(normalize(${sql.ref(column)}, NFC))`;

/** `column` holds `text` anywhere, any case. */
export const lowerContains = (db: Q, column: string, text: string) => sql<boolean>`${folded(db, column)} like ${containing(text)} escape '\\'`;

/**
 * A name's place in an alphabetical list, the same on both databases: case folded, and each
 * accented letter with its plain one ("ábel" beside "Abel", not after "Zoë"), as people expect a
 * list of names to read. Ties are for the query to break.
 */
export const alphabeticalKey = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[łøæœßđħı]/g, (c) => LETTERS_OF[c] ?? c);
/**
 * Letters that Unicode does not take apart into a plain letter and a mark, each with the plain
 * letter it is alphabetised beside in English lists (one for one, so both databases agree).
 */
const LETTERS_OF: Record<string, string> = { ł: 'l', ø: 'o', æ: 'a', œ: 'o', ß: 's', đ: 'd', ħ: 'h', ı: 'i' };
const PG_LETTERS = [Object.keys(LETTERS_OF).join(''), Object.values(LETTERS_OF).join('')] as const;

/** `column` as `alphabeticalKey` gives it, to order by: db/sqlite.ts registers `alphabetical`; PostgreSQL takes the marks off the decomposed text. */
export const alphabetical = (db: Q, column: string): RawBuilder<string> =>
  kindOf(db) === 'sqlite'
    ? sql<string>`alphabetical(${sql.ref(column)})`
    : // Ordered by code point ("C"), as SQLite orders the same keys, not by the database's own collation.
      sql<string>`(translate(lower(regexp_replace(normalize(${sql.ref(column)}, NFD), '[\u0300-\u036f]', '', 'g')), ${PG_LETTERS[0]}, ${PG_LETTERS[1]}) collate "C")`;
