/**
 * Read batching: lookups asked for in the same turn of the event loop (the requests read
 * together) go to the database as one query. Every request asks who is calling, and a
 * query each cost a round trip on PostgreSQL (most of a small request's time) and a
 * statement's overhead on SQLite. On an idle server a batch is a single key.
 *
 * One query at a time: keys asked for while one is out wait for it to come back and then
 * go together in the next. Under load on PostgreSQL requests are read a few per turn (each
 * answer from the database is a turn of its own), so batching by turn alone sent about one
 * query per request; waiting on the query in flight instead gathers everything that
 * arrived meanwhile, and the number of queries follows the database's pace, not the
 * requests'. A key never joins a query already sent, so what it gets was read after it
 * was asked for (server/platform/change-version.ts relies on that). On SQLite a query
 * answers at once, so nothing waits. A query still out after `STALL_MS` (a database that
 * stopped answering, a pool with no free connection) no longer holds the next one back.
 */
const STALL_MS = 1_000;
/** Keys per query at most (SQLite binds each as a parameter); the rest go in the next. */
const MAX_KEYS = 500;

export function batchedLookup<K, V>(load: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  const waiting: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  let inFlight = false;
  const schedule = () => {
    scheduled = true;
    // After this turn, when every request read in it has asked.
    setImmediate(flush);
  };
  let current = 0;
  const done = (query: number) => {
    if (query !== current || !inFlight) return;
    inFlight = false;
    if (waiting.length > 0 && !scheduled) schedule();
  };
  const flush = () => {
    scheduled = false;
    const batch = waiting.splice(0, MAX_KEYS);
    inFlight = true;
    const query = ++current;
    const stalled = setTimeout(() => done(query), STALL_MS).unref();
    let settled: Promise<Map<K, V>>;
    try {
      settled = load([...new Set(batch.map((w) => w.key))]);
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .then(
        (found) => batch.forEach((w) => w.resolve(found.get(w.key))),
        (error) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        clearTimeout(stalled);
        done(query);
      });
  };
  return (key) =>
    new Promise((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (!scheduled && !inFlight) schedule();
    });
}
