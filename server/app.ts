/**
 * The app factory: builds the whole HTTP service from its dependencies. Tests build it with
 * an in-memory database and a fixed clock; main.ts builds it from the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { sql } from 'kysely';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { isMigrated } from '../db/connect.js';
import { sqliteFault } from '../db/sqlite.js';
import { prepared } from '../db/prepared.js';
import { accountRoutes, authMiddleware } from './accounts/routes.js';
import { privacyRoutes } from './privacy/routes.js';
import { bookingRoutes } from './bookings/routes.js';
import { calendarRoutes, feedPoll, loggedPath } from './calendar/routes.js';
import { AppError, FAULT_ANSWERS, toErrorResponse } from './errors.js';
import { liveRoutes, webhookRoutes } from './live/routes.js';
import { disconnectIfPlaceGone, showFormerCaptionerAsNow } from './live/service.js';
import { onPlaceChanged } from './bookings/events.js';
import { onCaptionerFlagRemoved } from './accounts/events.js';
import { feedbackRoutes } from './feedback/routes.js';
import { certificateRoutes } from './certificates/routes.js';
import { reachRoutes } from './reach/routes.js';
import { MATERIAL_UPLOAD_PATH, materialRoutes, materialUploadGuard } from './materials/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { apiReferencePage, withIdempotencyKey } from './platform/docs.js';
import { idempotency } from './platform/idempotency.js';
import type { Deps } from './platform/deps.js';
import { jsonResponse, router, type Env } from './platform/http.js';
import { sessionAudienceGuard, sessionRoutes } from './sessions/routes.js';
import { timetableRoutes } from './timetables/routes.js';

/**
 * What the browser's livekit-client connects to: the public LiveKit URL (signal WebSocket
 * and its HTTP validation), and on LiveKit Cloud (`*.livekit.cloud`, `*.livekit.run`) the
 * region settings and the other regions' URLs it fails over to.
 */
export function livekitConnectSources(publicUrl: string): string[] {
  const host = new URL(publicUrl.replace(/^ws/, 'http')).host;
  const out = [`wss://${host}`, `ws://${host}`, `https://${host}`, `http://${host}`];
  for (const cloud of ['livekit.cloud', 'livekit.run']) {
    if (host === cloud || host.endsWith(`.${cloud}`)) out.push(`wss://*.${cloud}`, `https://*.${cloud}`);
  }
  return out;
}

