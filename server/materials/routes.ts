/**
 * Materials over HTTP. Uploads are the file's bytes as the request body (any Content-Type:
 * what the file is is read from the bytes), with its name and an optional title in the
 * query; the size limit (config.maxMaterialBytes) is enforced while the body is read, before
 * it is all buffered (server/app.ts). Downloads are always attachments, typed by what the
 * bytes were found to be, never sniffed and never run: see `fileResponse`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { Id } from '../../shared/common.js';
import { AttachInput, LinkInput, Material, MaterialList, SessionMaterials, UploadQuery } from '../../shared/materials.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { disposition, jsonBody, jsonResponse, requireRole, requireUser, router, type Env } from '../platform/http.js';
import * as materials from './service.js';

const Params = z.object({ id: Id });
const SessionMaterialParams = z.object({ id: Id, materialId: Id });
const fileBody = { required: true, description: 'The file’s bytes', content: { 'application/octet-stream': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } } as const;
const fileAnswer = { description: 'The file, as an attachment', content: { 'application/octet-stream': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } } as const;

/** Paths whose request body is a material file (they take config.maxMaterialBytes, not maxBodyBytes). */
export const MATERIAL_UPLOAD_PATH = /^\/api\/(courses|sessions)\/[^/]+\/materials\/files$/;

const UPLOAD_TARGET = /^\/api\/(courses|sessions)\/([^/]+)\/materials\/files$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may add a file is checked before anything reads it: mounted ahead of the
 * Idempotency-Key layer (server/app.ts), which reads a keyed request's body to fingerprint
 * it, so that no one who may not add a file makes the server take in up to
 * maxMaterialBytes. The routes check again.
 */
export function materialUploadGuard(deps: Deps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const target = c.req.method === 'POST' ? UPLOAD_TARGET.exec(c.req.path) : null;
    if (target) {
      if (target[1] === 'courses') requireRole(c, 'admin');
      else {
        const actor = requireUser(c);
        // No session has an id of another form: refused before the body is read, as any other id no session has.
        if (!UUID.test(target[2]!)) throw new AppError('not_found', 'No such session.');
        await materials.requireManages(deps, actor, target[2]!);
      }
    }
    return next();
  };
}

async function bodyBytes(c: Context<Env>): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer());
}

/**
 * A stored file as a download: its checked type, `attachment` with a safe name, no sniffing
 * (`nosniff`), and a sandboxing Content-Security-Policy so that even opened directly it can
 * run nothing and load nothing.
 */
function fileResponse(c: Context<Env>, f: { name: string; contentType: string; bytes: Uint8Array }) {
  return c.body(f.bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': f.contentType,
    'Content-Length': String(f.bytes.byteLength),
    'Content-Disposition': disposition(f.name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'; frame-ancestors 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'private, no-store',
  });
}

export function materialRoutes(deps: Deps) {
  const app = router();

  // --- the library of a course ---
  app.openapi(
    createRoute({ method: 'get', path: '/courses/{id}/materials', tags: ['materials'], summary: 'A course’s materials library (trainers, in-house leads, admin), and the largest file an upload may be', request: { params: Params }, responses: { 200: jsonResponse(MaterialList, 'Newest first') } }),
    async (c) => c.json(await materials.listLibrary(deps, requireUser(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/courses/{id}/materials/files',
      tags: ['materials'],
      summary: 'Upload a file to a course’s library (admin): PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text, checked by its content; 413 over the size limit',
      request: { params: Params, query: UploadQuery, body: fileBody },
      responses: { 201: jsonResponse(Material, 'Stored') },
    }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await materials.addLibraryFile(deps, actor, c.req.valid('param').id, await bodyBytes(c), c.req.valid('query')), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/courses/{id}/materials/links', tags: ['materials'], summary: 'Add a link (http or https) to a course’s library (admin)', request: { params: Params, body: jsonBody(LinkInput) }, responses: { 201: jsonResponse(Material, 'Stored') } }),
    async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await materials.addLibraryLink(deps, actor, c.req.valid('param').id, c.req.valid('json')), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/materials/{id}', tags: ['materials'], summary: 'Delete a library material (admin); sessions that used it stop listing it', request: { params: Params }, responses: { 204: { description: 'Deleted' } } }),
    async (c) => {
      requireRole(c, 'admin');
      await materials.deleteLibraryMaterial(deps, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/materials/{id}/download', tags: ['materials'], summary: 'Download a library file (trainers, in-house leads, admin)', request: { params: Params }, responses: { 200: fileAnswer } }),
    async (c) => fileResponse(c, await materials.libraryFile(deps, requireUser(c), c.req.valid('param').id)),
  );

  // --- a session's materials (the session guard answers 404 to anyone who cannot see the session) ---
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/materials',
      tags: ['materials'],
      summary: 'The materials a session uses; download addresses only for its trainers, the people booked on it and admins; and the largest file an upload may be',
      request: { params: Params },
      responses: { 200: jsonResponse(SessionMaterials, 'In the order they were added') },
    }),
    async (c) => c.json(await materials.listForSession(deps, requireUser(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/sessions/{id}/materials', tags: ['materials'], summary: 'Add a library material to the session (its trainer or in-house lead, admin)', request: { params: Params, body: jsonBody(AttachInput) }, responses: { 201: jsonResponse(Material, 'Added') } }),
    async (c) => c.json(await materials.attachToSession(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json').materialId), 201),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/materials/files',
      tags: ['materials'],
      summary: 'Upload the session’s own file (its trainer or in-house lead, admin); same kinds and limit as the library',
      request: { params: Params, query: UploadQuery, body: fileBody },
      responses: { 201: jsonResponse(Material, 'Stored and added') },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      // Who may add is checked before the body is read.
      await materials.requireManages(deps, actor, id);
      return c.json(await materials.addSessionFile(deps, actor, id, await bodyBytes(c), c.req.valid('query')), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/sessions/{id}/materials/links', tags: ['materials'], summary: 'Add the session’s own link (its trainer or in-house lead, admin)', request: { params: Params, body: jsonBody(LinkInput) }, responses: { 201: jsonResponse(Material, 'Stored and added') } }),
    async (c) => c.json(await materials.addSessionLink(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/sessions/{id}/materials/{materialId}', tags: ['materials'], summary: 'Take a material off the session (its own are deleted) (its trainer or in-house lead, admin)', request: { params: SessionMaterialParams }, responses: { 204: { description: 'Removed' } } }),
    async (c) => {
      const { id, materialId } = c.req.valid('param');
      await materials.removeFromSession(deps, requireUser(c), id, materialId);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/sessions/{id}/materials/{materialId}/download', tags: ['materials'], summary: 'Download a file the session uses (its trainers, people booked on it, admin)', request: { params: SessionMaterialParams }, responses: { 200: fileAnswer } }),
    async (c) => {
      const { id, materialId } = c.req.valid('param');
      return fileResponse(c, await materials.sessionFile(deps, requireUser(c), id, materialId));
    },
  );

  return app;
}
