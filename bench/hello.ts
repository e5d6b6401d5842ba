/**
 * The baseline: a Hono hello-world on @hono/node-server, the same HTTP stack the service
 * uses, with no database, auth or validation. Prints `listening on http://HOST:PORT`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('Hello, world'));
app.get('/api/health', (c) => c.json({ ok: true }));
// Reads the whole body, as a JSON endpoint would, and answers with a small JSON object.
app.post('/', async (c) => c.json({ ok: true, bytes: (await c.req.text()).length }, 201));

const port = Number(process.env.PORT ?? 0);
serve({ fetch: app.fetch, port, hostname: process.env.HOST || '127.0.0.1' }, (info) => {
  console.log(`listening on http://${info.address}:${info.port}`);
});
process.on('SIGTERM', () => process.exit(0));
