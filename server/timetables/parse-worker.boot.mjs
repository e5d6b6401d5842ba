// Runs parse-worker.ts from the TypeScript sources (tsx, vitest): a worker thread does not
// inherit the test runner's module loader, so tsx is registered here. The built bundle uses
// dist/timetable-worker.mjs instead (server/build.ts).
import { register } from 'tsx/esm/api';

register();
const worker = await import('./parse-worker.ts');
export default worker.default;
