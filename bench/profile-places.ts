/**
 * Where a CPU profile's time is spent, by where the code lives: a package, one of our source
 * files (through a bundle's source map, so `dist/server.mjs` is not one lump), Node itself,
 * or the engine. Shared by `bench/profile.ts` and `bench/compare-profiles.ts`.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

const maps = new Map<string, SourceMap | null>();
function mapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    try {
      maps.set(url, new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8'))));
    } catch {
      maps.set(url, null);
    }
  }
  return maps.get(url)!;
}

/** Where a frame's code lives: a package, one of our files, Node, or the engine. */
export function placeOf({ url, lineNumber, columnNumber, functionName }: CallFrame): string {
  if (!url) return functionName || '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : 'node:lib';
  const entry = url.endsWith('.mjs') ? mapOf(url)?.findEntry(lineNumber, columnNumber) : undefined;
  const source = (entry as { originalSource?: string } | undefined)?.originalSource ?? url;
  const pkg = source.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return pkg ? pkg[1]! : source.replace(/^.*?\/(server|db|shared|bench)\//, '$1/');
}

/** Samples per profile node, by node id. */
export function sampleCounts(profile: Profile): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
