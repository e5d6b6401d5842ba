import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness.js';

/**
 * The web client the browser tests drive is the one `npm run build` makes for schools: a
 * production build. Vitest runs with NODE_ENV=test, under which vite's build is a development
 * build (JSX carrying every element's file name, line and column; import.meta.env.DEV), larger
 * and not what is served (test/browser/build.ts builds with NODE_ENV=production).
 */
describe('the web client served', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is a production build: no development JSX in its scripts, which are cached for good', async () => {
    const html = await (await fetch(`${server.baseUrl}/`)).text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const res = await fetch(`${server.baseUrl}${src}`);
      expect(res.status, src).toBe(200);
      expect(res.headers.get('cache-control'), src).toBe('public, max-age=31536000, immutable');
      const js = await res.text();
      expect(js, `${src}: development JSX (jsxDEV's file names and line numbers)`).not.toMatch(/lineNumber:\s*\d+/);
      expect(js, `${src}: the source file names of development JSX`).not.toMatch(/\/web\/src\/[\w/]+\.tsx/);
    }
  });
});
