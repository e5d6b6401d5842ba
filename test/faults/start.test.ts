/**
 * `npm start` runs the server bundled into dist/server.mjs on plain Node (server/build.ts),
 * not the TypeScript sources the other tests load. This starts that artefact as `npm start`
 * would, on an empty SQLite file, and uses it: a regression in bundling (a package that
 * reads files beside itself, a require() the bundle cannot resolve) shows here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../bench/server.js';
import { bundleServer } from '../../server/build.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'send-start-'));
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('the bundled server starts on an empty database, serves the API and the web client, and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
  const bundle = await bundleServer();
  server = await startServer(path.relative(process.cwd(), bundle), { DATABASE_URL: `sqlite:${path.join(dir, 'app.db')}`, ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'a long enough admin password' });
  const ready = await fetch(`${server.url}/api/ready`);
  expect(await ready.json()).toEqual({ ok: true, database: 'sqlite' });
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.org', password: 'a long enough admin password' }) });
  expect(login.status).toBe(200);
  const { token } = (await login.json()) as { token: string };
  const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(((await me.json()) as { role: string }).role).toBe('admin');
  // PORT=0 without PUBLIC_URL: links name the port taken, not port 0.
  const feed = (await (await fetch(`${server.url}/api/me/calendar`, { headers: { authorization: `Bearer ${token}` } })).json()) as { url: string };
  expect(feed.url.startsWith(`http://localhost:${new URL(server.url).port}/api/calendar/`)).toBe(true);
  // Timetable files are read in worker threads, whose file the bundle carries beside it.
  const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:l1@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/London:20260105T090000\r\nDTEND;TZID=Europe/London:20260105T100000\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Year 5 maths\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
  const upload = await fetch(`${server.url}/api/me/timetable`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/calendar' }, body: ics });
  expect(upload.status).toBe(200);
  expect(((await upload.json()) as { source: string }).source).toBe('ics');
  const csvUpload = await fetch(`${server.url}/api/me/timetable`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: 'day,start,end\nMonday,09:00,10:00\n' });
  expect(csvUpload.status).toBe(200);
  const page = await fetch(`${server.url}/sessions`);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('<div id="app"');
  await server.stop();
  expect(server.child.exitCode).toBe(0);
});

it('an ADMIN_EMAIL no one could sign in with stops start-up with a clear message (exit 2), not a stack trace', { timeout: 60_000 }, async () => {
  const bundle = await bundleServer();
  const child = spawn(process.execPath, [bundle], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'bad-admin.db')}`, ADMIN_EMAIL: 'admin@localhost', ADMIN_PASSWORD: 'a long enough admin password' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  expect(code, out).toBe(2);
  expect(out).toContain('ADMIN_EMAIL and ADMIN_PASSWORD: "admin@localhost" is not an email address someone can sign in with');
  expect(out).not.toMatch(/ZodError|\n\s+at /);
  expect(out).not.toContain('listening on');
});

it('runs on the Node that `npm install` brings (24 LTS), whatever the machine has', () => {
  // package.json depends on the registry's `node` package, so npm scripts, vitest and every
  // process they spawn run on it; better-sqlite3 12 aborted on Node 24.19+, 13 does not.
  expect(Number(process.versions.node.split('.')[0])).toBe(24);
});

it('the bundled server keeps serving under a sustained mixed load without crashing', { timeout: 120_000 }, async () => {
  const bundle = await bundleServer();
  const loaded = await startServer(path.relative(process.cwd(), bundle), { DATABASE_URL: `sqlite:${path.join(dir, 'load.db')}`, ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'a long enough admin password', JOBS_INTERVAL_MS: '50' });
  try {
    const json = async (method: string, url: string, token: string, body?: unknown) => {
      const res = await fetch(`${loaded.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
      return { status: res.status, json: (await res.json()) as any };
    };
    const login = await fetch(`${loaded.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.org', password: 'a long enough admin password' }) });
    const { token: admin } = (await login.json()) as { token: string };
    const org = await json('POST', '/api/orgs', admin, { name: 'Load Academy' });
    const trainer = await json('POST', '/api/users', admin, { email: 'trainer@example.org', name: 'Trainer', role: 'trainer', orgId: org.json.id, password: 'a long enough trainer password' });
    expect(trainer.status).toBe(201);
    // Sessions and bookings made and cancelled over and over: statements are prepared,
    // cached, dropped and collected all the while, which is where better-sqlite3 12 crashed.
    const sessions: string[] = [];
    for (let i = 0; i < 20; i++) {
      const starts = new Date(Date.UTC(2027, 0, 4 + i, 16));
      const s = await json('POST', '/api/sessions', admin, { title: `Load ${i}`, mode: 'online', startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 3_600_000).toISOString(), capacity: { online: 3 }, trainerIds: [trainer.json.id] });
      expect(s.status).toBe(201);
      sessions.push(s.json.id);
    }
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const ids: string[] = [];
      await Promise.all(sessions.map(async (id, i) => {
        const booked = await json('POST', `/api/sessions/${id}/bookings`, admin, { userId: trainer.json.id });
        statuses.push(booked.status);
        if (booked.status === 201) ids.push(booked.json.id);
        statuses.push((await json('GET', `/api/sessions?from=2027-01-01T00:00:00Z&limit=${5 + ((round + i) % 20)}`, admin)).status);
      }));
      for (const id of ids) statuses.push((await json('DELETE', `/api/bookings/${id}`, admin)).status);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(loaded.child.exitCode).toBeNull();
    expect((await fetch(`${loaded.url}/api/health`)).status).toBe(200);
  } finally {
    await loaded.stop();
  }
  expect(loaded.output()).not.toMatch(/Assertion failed|SIGABRT|Segmentation/);
  expect(loaded.child.exitCode).toBe(0);
});
