import { z } from 'zod';
import { Id, Line, TimeZone } from './common.js';

export const Role = z.enum(['staff', 'office', 'trainer', 'admin']);
export type Role = z.infer<typeof Role>;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }));

export const LoginInput = z.object({ email: Email, password: z.string().min(1).max(1024) });

export const Password = z.string().min(10, 'must be at least 10 characters').max(1024);

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  orgId: z.string().nullable(),
  orgName: z.string().nullable(),
  captioner: z.boolean(),
});
export type User = z.infer<typeof User>;

export const LoginResult = z.object({ token: z.string(), csrfToken: z.string(), user: User });
export const Me = User.extend({ csrfToken: z.string().nullable() });

export const OrgSettings = z.object({
  weekAStart: z.iso.date().optional(),
  travelBufferMinutes: z.number().int().min(0).max(240).optional(),
});
export const CreateOrgInput = z.object({
  name: Line(200).pipe(z.string().min(1, 'is required')),
  urn: z.string().trim().regex(/^\d{6,8}$/, 'must be a 6 to 8 digit URN').optional(),
  parentId: Id.optional(),
  timeZone: TimeZone.default('Europe/London'),
  settings: OrgSettings.default({}),
});
export const Organisation = z.object({
  id: z.string(),
  name: z.string(),
  urn: z.string().nullable(),
  parentId: z.string().nullable(),
  timeZone: z.string(),
  settings: OrgSettings,
});

export const CreateUserInput = z.object({
  email: Email,
  name: Line(200).pipe(z.string().min(1, 'is required')),
  role: Role,
  orgId: Id.optional(),
  password: Password.optional(),
  captioner: z.boolean().optional(),
});

export const ImportUsersResult = z.object({
  imported: z.number(),
  users: z.array(User),
});
