/**
 * The load generator, run as its own process so it never shares a CPU queue with the
 * server's event loop: `tsx bench/load.ts SPEC.json` runs autocannon and prints one JSON
 * line with the result. With `cycle`, request n uses cycle[n % length] (path, headers,
 * body), so every request can be a distinct booking or a distinct webhook. SIGTERM stops the
 * load early and still prints its result.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  cycle?: { path?: string; headers?: Record<string, string>; body?: string }[];
  /** Stop after this many requests, even before the duration is up (no request repeats). */
  maxRequests?: number;
  /** Seconds before a request counts as timed out (default 10). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  status: Record<string, number>;
  seconds: number;
  /** Cycle items taken (requests sent, answered or not): where a load that goes on from this one starts, so none repeats. */
  sent: number;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
let next = 0;
const cycle = spec.cycle;
const status: Record<string, number> = {};

const instance = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  ...(spec.maxRequests ? { maxOverallRequests: Math.max(spec.maxRequests, spec.connections) } : {}),
  timeout: spec.timeoutSeconds ?? 10,
  requests: [
    {
      method: spec.method ?? 'GET',
      path: spec.path ?? '/',
      headers: spec.headers,
      body: spec.body,
      ...(cycle
        ? {
            setupRequest: (req: Record<string, unknown>) => {
              const item = cycle[next++ % cycle.length]!;
              return {
                ...req,
                ...(item.path ? { path: item.path } : {}),
                ...(item.body !== undefined ? { body: item.body } : {}),
                headers: { ...(req.headers as Record<string, string>), ...(item.headers ?? {}) },
              };
            },
          }
        : {}),
    },
  ],
});
// SIGTERM ends a load early (one kept running beside another until that one is done) and
// still reports what it measured.
process.once('SIGTERM', () => instance.stop());
instance.on('response', (_client, statusCode) => {
  status[statusCode] = (status[statusCode] ?? 0) + 1;
});
instance.on('done', (r) => {
  const seconds = r.duration;
  const out: LoadResult = {
    requests: r.requests.total,
    rps: r.requests.total / seconds,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status,
    seconds,
    sent: next,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
});
