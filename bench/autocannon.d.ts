// autocannon ships without types; this declares the small part bench/load.ts uses.
declare module 'autocannon' {
  interface Histogram {
    p50: number;
    p99: number;
    average: number;
    total: number;
  }
  interface Result {
    duration: number;
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  interface Instance {
    on(event: 'response', cb: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void;
    on(event: 'done', cb: (result: Result) => void): void;
    /** Ends the load now; 'done' still fires with what was measured. */
    stop(): void;
  }
  function autocannon(opts: Record<string, unknown>): Instance;
  namespace autocannon {
    export type { Result };
  }
  export default autocannon;
}
