// Mutation testing of the rules that matter most (`npm run test:mutation`; not part of CI's
// default run: it takes tens of minutes). The score and the surviving mutants are recorded in
// the README's Tests section. MUTATE=path,path narrows the run to some files.
const all = ['server/bookings/**/*.ts', 'server/attendance/compute.ts', 'server/calendar/rules.ts', 'server/timetables/clash.ts'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [...(process.env.MUTATE ? process.env.MUTATE.split(',') : all), '!**/*.test.ts'],
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignoreStatic: true,
};
