/**
 * Timetable files are parsed and their recurrences expanded off the event loop, in a pool
 * of worker threads (piscina), under a work budget: a wall-time limit per file, counted from
 * when a worker starts on it, and a number of candidate dates examined (budget.ts). A file
 * over either gets 422 `timetable_too_complex`; a worker over time is ended (piscina
 * terminates a thread whose running task is aborted) and a new one takes its place.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { AppError } from '../errors.js';
import type { Config } from '../platform/deps.js';
import type { ParseOutcome, ParseTask, WorkerTask } from './parse-worker.js';

/** Wall time one file may take in a worker, candidate dates it may examine, worker threads at most. */
export type ParseLimits = Config['timetableParsing'];
/** Files waiting for a worker before new ones are turned away with 503. */
const MAX_WAITING = 200;

/**
 * The worker's file: beside this module's sources, a bootstrap that loads the TypeScript
 * through tsx; in the bundle (dist/server.mjs), the worker bundled beside it.
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) return path.join(dir, 'parse-worker.boot.mjs');
  const bundled = path.join(dir, 'timetable-worker.mjs');
  if (!existsSync(bundled)) throw new Error(`the timetable worker ${bundled} is missing: rebuild with npm run build`);
  return bundled;
}

/**
 * piscina is loaded with the first timetable file, not at start: most processes never read
 * one. In the bundle it stays a package of its own (server/build.ts), so this import is
 * left as it is and loads it from node_modules.
 */
let piscinaLib: Promise<typeof import('piscina')> | undefined;
const loadPiscina = () => (piscinaLib ??= import('piscina'));

let pool: Piscina | null = null;

async function poolFor(limits: ParseLimits): Promise<Piscina> {
  const { Piscina } = await loadPiscina();
  // Files that arrive together while piscina loads share the one pool made after it has.
  pool ??= new Piscina({
    filename: workerFile(),
    // Made with the first file; a worker ended for time is replaced at once.
    minThreads: limits.workers,
    maxThreads: limits.workers,
    maxQueue: MAX_WAITING,
    // A file that needs more memory than this is not a timetable either.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  return pool;
}

const tooComplex = () => new AppError('timetable_too_complex', 'This timetable file needs more work to read than a timetable can: its repeating events repeat too often, for too long, or never. Export a shorter range, or simpler repeating events. The timetable was not changed.');

/** Parses one timetable file in a worker; throws AppError `timetable_too_complex` when it is over budget. */
export async function parseOffThread(task: ParseTask, limits: ParseLimits): Promise<ParseOutcome> {
  const workers = await poolFor(limits);
  if (workers.queueSize >= MAX_WAITING) throw new AppError('service_busy', 'Too many timetable files are being read right now. Please try again in a minute.', undefined, { 'Retry-After': '30' });
  const { port1, port2 } = new MessageChannel();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  port1.once('message', () => {
    timer = setTimeout(() => controller.abort(), limits.timeMs);
  });
  const message: WorkerTask = { task, maxExamined: limits.maxExamined, started: port2 };
  try {
    const outcome = (await workers.run(message, { signal: controller.signal, transferList: [port2] })) as ParseOutcome;
    if (outcome.kind === 'too_complex') throw tooComplex();
    return outcome;
  } catch (e) {
    if (e instanceof AppError) throw e;
    // Aborted for time, or the worker ran out of memory: either way the file is too much.
    if (controller.signal.aborted || (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw tooComplex();
    throw e;
  } finally {
    clearTimeout(timer);
    port1.close();
  }
}

/** Ends the worker threads (at shutdown, after the last request). */
export async function closeParsePool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.destroy();
}
