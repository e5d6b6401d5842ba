import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant (`npm run test:mutation`): the unit tests beside
 * the mutated rules and the API tests that exercise them, without the browser tests (and so
 * without building the web client), which never reach these files in a way the others do not.
 */
export default defineConfig({
  test: {
    include: [
      'server/**/*.test.ts',
      'test/api/bookings.test.ts',
      'test/api/booking-batch.test.ts',
      'test/api/booking-invariants.test.ts',
      'test/api/outbox-atomicity.test.ts',
      'test/api/attendance.test.ts',
      'test/api/calendar.test.ts',
      'test/api/timetables.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
