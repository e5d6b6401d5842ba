/**
 * The page of one of the room fixtures (live-room-fixture.tsx, host-panel-fixture.tsx):
 * bundled with esbuild, with the web client's own styles, as one HTML document a test serves
 * from a route (the test LiveKit stand-in has only the HTTP API, so no page joins a real room).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function fixturePage(entry: 'live-room-fixture.tsx' | 'host-panel-fixture.tsx', title: string): Promise<string> {
  const bundle = await build({ entryPoints: [path.join(ROOT, 'test', 'browser', entry)], bundle: true, write: false, format: 'iife', target: 'es2022', jsx: 'automatic', jsxImportSource: 'preact', logLevel: 'silent' });
  const css = ['styles.css', 'room.css'].map((f) => readFileSync(path.join(ROOT, 'web', 'src', f), 'utf8')).join('\n');
  const js = bundle.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${css}</style></head><body><div id="app"></div><script>${js}</script></body></html>`;
}
