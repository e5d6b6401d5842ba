/**
 * The operations of the app's own OpenAPI document, and a database snapshot, for the
 * hostile-input tests: every route the app publishes is fuzzed and checked for access.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { TestContext } from '../helpers.js';

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/sessions/{id}. */
  path: string;
  /** `GET /api/sessions/{id}`: the key used in tables. */
  key: string;
  pathParams: string[];
  queryParams: string[];
  /** Request content types, e.g. application/json, text/csv. */
  contentTypes: string[];
  /** Top-level JSON body properties, when the body is a JSON object. */
  bodyProperties: string[];
}

export async function operations(t: TestContext): Promise<Operation[]> {
  const res = await t.request('GET', '/api/openapi.json');
  if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
  const doc = res.json as { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, any> } };
  const resolve = (s: any): any => (s?.$ref ? doc.components?.schemas?.[String(s.$ref).split('/').pop()!] : s);
  const out: Operation[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
      const params = (op.parameters ?? []) as { in: string; name: string }[];
      const content = (op.requestBody?.content ?? {}) as Record<string, { schema?: any }>;
      const json = resolve(content['application/json']?.schema);
      const props = new Set<string>();
      for (const s of [json, ...(json?.allOf ?? []), ...(json?.anyOf ?? [])].map(resolve)) for (const k of Object.keys(s?.properties ?? {})) props.add(k);
      out.push({
        method: m.toUpperCase(),
        path: p,
        key: `${m.toUpperCase()} ${p}`,
        pathParams: params.filter((x) => x.in === 'path').map((x) => x.name),
        queryParams: params.filter((x) => x.in === 'query').map((x) => x.name),
        contentTypes: Object.keys(content),
        bodyProperties: [...props],
      });
    }
  }
  return out;
}

/** Every table's rows, hashed: equal snapshots mean nothing was written. */
export async function snapshot(t: TestContext, except: string[] = []): Promise<Record<string, string>> {
  const tables =
    t.deps.dbKind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(t.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db)).rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const table of tables.sort()) {
    if (except.includes(table) || table.startsWith('kysely_')) continue;
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.db)).rows;
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    out[table] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

/** Fills `{name}` placeholders of an OpenAPI path. */
export function fillPath(p: string, values: Record<string, string>): string {
  return p.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${p}`);
    return encodeURIComponent(v);
  });
}
