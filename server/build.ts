/**
 * `npm run build:server`: bundles the server (server/main.ts and everything it imports,
 * dependencies included) into one ESM file, dist/server.mjs, which `npm start` runs with
 * plain Node. Loading one bundled file takes a fraction of the time of resolving and
 * transpiling several hundred TypeScript and package modules at every start. Native and
 * optional modules stay outside the bundle. `npm run dev` still runs the sources with tsx.
 *
 * `tsx server/build.ts [entry] [outfile]` bundles another entry (the benchmarks bundle their
 * hello-world baseline the same way, so the two start on equal terms).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function bundleServer(entry = 'server/main.ts', outfile = 'dist/server.mjs'): Promise<string> {
  const out = path.resolve(ROOT, outfile);
  await bundle(entry, out);
  // The timetable-parsing worker threads load their own file, found beside the server's
  // (server/timetables/parsing.ts).
  await bundle('server/timetables/parse-worker.ts', path.join(path.dirname(out), 'timetable-worker.mjs'));
  return out;
}

async function bundle(entry: string, out: string) {
  await build({
    entryPoints: [path.resolve(ROOT, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // better-sqlite3 loads a compiled addon; pg-native is an optional peer of pg; piscina
    // starts its worker threads from a file beside its own; pdfkit reads its font data files
    // from beside its own. These are loaded from node_modules: piscina and pdfkit only with
    // the first timetable file or certificate, as the server imports them with import() (a
    // static import of an external package is hoisted to the top of the bundle and runs at
    // every start). The server's pg is also read from node_modules, when a PostgreSQL
    // database is first opened: db/connect.ts loads it with its own require().
    external: ['better-sqlite3', 'pg-native', 'piscina', 'pdfkit'],
    // Bundled CommonJS packages call require(); ESM has none unless one is made.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await bundleServer(process.argv[2], process.argv[3]);
  console.log(`bundled ${path.relative(ROOT, out)}`);
}