export function createApp(deps: Deps) {
  const app = router();
  // Someone whose online place ends while the room is live is disconnected (live/service.ts).
  onPlaceChanged(disconnectIfPlaceGone);
  // A connected captioner whose flag an administrator removed is shown as what they now are (live/service.ts).
  onCaptionerFlagRemoved(showFormerCaptionerAsNow);
  const https = deps.config.publicUrl.startsWith('https:');
  const livekitSources = deps.config.livekit ? livekitConnectSources(deps.config.livekit.publicUrl || deps.config.livekit.url) : [];

  const logRequest: MiddlewareHandler<Env> = async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: loggedPath(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: c.get('auth')?.user.id,
    });
  };
  const limits = {
    body: { max: deps.config.maxBodyBytes, what: `${Math.round(deps.config.maxBodyBytes / 1024)} KiB` },
    material: { max: deps.config.maxMaterialBytes, what: `${Math.round(deps.config.maxMaterialBytes / (1024 * 1024))} MB` },
  };
  const tooLarge = (limit: { what: string }) => new AppError('payload_too_large', `The request body is larger than ${limit.what}.`);
  const streamed = {
    body: bodyLimit({ maxSize: limits.body.max, onError: () => { throw tooLarge(limits.body); } }),
    material: bodyLimit({ maxSize: limits.material.max, onError: () => { throw tooLarge(limits.material); } }),
  };
  // A declared Content-Length is checked from the header alone: Hono's bodyLimit looks at
  // the request's body stream, which makes @hono/node-server build a whole fetch Request
  // (with an AbortSignal) for every request, GETs included. Chunked bodies are counted as
  // they are read, and refused as soon as they pass the limit. Material uploads (files up
  // to maxMaterialBytes) have their own limit; every other body maxBodyBytes. Hono's
  // bodyLimit takes in a body of no declared length whole (up to the limit) before it lets
  // the request on, so an upload's is counted only once who may add it has been checked
  // (`limitUploadStream`, after materialUploadGuard).
  const isUpload = (c: Context<Env>) => c.req.method === 'POST' && MATERIAL_UPLOAD_PATH.test(c.req.path);
  const declared = (c: Context<Env>) => c.req.header('content-length') !== undefined && c.req.header('transfer-encoding') === undefined;
  const limitBody: MiddlewareHandler<Env> = (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const which = isUpload(c) ? 'material' : 'body';
    if (declared(c)) {
      if (Number(c.req.header('content-length')) > limits[which].max) throw tooLarge(limits[which]);
      return next();
    }
    return which === 'material' ? next() : streamed.body(c, next);
  };
  const limitUploadStream: MiddlewareHandler<Env> = (c, next) => (isUpload(c) && !declared(c) ? streamed.material(c, next) : next());

  // Every request is logged, those answered first below too.
  app.use('*', logRequest);
  // Requests from machines, answered ahead of the layers a browser's requests need:
  // calendars polling a feed they hold get a bare 304 (calendar/routes.ts), and LiveKit's
  // signed webhooks are size-limited and answered (live/routes.ts).
  app.get('/api/calendar/feeds/:file', feedPoll(deps));
  app.use('/api/livekit/webhook', limitBody);
  app.route('/api', webhookRoutes(deps));

  app.use('*', requestId());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...livekitSources],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
      strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
      crossOriginEmbedderPolicy: false,
      permissionsPolicy: { camera: ['self'], microphone: ['self'], displayCapture: ['self'], geolocation: [] },
      // A route's own header stands (a material download's sandboxing Content-Security-Policy).
      overwrite: false,
    }),
  );
  app.use('/api/*', limitBody);
  app.use('/api/*', authMiddleware(deps));
  // Answers to a signed-in person (and every JSON answer: sign-in's carries a token) are
  // theirs alone: no shared or browser cache may keep them, unless a route says otherwise.
  app.use('/api/*', async (c, next) => {
    await next();
    if (c.res.headers.has('Cache-Control')) return;
    if (c.get('auth') || c.res.headers.get('Content-Type')?.startsWith('application/json')) c.res.headers.set('Cache-Control', 'no-store');
  });
  // Every answer is dated by the server's clock (HTTP Date: Node would write the machine's),
  // which the web client keeps its time by (web/src/clock.ts) when the computer's is wrong.
  // The same clock in production; in tests, the server's test clock.
  app.use('/api/*', async (c, next) => {
    await next();
    c.res.headers.set('Date', deps.now().toUTCString());
  });
  // A file upload is refused to whoever may not add it before its body is read (the
  // idempotency layer reads keyed bodies): an in-house session's audience first, as below.
  app.use('/api/sessions/:id/materials/files', sessionAudienceGuard(deps));
  app.use('/api/*', materialUploadGuard(deps));
  app.use('/api/*', limitUploadStream);
  app.use('/api/*', idempotency(deps));
  // In-house sessions do not exist for anyone outside them, on every route about one session.
  app.use('/api/sessions/:id', sessionAudienceGuard(deps));
  app.use('/api/sessions/:id/*', sessionAudienceGuard(deps));

  const unreachable = () => new AppError('database_unavailable', 'The database cannot be reached.', undefined, { 'Retry-After': '5' });
  const ping = prepared<Record<string, never>>()((db) => db.selectNoFrom(sql<number>`1`.as('one'))); // compiled once
  const platform = (path: string, summary: string, ok: z.ZodType, description: string) =>
    createRoute({ method: 'get', path, tags: ['platform'], summary, responses: { 200: jsonResponse(ok, description) } });
  app.openapi(platform('/api/health', 'Liveness: the process answers and reaches its database (503 database_unavailable if not)', z.object({ ok: z.literal(true) }), 'Alive'), async (c) => {
    await ping.first(deps.db, {}).catch(() => { throw unreachable(); });
    return c.json({ ok: true as const }, 200);
  });
  // Readiness for a load balancer: the database answers and every migration has run.
  const Ready = z.object({ ok: z.literal(true), database: z.enum(['sqlite', 'postgres']) });
  app.openapi(platform('/api/ready', 'Readiness: the database answers, can take changes and is migrated to this version (503 with a code if not)', Ready, 'Ready'), async (c) => {
    // A database file that cannot take changes (read-only, full, failing) is not ready,
    // though reads still work; the connection is reopened until it can (db/sqlite.ts).
    const fault = sqliteFault(deps.db);
    if (fault) {
      const { code, message } = FAULT_ANSWERS[fault.kind];
      throw new AppError(code, message, undefined, { 'Retry-After': '30' });
    }
    const migrated = await isMigrated(deps.db).catch(() => { throw unreachable(); });
    if (!migrated) throw new AppError('database_not_migrated', 'The database is not migrated to this version yet.', undefined, { 'Retry-After': '5' });
    return c.json({ ok: true as const, database: deps.dbKind }, 200);
  });

  app.route('/api', accountRoutes(deps));
  app.route('/api', sessionRoutes(deps));
  app.route('/api', bookingRoutes(deps));
  app.route('/api', notificationRoutes(deps));
  // calendar routes (issue 4)
  app.route('/api', calendarRoutes(deps));
  // timetable routes (issue 5)
  app.route('/api', timetableRoutes(deps));
  // live and attendance routes (issue 6)
  app.route('/api', liveRoutes(deps));
  // feedback and certificates (issue 19)
  app.route('/api', feedbackRoutes(deps));
  app.route('/api', certificateRoutes(deps));
  // the programme's reach (issue 19)
  app.route('/api', reachRoutes(deps));
  // training materials (issue 20)
  app.route('/api', materialRoutes(deps));
  // a person's copy of their own data (UK GDPR right of access)
  app.route('/api', privacyRoutes(deps));

  const openapi = { openapi: '3.0.3', info: { title: 'SEND Live Training API', version: '1.0.0', description: 'Live SEND and inclusion training sessions: booking, waitlists, calendars, live rooms and attendance.' } };
  // The document is the same for the app's whole life (every route is declared before the first
  // request), and building it walks every schema: built once, on first asking, not per request,
  // since anyone may ask for it.
  let built: { json: ReturnType<typeof app.getOpenAPIDocument>; page: string } | undefined;
  const document = () => {
    if (!built) {
      const json = withIdempotencyKey(app.getOpenAPIDocument(openapi));
      built = { json, page: apiReferencePage(json) };
    }
    return built;
  };
  app.openapi(platform('/api/openapi.json', 'This document: the OpenAPI 3 description of the whole API', z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }), 'The OpenAPI document'), (c) => c.json(document().json, 200));
  app.openapi(
    createRoute({ method: 'get', path: '/api/docs', tags: ['platform'], summary: 'This document as a page to read', responses: { 200: { description: 'The API reference page', content: { 'text/html': { schema: z.string() } } } } }),
    (c) => c.html(document().page, 200),
  );

  app.all('/api/*', () => {
    throw new AppError('not_found', 'There is no such API route.');
  });

  const webRoot = deps.config.webRoot;
  if (webRoot && existsSync(path.join(webRoot, 'index.html'))) {
    const indexHtml = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root: path.relative(process.cwd(), webRoot) || '.', onFound: (_p, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }));
    app.use('*', serveStatic({ root: path.relative(process.cwd(), webRoot) || '.' }));
    // Every other page is the single-page client; it routes on the path itself.
    app.get('*', (c) => c.html(indexHtml));
  }

  app.notFound(() => {
    throw new AppError('not_found', 'Not found.');
  });
  app.onError((err, c) => {
    const { status, body, headers, internal } = toErrorResponse(err);
    if (internal) deps.logger.error('unhandled error', { requestId: c.get('requestId'), error: String((err as Error)?.stack ?? err) });
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    return c.json(body, status);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
