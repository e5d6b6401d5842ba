/**
 * Starts the service from the environment (see README "Configuration").
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { ensureAdmin } from './accounts/service.js';
import { createApp } from './app.js';
import { seedDemo } from './demo.js';
import { startJobs } from './jobs.js';
import { smtpMailer } from './notifications/delivery.js';
import { defaultConfig, type Deps } from './platform/deps.js';
import { jsonLogger } from './platform/logging.js';

const env = process.env;
const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
const host = env.HOST || '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535 (got ${env.PORT})`);
  process.exit(2);
}

const logger = jsonLogger();
const { db, kind, close } = openDatabase(env.DATABASE_URL || 'sqlite:./data/app.db');
await migrateToLatest(db);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const livekit = env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET ? { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET } : null;
const config = defaultConfig({
  publicUrl: (env.PUBLIC_URL || '').replace(/\/$/, '') || `http://localhost:${port}`,
  smtpUrl: env.SMTP_URL || null,
  mailFrom: env.MAIL_FROM || 'SEND Live Training <no-reply@localhost>',
  livekit,
  webRoot: path.join(root, 'web', 'dist'),
});
const deps: Deps = { db, dbKind: kind, now: () => new Date(), config, logger };

if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
  await ensureAdmin(deps, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
  logger.info('admin ensured', { email: env.ADMIN_EMAIL });
}
if (env.DEMO === '1') {
  const demo = await seedDemo(deps);
  if (demo) {
    console.log('\nDemo data seeded. Sign in with any of these (password for all: ' + demo.password + '):');
    for (const u of demo.users) console.log(`  ${u.role.padEnd(8)} ${u.email.padEnd(40)} ${u.name}`);
    console.log('');
  } else {
    console.log('DEMO=1: the database already has data; demo not seeded again.');
  }
}

const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
const app = createApp(deps);
const jobs = startJobs(deps, mailer);

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  console.log(`listening on http://${shownHost}:${info.port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  // Stop taking connections, let in-flight requests finish, then the current job pass.
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await jobs.stop();
  await close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
