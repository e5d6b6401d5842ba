/**
 * `tsx bench/compare-profiles.ts OURS.cpuprofile OURS_REQUESTS FLOOR.cpuprofile FLOOR_REQUESTS`:
 * two CPU profiles from `bench/profile.ts` (say the service's and the floor's, each run with
 * `SCRIPT=dist/…mjs`), side by side in microseconds of self time per request, by where the
 * code lives: a package, one of our source files (through the bundle's source map), or Node
 * itself. Sorted by how much more the first spends than the second: where the service's
 * time goes that its floor does not spend. Each profile starts with its process, so module
 * compilation at start-up is in both (`node:internal`), more in the larger bundle.
 */
import { readFileSync } from 'node:fs';
import { placeOf, sampleCounts, type Profile } from './profile-places.js';

/** Microseconds of self time per request, by place. */
function perRequest(file: string, requests: number): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const perSample = (profile.endTime - profile.startTime) / profile.samples.length;
  const counts = sampleCounts(profile);
  const out = new Map<string, number>();
  for (const n of profile.nodes) {
    const c = counts.get(n.id);
    if (!c) continue;
    const place = placeOf(n.callFrame);
    out.set(place, (out.get(place) ?? 0) + (c * perSample) / requests);
  }
  return out;
}

const [oursFile, oursRequests, floorFile, floorRequests] = process.argv.slice(2);
if (!oursFile || !floorFile || !Number(oursRequests) || !Number(floorRequests)) {
  console.error('usage: tsx bench/compare-profiles.ts OURS.cpuprofile OURS_REQUESTS FLOOR.cpuprofile FLOOR_REQUESTS');
  process.exit(2);
}
const ours = perRequest(oursFile, Number(oursRequests));
const floor = perRequest(floorFile, Number(floorRequests));
const gap = (k: string) => (ours.get(k) ?? 0) - (floor.get(k) ?? 0);
const us = (n: number) => n.toFixed(1).padStart(8);
console.log(`${'ours'.padStart(8)} ${'floor'.padStart(8)}  µs of self time per request`);
let [oursBusy, floorBusy] = [0, 0];
for (const k of [...new Set([...ours.keys(), ...floor.keys()])].sort((a, b) => gap(b) - gap(a))) {
  const [a, b] = [ours.get(k) ?? 0, floor.get(k) ?? 0];
  if (k !== '(idle)') [oursBusy, floorBusy] = [oursBusy + a, floorBusy + b];
  if (a >= 1 || b >= 1) console.log(`${us(a)} ${us(b)}  ${k}`);
}
console.log(`${us(oursBusy)} ${us(floorBusy)}  busy in all`);
