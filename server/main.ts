/**
 * Starts the service from the environment (see README "Configuration").
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { ensureAdmin } from './accounts/service.js';
import { AppError } from './errors.js';
import { createApp } from './app.js';
import { seedDemo } from './demo.js';
import { startJobs } from './jobs.js';
import { configuredMailer } from './notifications/delivery.js';
import { defaultConfig, type Deps } from './platform/deps.js';
import { batchedStdout, jsonLogger } from './platform/logging.js';
import { parseAllowList } from './platform/outbound.js';
import { closeParsePool } from './timetables/parsing.js';
import { parseTrustProxy } from './platform/client-address.js';

const env = process.env;
const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
const host = env.HOST || '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535 (got ${env.PORT})`);
  process.exit(2);
}
/** A positive whole number from the environment, or the default when unset. */
function positiveInt(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number above 0 (got ${raw})`);
    process.exit(2);
  }
  return n;
}
const jobsIntervalMs = positiveInt('JOBS_INTERVAL_MS', 5_000);
const mailLeaseMs = positiveInt('MAIL_LEASE_MS', 2 * 60_000);
const poolMax = positiveInt('DATABASE_POOL_MAX', 10);
const poolWaitMs = positiveInt('DATABASE_POOL_WAIT_MS', 30_000);
const shutdownTimeoutMs = positiveInt('SHUTDOWN_TIMEOUT_MS', 25_000);
const defaults = defaultConfig();
const timetableParsing = {
  timeMs: positiveInt('TIMETABLE_PARSE_TIMEOUT_MS', defaults.timetableParsing.timeMs),
  maxExamined: positiveInt('TIMETABLE_MAX_EXAMINED', defaults.timetableParsing.maxExamined),
  workers: positiveInt('TIMETABLE_WORKERS', defaults.timetableParsing.workers),
};
let outboundAllow: string[];
try {
  outboundAllow = parseAllowList(env.OUTBOUND_ALLOW);
} catch {
  console.error(`OUTBOUND_ALLOW must be a comma-separated list of host:port (got ${env.OUTBOUND_ALLOW})`);
  process.exit(2);
}
// Feed addresses are HMACs under this key: one short enough to guess would give them away.
if (env.FEED_TOKEN_SECRET && env.FEED_TOKEN_SECRET.length < 32) {
  console.error(`FEED_TOKEN_SECRET must be at least 32 characters (got ${env.FEED_TOKEN_SECRET.length}); e.g. openssl rand -base64 32`);
  process.exit(2);
}
if (outboundAllow.length) console.warn(`OUTBOUND_ALLOW: the server may fetch these internal addresses: ${outboundAllow.join(', ')} (development and tests only)`);

const logger = jsonLogger(batchedStdout());
if (env.DATABASE_PREPARED_STATEMENTS && !['0', '1'].includes(env.DATABASE_PREPARED_STATEMENTS)) {
  console.error(`DATABASE_PREPARED_STATEMENTS must be 0 or 1 (got ${env.DATABASE_PREPARED_STATEMENTS})`);
  process.exit(2);
}
const { db, kind, close } = openDatabase(env.DATABASE_URL || 'sqlite:./data/app.db', {
  max: poolMax,
  waitMs: poolWaitMs,
  keepPlans: env.DATABASE_PREPARED_STATEMENTS !== '0',
  onIdleError: (e) => logger.warn('database connection lost', { error: e.message }),
});
// Kysely's migration lock is a session-level advisory lock, which a pooler in transaction
// mode (PgBouncer) cannot hold; DATABASE_MIGRATION_URL lets migrations use a direct connection.
if (env.DATABASE_MIGRATION_URL) {
  const direct = openDatabase(env.DATABASE_MIGRATION_URL, { max: 1 });
  try {
    await migrateToLatest(direct.db);
  } finally {
    await direct.close();
  }
} else {
  await migrateToLatest(db);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const livekit =
  env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET
    ? { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET, publicUrl: env.LIVEKIT_PUBLIC_URL || env.LIVEKIT_URL, agentName: env.LIVEKIT_AGENT_NAME || null }
    : null;
const config = defaultConfig({
  publicUrl: (env.PUBLIC_URL || '').replace(/\/$/, '') || `http://localhost:${port}`,
  smtpUrl: env.SMTP_URL || null,
  ...(env.MAIL_FROM ? { mailFrom: env.MAIL_FROM } : {}),
  livekit,
  webRoot: path.join(root, 'web', 'dist'),
  mailLeaseMs,
  outbound: { ...defaults.outbound, allow: outboundAllow },
  oidcSecretKey: env.OIDC_SECRET_KEY || null,
  feedTokenSecret: env.FEED_TOKEN_SECRET || null,
  timetableParsing,
  trustProxy: parseTrustProxy(env.TRUST_PROXY),
  maxMaterialBytes: positiveInt('MATERIAL_MAX_MB', 20) * 1024 * 1024,
});
const deps: Deps = { db, dbKind: kind, now: () => new Date(), config, logger };

if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
  try {
    await ensureAdmin(deps, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    console.error(`ADMIN_EMAIL and ADMIN_PASSWORD: ${e.message}`);
    await close();
    process.exit(2);
  }
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

const mailer = configuredMailer(config);
const app = createApp(deps);
const jobs = startJobs(deps, mailer, jobsIntervalMs);

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  // PORT=0 takes any free port: links (emails, feeds, invites) then name the one taken.
  if (!env.PUBLIC_URL && port === 0) config.publicUrl = `http://localhost:${info.port}`;
  console.log(`listening on http://${shownHost}:${info.port}`);
});

let stopping = false;
// Answers given while shutting down tell keep-alive clients (and load balancers) to reconnect elsewhere.
server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
  if (stopping) res.setHeader('Connection', 'close');
});

/**
 * Graceful stop: refuse new connections, let in-flight requests and the current job step
 * finish, then close the database and exit 0. Idle keep-alive connections would hold
 * `server.close()` open, so they are closed too. After SHUTDOWN_TIMEOUT_MS whatever is
 * left is cut off and the exit code is 1.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  const http = server as Server;
  const deadline = setTimeout(() => {
    logger.error('shutdown timed out; closing remaining connections', { afterMs: shutdownTimeoutMs });
    http.closeAllConnections();
    process.exit(1);
  }, shutdownTimeoutMs);
  deadline.unref();
  // close() stops listening and closes connections idle right now; answers to requests in
  // flight carry `Connection: close`. A connection accepted just before but whose request has
  // not arrived gets a grace second, then idle connections are closed until none is left.
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeIdleConnections();
  let idleSweep: NodeJS.Timeout | undefined;
  const grace = setTimeout(() => {
    idleSweep = setInterval(() => http.closeIdleConnections(), 200);
  }, 1_000);
  await Promise.all([closed, jobs.stop()]);
  clearTimeout(grace);
  clearInterval(idleSweep);
  await closeParsePool();
  await close();
  logger.info('stopped', { signal });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
