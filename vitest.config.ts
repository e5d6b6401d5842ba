import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one file at a time less than the cores: on a two-core CI machine
    // that is one, and most of the suite's time is browser tests waiting on Chromium and the
    // server, not computing. Two at a time there (each file has its own database, server
    // and browser) makes better use of them; bigger machines keep vitest's default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['test/browser/build.ts', 'test/pg-databases.ts'],
    // expect.poll waits up to 10 s, as Playwright's own waits do (test/browser/harness.ts),
    // not vitest's 1 s: a page on a busy two-core machine can take longer than 1 s to render
    // 5,000 rows, and a poll that never succeeds still fails, only later.
    expect: { poll: { timeout: 10_000 } },
  },
});
