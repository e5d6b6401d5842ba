/**
 * `npm start` runs the server bundled into dist/server.mjs on plain Node (server/build.ts),
 * not the TypeScript sources the other tests load. This starts that artefact as `npm start`
 * would, on an empty SQLite file, and uses it: a regression in bundling (a package that
 * reads files beside itself, a require() the bundle cannot resolve) shows here.
 */
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
