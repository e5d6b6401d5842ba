import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant (`npm run test:mutation`), chosen by the files
 * being mutated (MUTATE, as in stryker.config.mjs; a `:lines` range is allowed): for each rule
 * file, the tests that drive it. No browser tests (and so no web client build): they never
 * reach these files in a way the others do not, and every test file is paid once per mutant it
 * covers, so each list is kept to the tests that exercise that file's rules.
 */
// The random-sequence property tests (booking-invariants, booking-engine.property) are left
// out of the per-mutant runs: each takes 5-10 s alone and minutes on a loaded machine, for
// every mutant they cover. MUTATION_PROPERTY_TESTS=1 puts them back.
const property = process.env.MUTATION_PROPERTY_TESTS === '1' ? ['test/api/booking-invariants.test.ts', 'test/api/booking-engine.property.test.ts'] : [];
// trainer-sessions drives moveSeat and removeBooking (a trainer's seat moves and removals),
// and idempotency a retried booking's recorded answer (recordedAnswers), which no other file
// in this list reaches: without them those mutants show as not covered.
// sessions, inhouse, trust-office and calendar-feed-revision drive the session edits, cancellations and seat holds
// (checkSessionChange, afterSessionChange, cancelAllForSession, setHold) and the in-house
// audience checks of bookMany.
const engine = ['test/api/bookings.test.ts', 'test/api/booking-batch.test.ts', 'test/api/outbox-atomicity.test.ts', 'test/api/viewer-availability.test.ts', 'test/api/trainer-sessions.test.ts', 'test/api/idempotency.test.ts', 'test/api/sessions.test.ts', 'test/api/inhouse.test.ts', 'test/api/trust-office.test.ts', 'test/api/calendar-feed-revision.test.ts', ...property];
const testsFor: Record<string, string[]> = {
  'server/bookings/availability.ts': ['server/bookings/availability.test.ts', 'test/api/viewer-availability.test.ts', 'test/api/bookings.test.ts'],
  'server/bookings/service.ts': engine,
  'server/bookings/jobs.ts': ['test/api/bookings.test.ts', ...property],
  'server/bookings/views.ts': ['test/api/bookings.test.ts', 'test/api/staff-journey.test.ts', 'test/api/trainer-sessions.test.ts'],
  'server/attendance/compute.ts': ['server/attendance/**/*.test.ts', 'test/api/attendance.test.ts'],
  'server/calendar/rules.ts': ['server/calendar/**/*.test.ts', 'test/api/calendar.test.ts'],
  'server/timetables/clash.ts': ['server/timetables/**/*.test.ts', 'test/api/timetables.test.ts'],
};
const mutate = process.env.MUTATE ? process.env.MUTATE.split(',').map((f) => f.replace(/:[\d-]+$/, '')) : Object.keys(testsFor);
const include = [...new Set(mutate.flatMap((f) => testsFor[f] ?? [...Object.values(testsFor).flat()]))];

export default defineConfig({
  test: {
    include,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
