import { writeSync } from 'node:fs';

/** Structured logs: one JSON object per line, with the request id where there is one. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What each batched writer still holds is written when the process exits: one listener for them all. */
const atExit = new Set<() => void>();
function flushedAtExit(flushSync: () => void) {
  if (atExit.size === 0) process.on('exit', () => atExit.forEach((f) => f()));
  atExit.add(flushSync);
}

/**
 * Standard output, with log lines gathered and written together: a write per line (a
 * system call each) was a tenth of the CPU time of a small request, and under load even a
 * write per event-loop turn (hundreds a second, each waking whatever reads the pipe) was
 * 11 µs of each booking in the booking load's profile (5 µs written this way). So lines
 * are written on the next turn, but at most once every `everyMs`: at once when the server
 * is quiet, within `everyMs` under load, and at once whenever `maxLines` are waiting.
 * Whatever is still waiting when the process exits is written synchronously.
 * `to` replaces standard output (tests).
 */
export function batchedStdout(everyMs = 25, maxLines = 1000, to?: (chunk: string) => void): (line: string) => void {
  const write = to ?? ((c: string) => void process.stdout.write(c));
  // At exit an asynchronous write to a pipe may never be made: standard output is written
  // synchronously then. A writer given in its place (a test's) is used at exit too.
  const writeAtExit = to ?? ((c: string) => void writeSync(1, c));
  let pending: string[] = [];
  let lastWrite = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let soon = false;
  const take = () => {
    const chunk = pending.join('\n') + '\n';
    pending = [];
    return chunk;
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    soon = false;
    if (pending.length === 0) return;
    lastWrite = performance.now();
    write(take());
  };
  flushedAtExit(() => {
    if (pending.length) writeAtExit(take());
  });
  return (line) => {
    const n = pending.push(line);
    if (n >= maxLines) return flush();
    if (n > 1 || soon || timer) return;
    const wait = lastWrite + everyMs - performance.now();
    if (wait <= 0) {
      soon = true;
      setImmediate(flush);
    } else timer = setTimeout(flush, wait);
  };
}

export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Keeps log lines in memory; tests read them. */
export function memoryLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = jsonLogger((l) => lines.push(JSON.parse(l)));
  return Object.assign(logger, { lines });
}
