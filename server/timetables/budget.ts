/**
 * The work budget of one timetable parse, counted in candidate dates examined while
 * recurrences are expanded (not only occurrences produced): a rule such as
 * `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30` examines dates for ever and never produces one.
 * ical.js tests every candidate date of a rule in `RecurIterator#check_contracting_rules`;
 * that step is wrapped here to count, and to fail once the budget is spent. Outside a
 * budgeted parse (`withExamineBudget`) it counts nothing.
 *
 * The wall-time half of the budget is the worker pool's (parsing.ts): it ends a worker that
 * runs too long whatever it is doing (an absurd DURATION, say).
 */
import ICAL from 'ical.js';

/** Thrown inside ical.js when the budget is spent; ics.ts reports it as a problem, and the flag below says why. */
export class ExamineBudgetSpent extends Error {
  constructor() {
    super('the file needs more work than a timetable may');
    this.name = 'ExamineBudgetSpent';
  }
}

let left = Number.POSITIVE_INFINITY;
let spent = false;

type Iterator = { check_contracting_rules(this: Iterator): boolean };
const proto = (ICAL as unknown as { RecurIterator: { prototype: Iterator } }).RecurIterator.prototype;
const check = proto.check_contracting_rules;
proto.check_contracting_rules = function (this: Iterator) {
  if (--left < 0) {
    spent = true;
    throw new ExamineBudgetSpent();
  }
  return check.call(this);
};

/**
 * Runs `work` (synchronous) with at most `maxExamined` candidate dates examined. `spent` is
 * true when the budget ran out, whatever `work` made of the error thrown into it.
 */
export function withExamineBudget<T>(maxExamined: number, work: () => T): { value: T; spent: boolean } | { value: undefined; spent: true } {
  left = maxExamined;
  spent = false;
  try {
    const value = work();
    return spent ? { value: undefined, spent: true } : { value, spent: false };
  } catch (e) {
    if (spent || e instanceof ExamineBudgetSpent) return { value: undefined, spent: true };
    throw e;
  } finally {
    left = Number.POSITIVE_INFINITY;
    spent = false;
  }
}
