/**
 * vitest globalSetup: builds the web client (web/ -> web/dist) once per test run with vite's
 * build(), skipping the build when web/dist is newer than every source it is built from.
 * Deliberately imports nothing from the app.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST = path.join(ROOT, 'web', 'dist');
/** A short name for this checkout, for the files it keeps in node_modules/.cache. */
const CHECKOUT = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) if (name !== 'node_modules' && name !== 'dist') max = Math.max(max, newestMtime(path.join(p, name)));
  return max;
}

/** Builds web/ into web/dist unless the last build is newer than every source it uses. */
export async function buildWeb({ force = false } = {}) {
  // The stamp lives outside web/ (not served, not a source) and records when the build began.
  // It is named for this checkout: git worktrees that share one node_modules (a symlink)
  // would otherwise skip their own builds on another checkout's stamp.
  const stamp = path.join(ROOT, 'node_modules', '.cache', `web-dist-built-at-${CHECKOUT}`);
  // This file too: how the build is made is one of its sources.
  const sources = Math.max(newestMtime(path.join(ROOT, 'web')), newestMtime(path.join(ROOT, 'shared')), newestMtime(fileURLToPath(import.meta.url)));
  const built = existsSync(stamp) && existsSync(path.join(WEB_DIST, 'index.html')) ? Number(readFileSync(stamp, 'utf8')) || 0 : 0;
  if (!force && built > sources) return;
  const started = Date.now();
  const { build } = await import('vite');
  // The production build `npm run build` makes: vitest sets NODE_ENV=test, under which vite
  // builds for development (JSX with every element's file and line, import.meta.env.DEV).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    // emptyOutDir false: another test run may be serving the previous build's assets right now.
    await build({ configFile: path.join(ROOT, 'web', 'vite.config.ts'), logLevel: 'error', build: { emptyOutDir: false } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, String(started));
}

/** Where a failed build leaves its error, so browser tests fail with it instead of using a stale build. */
export const BUILD_ERROR_FILE = path.join(ROOT, 'node_modules', '.cache', `web-dist-build-error-${CHECKOUT}`);

/**
 * vitest globalSetup: build the web client once before any test file runs. A failed build does
 * not stop API tests; it is recorded, and every browser test's startServer() fails with it.
 */
export async function setup() {
  mkdirSync(path.dirname(BUILD_ERROR_FILE), { recursive: true });
  try {
    await buildWeb();
    rmSync(BUILD_ERROR_FILE, { force: true });
  } catch (e) {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    writeFileSync(BUILD_ERROR_FILE, message);
    console.error(`web client build failed; browser tests will fail:\n${message}`);
  }
}

/** Throws the last build's error, if the last build failed. */
export function assertWebBuilt() {
  if (existsSync(BUILD_ERROR_FILE)) throw new Error(`The web client did not build (see test/browser/build.ts):\n${readFileSync(BUILD_ERROR_FILE, 'utf8')}`);
}

