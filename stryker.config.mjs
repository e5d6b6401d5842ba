// Mutation testing of the rules that matter most (`npm run test:mutation`; not part of CI's
// default run: it takes tens of minutes). The score and the surviving mutants are recorded in
// the README's Tests section. MUTATE=path,path narrows the run to some files (and
// vitest.mutation.config.ts then runs only the tests for those files).
// `npm run test:mutation:incremental` reuses the last run's results for mutants whose code and
// covering tests did not change (one results file per MUTATE selection, in reports/mutation/).
// Routes and the CSV export are left out: they are HTTP plumbing, not rules.
const all = [
  'server/bookings/availability.ts',
  'server/bookings/service.ts',
  'server/bookings/jobs.ts',
  'server/bookings/views.ts',
  'server/attendance/compute.ts',
  'server/calendar/rules.ts',
  'server/timetables/clash.ts',
];
const selected = process.env.MUTATE ? process.env.MUTATE.split(',') : all;
const name = process.env.MUTATE ? selected.map((f) => f.replace(/^server\//, '').replace(/\.ts(?=:|$)/, '').replace(/[^\w]+/g, '-')).join('+') : 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [...selected, '!**/*.test.ts'],
  coverageAnalysis: 'perTest',
  // One worker: the machines are 2-core and shared; STRYKER_CONCURRENCY=2 on a quiet one.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  // Generous: a loaded machine otherwise reports slow runs as "timed out" (counted as killed).
  timeoutMS: 45_000,
  dryRunTimeoutMinutes: 20,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  incrementalFile: `reports/mutation/incremental-${name}.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignoreStatic: true,
};
