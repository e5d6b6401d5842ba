import { writeSync } from 'node:fs';

/** Structured logs: one JSON object per line, with the request id where there is one. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Standard output, with the lines logged in one turn of the event loop written together:
 * a write per line (a system call each) was a tenth of the CPU time of a small request.
 * Whatever is still waiting when the process exits is written synchronously.
 */
export function batchedStdout(): (line: string) => void {
  let pending: string[] = [];
  const take = () => {
    const chunk = pending.join('\n') + '\n';
    pending = [];
    return chunk;
  };
  const flush = () => {
    if (pending.length) process.stdout.write(take());
  };
  process.on('exit', () => {
    if (pending.length) writeSync(1, take());
  });
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
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
