/**
 * Finding text anywhere in a column with LIKE, the same way on SQLite and PostgreSQL: the
 * pattern is lower-cased (compare it with `lower(column)`) and its `\`, `%` and `_` are taken
 * literally, so the query must say `escape '\'` (as `lowerContains` does).
 */
import { sql } from 'kysely';

/** A LIKE pattern matching `text` anywhere, any case (with `escape '\'`). */
export const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `lower(column) like '%text%' escape '\'`: `column` holds `text` anywhere, any case. */
export const lowerContains = (column: string, text: string) => sql<boolean>`lower(${sql.ref(column)}) like ${containing(text)} escape '\\'`;
