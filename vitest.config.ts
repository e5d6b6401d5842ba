import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const BROWSER = 'test/browser/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one file at a time less than the cores: on a two-core CI machine
    // that is one, and most of the suite's time is browser tests waiting on Chromium and the
    // server, not computing. Two at a time there (each file has its own database, server
    // and browser) makes better use of them; bigger machines keep vitest's default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // expect.poll waits up to 10 s, as Playwright's own waits do (test/browser/harness.ts),
    // not vitest's 1 s: a page on a busy two-core machine can take longer than 1 s to render
    // 5,000 rows, and a poll that never succeeds still fails, only later.
    expect: { poll: { timeout: 10_000 } },
    // Two projects, run together. The API, database, hostile, fault and scale tests share their
    // modules within a worker (isolate: false): each test file builds its own app, database and
    // servers from them, and nothing of a test's is kept in a module, so importing the whole
    // app anew for each of about 110 files (most of a minute of each pass) bought nothing. A
    // test that changes something of a shared module puts it back (sign-in-throttle wraps
    // node:crypto's scrypt and restores it). The browser tests share theirs too (their
    // harness and the app's modules: most of 94 s of import, summed over the files), each
    // file with its own server, database and browser, and 90 s a test.
    // Each project runs its global set-up (the web build, skipped when fresh; the PostgreSQL
    // template, test/pg-databases.ts) only when it has files to run.
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts'],
          // The PostgreSQL pass (npm run test:pg) leaves out test/scale/: its cross-process
          // tests run on both databases in the first pass already (each makes its own
          // PostgreSQL database). Said here, not on test:pg's command line: a project's own
          // `exclude` takes the place of the command line's, which left them running twice.
          exclude: [BROWSER, ...(process.env.TEST_DATABASE === 'postgres' ? ['test/scale/**'] : [])],
          globalSetup: ['test/browser/build.ts', 'test/pg-databases.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [BROWSER],
          // A browser test walks several pages by keyboard and runs axe on each: 10-30 s on a
          // quiet machine, more on a loaded one; a test that hangs still fails.
          testTimeout: 90_000,
          isolate: false,
          globalSetup: ['test/browser/build.ts', 'test/pg-databases.ts'],
        },
      },
    ],
  },
});
