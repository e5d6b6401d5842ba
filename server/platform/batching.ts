/**
 * Read batching: lookups asked for in the same turn of the event loop (the requests read
 * together) go to the database as one query. Every request asks who is calling, and a
 * query each cost a round trip on PostgreSQL (most of a small request's time) and a
 * statement's overhead on SQLite. On an idle server a batch is a single key.
 */
export function batchedLookup<K, V>(load: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  let waiting: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    const batch = waiting;
    waiting = [];
    load([...new Set(batch.map((w) => w.key))]).then(
      (found) => batch.forEach((w) => w.resolve(found.get(w.key))),
      (error) => batch.forEach((w) => w.reject(error)),
    );
  };
  return (key) =>
    new Promise((resolve, reject) => {
      // After this turn, when every request read in it has asked.
      if (waiting.push({ key, resolve, reject }) === 1) setImmediate(flush);
    });
}
