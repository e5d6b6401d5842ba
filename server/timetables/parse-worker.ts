/**
 * The body of a timetable-parsing worker thread (see parsing.ts): a thin wrapper that calls
 * the same CSV and ICS readers the rest of the code uses, under the examine budget.
 */
import type { MessagePort } from 'node:worker_threads';
import { withExamineBudget } from './budget.js';
import { parseTimetableCsv, type CsvResult } from './csv.js';
import { parseTimetableIcs, type IcsResult } from './ics.js';

export type ParseTask =
  | { kind: 'ics'; text: string; now: number; defaultZone: string }
  | { kind: 'csv'; text: string; weekAStart: string | null; needEmail?: boolean; maxRows?: number };

export type ParseOutcome = { kind: 'ics'; result: IcsResult } | { kind: 'csv'; result: CsvResult } | { kind: 'too_complex' };

export interface WorkerTask {
  task: ParseTask;
  maxExamined: number;
  /** Told when the task starts running, so its time limit does not count time spent queued. */
  started: MessagePort;
}

/** Parses one file. Pure apart from the budget: the same input gives the same outcome. */
export function runParse(task: ParseTask, maxExamined: number): ParseOutcome {
  if (task.kind === 'csv') {
    return { kind: 'csv', result: parseTimetableCsv(task.text, { weekAStart: task.weekAStart, needEmail: task.needEmail, maxRows: task.maxRows }) };
  }
  const r = withExamineBudget(maxExamined, () => parseTimetableIcs(task.text, { now: new Date(task.now), defaultZone: task.defaultZone }));
  return r.spent ? { kind: 'too_complex' } : { kind: 'ics', result: r.value };
}

export default function parseInThisWorker({ task, maxExamined, started }: WorkerTask): ParseOutcome {
  started.postMessage('started');
  started.close();
  return runParse(task, maxExamined);
}
