/**
 * Log lines reach standard output gathered: on the next turn when the server is quiet, at
 * most once every `everyMs` under load, at once when many are waiting, and never lost or
 * reordered.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { batchedStdout } from './logging.js';

const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batched standard output', () => {
  it('writes a quiet server’s line on the next turn, and lines logged together in one write', async () => {
    const writes: string[] = [];
    const log = batchedStdout(60_000, 1000, (c) => writes.push(c));
    log('a');
    log('b');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['a\nb\n']);
  });

  it('under load writes at most once per interval, every line in order', async () => {
    const writes: string[] = [];
    const log = batchedStdout(300, 1000, (c) => writes.push(c));
    log('1');
    await turn();
    expect(writes).toEqual(['1\n']);
    // Within the interval after a write: held back, then written together.
    log('2');
    await turn();
    log('3');
    await turn();
    expect(writes).toEqual(['1\n']);
    for (let waited = 0; writes.length < 2 && waited < 5_000; waited += 20) await sleep(20);
    expect(writes).toEqual(['1\n', '2\n3\n']);
  });

  it('writes at once when many lines are waiting', async () => {
    const writes: string[] = [];
    const log = batchedStdout(60_000, 3, (c) => writes.push(c));
    log('x');
    await turn();
    for (const l of ['p', 'q', 'r']) log(l);
    expect(writes).toEqual(['x\n', 'p\nq\nr\n']);
  });
});

describe('batched standard output at exit', () => {
  it('adds one exit listener however many writers there are', () => {
    const before = process.listenerCount('exit');
    for (let i = 0; i < 20; i++) batchedStdout(60_000, 1000, () => {});
    expect(process.listenerCount('exit') - before).toBeLessThanOrEqual(1);
  });

  it('writes the lines still held back when the process exits', async () => {
    // A child process logs a line, then one more within the interval (held back), and exits.
    const script = `import { batchedStdout } from ${JSON.stringify(new URL('./logging.ts', import.meta.url).href)};
      const log = batchedStdout(60_000);
      log('first');
      setImmediate(() => { log('held back'); process.exit(0); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // 'close', not 'exit': it comes after the child's output has all been read.
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(out).toBe('first\nheld back\n');
  }, 30_000);

  it('writes them to the writer given in place of standard output, not to standard output', async () => {
    const script = `import { writeSync } from 'node:fs';
      import { batchedStdout } from ${JSON.stringify(new URL('./logging.ts', import.meta.url).href)};
      const log = batchedStdout(60_000, 1000, (c) => writeSync(2, 'given: ' + c));
      log('first');
      setImmediate(() => { log('held back'); process.exit(0); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let given = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (given += c.toString()));
    expect(await new Promise((resolve) => child.once('close', resolve))).toBe(0);
    expect(given).toBe('given: first\ngiven: held back\n');
    expect(out).toBe('');
  }, 30_000);
});
