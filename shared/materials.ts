/** Training materials: the shapes the server answers with and the web client reads. */
import { z } from 'zod';
import { Id, Line, tooLong } from './common.js';

/** A material as people see it in a list: a file (with its kept name, type and size) or a link. */
export const Material = z.object({
  id: z.string(),
  kind: z.enum(['file', 'link']),
  title: z.string(),
  /** The course whose library holds it; null for a session's own. */
  courseId: z.string().nullable(),
  /** The session it was added to as that session's own; null for a library material. */
  sessionId: z.string().nullable(),
  url: z.string().nullable(),
  fileName: z.string().nullable(),
  contentType: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  createdAt: z.string(),
  /** Where to download it (files the caller may download), or null. */
  downloadUrl: z.string().nullable(),
});
export type Material = z.infer<typeof Material>;

/** The largest file that may be uploaded on this site, in bytes (MATERIAL_MAX_MB): the upload forms say it and check it before sending. */
export const MaxFileBytes = z.number().int().positive().describe('The largest material file this site takes, in bytes (MATERIAL_MAX_MB; 20 MB unless set otherwise)');

/** A course's library, and the upload limit (its upload form says it). */
export const MaterialList = z.object({ items: z.array(Material), maxFileBytes: MaxFileBytes });

/** A session's materials, whether the caller may download them and add or remove some, and the upload limit. */
export const SessionMaterials = z.object({ items: z.array(Material), canDownload: z.boolean(), canManage: z.boolean(), maxFileBytes: MaxFileBytes });

/** A link: an absolute http(s) address. */
export const LinkInput = z
  .object({
    title: Line(200).refine((s) => s.length > 0, { message: 'is required' }),
    url: z
      .string()
      .max(2000, tooLong(2000))
      .refine((s) => {
        try {
          const u = new URL(s.trim());
          return (u.protocol === 'https:' || u.protocol === 'http:') && !!u.hostname && !u.username && !u.password;
        } catch {
          return false;
        }
      }, { message: 'must be a web address starting with https:// or http://' }),
  })
  .strict();

export const AttachInput = z.object({ materialId: Id }).strict();

/** The query of a file upload (the body is the file's bytes). */
export const UploadQuery = z.object({ name: Line(255).refine((s) => s.length > 0, { message: 'is required' }), title: Line(200).optional() });
