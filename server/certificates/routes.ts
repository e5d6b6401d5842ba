import { createRoute, z } from '@hono/zod-openapi';
import { Id } from '../../shared/common.js';
import { MyCertificates, Verification } from '../../shared/feedback.js';
import { clientAddress } from '../platform/client-address.js';
import type { Deps } from '../platform/deps.js';
import { disposition, jsonResponse, requireUser, router } from '../platform/http.js';
import * as certificates from './service.js';

const pdfResponse = { 200: { description: 'The certificate (PDF)', content: { 'application/pdf': { schema: z.string() } } } } as const;

export function certificateRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/bookings/{id}/certificate.pdf',
      tags: ['certificates'],
      summary: 'Certificate of attendance (PDF) for a session attended (its owner, admin); issued once, with a verification code',
      request: { params: z.object({ id: Id }) },
      responses: pdfResponse,
    }),
    async (c) => {
      const actor = requireUser(c);
      const row = await certificates.attendanceCertificate(deps, actor, c.req.valid('param').id);
      const { pdf, filename } = await certificates.certificatePdf(deps, row);
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': disposition(filename), 'cache-control': 'private, no-store' });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/courses/{id}/certificate.pdf',
      tags: ['certificates'],
      summary: 'Course completion certificate (PDF) once the course is complete (the person; admin with ?userId=); issued once, with a verification code',
      request: { params: z.object({ id: Id }), query: z.object({ userId: Id.optional() }) },
      responses: pdfResponse,
    }),
    async (c) => {
      const actor = requireUser(c);
      const row = await certificates.courseCertificate(deps, actor, c.req.valid('param').id, c.req.valid('query').userId);
      const { pdf, filename } = await certificates.certificatePdf(deps, row);
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': disposition(filename), 'cache-control': 'private, no-store' });
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me/certificates', tags: ['certificates'], summary: 'My certificates: of attendance, and of courses completed', responses: { 200: jsonResponse(MyCertificates, 'Certificates and their download links') } }),
    async (c) => c.json(await certificates.myCertificates(deps, requireUser(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/certificates/{code}',
      tags: ['certificates'],
      summary: 'Check a certificate’s verification code (anyone; 30 checks per 15 minutes per client): genuine with exactly what it prints; replaced (what it certifies stands, but a name it prints changed since or a newer certificate replaced it) with what it prints and which names changed; withdrawn; or unknown',
      request: { params: z.object({ code: z.string().min(1).max(64) }) },
      responses: { 200: jsonResponse(Verification, 'The answer') },
    }),
    async (c) => c.json(await certificates.verify(deps, c.req.valid('param').code, clientAddress(c, deps.config.trustProxy)), 200),
  );

  return app;
}
