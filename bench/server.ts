/**
 * Starting and stopping server processes for the benchmarks and the fault tests: the real
 * service (`server/main.ts`) or the hello-world baseline, each as its own Node process
 * (`node --import tsx`, one process, so a kill -9 hits the server itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first successful GET /api/health. */
  startupMs: number;
  /** Everything the process wrote (bounded), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
}

/** Spawns `script` (relative to the repository root) and waits until /api/health answers 200. */
export async function startServer(script: string, env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<RunningServer> {
  const started = performance.now();
  // Built bundles (.mjs) run on plain Node, as `npm start` runs them; sources go through tsx.
  const loader = script.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  let url: string | null = null;
  while (!url) {
    const m = out.match(/listening on (http:\/\/[^\s]+)/);
    if (m) url = m[1]!;
    else if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before listening:\n${out.slice(-4000)}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not start within ${timeoutMs} ms:\n${out.slice(-4000)}`);
    } else await sleep(5);
  }
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${script} never answered /api/health:\n${out.slice(-4000)}`);
    await sleep(5);
  }
  const startupMs = performance.now() - started;

  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { url, child, startupMs, output: () => out, stop, kill };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
