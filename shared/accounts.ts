import { z } from 'zod';
import { Id, Line, SearchText, TimeZone, tooLong } from './common.js';

export const Role = z.enum(['staff', 'office', 'trainer', 'admin']);
export type Role = z.infer<typeof Role>;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, tooLong(254))
  .pipe(z.email({ message: 'must be an email address' }));

export const LoginInput = z.object({ email: Email, password: z.string().min(1, 'is required').max(1024, tooLong(1024)) });

export const Password = z.string().min(10, 'must be at least 10 characters').max(1024, tooLong(1024));

/**
 * What a person does at work, apart from their account role: the breakdown coverage is
 * reported by. Not stated: null.
 */
export const JobRole = z.enum(['teacher', 'teaching_assistant', 'support_staff', 'leadership', 'early_years']);
export type JobRole = z.infer<typeof JobRole>;
export const JOB_ROLE_LABEL: Record<JobRole, string> = {
  teacher: 'Teacher',
  teaching_assistant: 'Teaching assistant',
  support_staff: 'Support staff',
  leadership: 'Leadership',
  early_years: 'Early years',
};

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  orgId: z.string().nullable(),
  orgName: z.string().nullable(),
  captioner: z.boolean(),
  /** Turned off: cannot sign in, and every sign-in session has ended. */
  disabled: z.boolean(),
  /** What they do at work (null: not stated). */
  jobRole: JobRole.nullable(),
  /** Their personal data was erased: the name and email are placeholders, and the account stays off for good. */
  erased: z.boolean(),
});
export type User = z.infer<typeof User>;

/** A person as they are after a change, with how many of their places the change gave up. */
/** Sessions still to come left with no one named able to run them by a change to a person (soonest first). */
export const SessionsWithoutTrainer = z.array(z.object({ id: z.string(), title: z.string(), startsAt: z.string() }));
/** Someone stopped being an in-house lead: the sessions they published that now have no one to run them. */
export const LeadRemoved = z.object({ sessionsWithoutTrainer: SessionsWithoutTrainer });
/** An organisation's own in-house sessions still to come that no one can run now: the first few, and how many. */
export const SessionsNeedingLead = z.object({ items: SessionsWithoutTrainer, total: z.number() });
export type LeadRemoved = z.infer<typeof LeadRemoved>;

export const PersonChanged = User.extend({
  /** Places on sessions still to come that the change gave up (turning the account off, or a move out of an in-house session's audience); each was told by email. */
  placesGivenUp: z.number().int().nonnegative(),
  /** Sessions still to come they were named to run that now nobody runs (turned off, given another role or moved): each needs another trainer. */
  sessionsWithoutTrainer: SessionsWithoutTrainer,
});
export type PersonChanged = z.infer<typeof PersonChanged>;

export const LoginResult = z.object({ token: z.string(), csrfToken: z.string(), user: User });
export const Me = User.extend({
  csrfToken: z.string().nullable(),
  /** Runs sessions: a trainer, an administrator, or an in-house lead (who may be staff or office). */
  runsSessions: z.boolean(),
});
/** What signing in answers about the person (the rest of Me is asked for after). */
export type SignedIn = User & { csrfToken: string | null };

export const OrgSettings = z.object({
  weekAStart: z.iso.date().optional(),
  travelBufferMinutes: z.number().int('must be a whole number of minutes').min(0, 'must not be negative').max(240, 'must be 240 minutes (4 hours) or fewer').optional(),
  /** Staff must sign in with the organisation's identity provider (not a password); admins excepted. */
  ssoRequired: z.boolean().optional(),
});
/** What an organisation is: a setting where people work, or a trust or local authority that settings sit under. */
export const OrgKind = z.enum(['school', 'college', 'nursery', 'trust', 'local_authority']);
export type OrgKind = z.infer<typeof OrgKind>;
/** The kinds that other organisations can sit under. */
export const PARENT_KINDS: readonly OrgKind[] = ['trust', 'local_authority'];
/** A DfE unique reference number (Get Information about Schools): 6 to 8 digits. */
export const Urn = z.string().trim().regex(/^\d{6,8}$/, 'must be a 6 to 8 digit URN');

export const CreateOrgInput = z.object({
  name: Line(200).pipe(z.string().min(1, 'is required')),
  kind: OrgKind.default('school'),
  urn: Urn.optional(),
  parentId: Id.optional(),
  timeZone: TimeZone.default('Europe/London'),
  settings: OrgSettings.default({}),
});
/**
 * An organisation's fields as a page read them before changing them (`was` of a change): only
 * compared with the organisation as it is, so checked no further than their sizes.
 */
export const OrgWas = z
  .object({
    name: z.string().max(1000),
    kind: OrgKind,
    urn: z.string().max(100).nullable(),
    parentId: z.string().max(100).nullable(),
    timeZone: z.string().max(200),
    settings: z.object({ weekAStart: z.string().max(100).optional(), travelBufferMinutes: z.number().optional(), ssoRequired: z.boolean().optional() }).strict(),
  })
  .partial()
  .strict();
export type OrgWas = z.infer<typeof OrgWas>;

/**
 * A change to an organisation: the fields given, each alone. `settings` replaces them all,
 * unless `was.settings` is given (see below).
 *
 * `was`: what the caller last read of the fields it changes (a page, as it loaded them). If
 * any of them has been changed by someone else since, nothing is saved: 409
 * `changed_meanwhile`, its issues naming each such field (`settings.ssoRequired` for one
 * setting). With `was.settings`, only the settings that differ between `settings` and
 * `was.settings` are changed (and checked), on the settings as they now are: another
 * administrator's change to another setting stays.
 */
export const UpdateOrgInput = z
  .object({
    name: Line(200).pipe(z.string().min(1, 'is required')),
    kind: OrgKind,
    urn: Urn.nullable(),
    parentId: Id.nullable(),
    timeZone: TimeZone,
    settings: OrgSettings,
    was: OrgWas,
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== 'was'), { message: 'nothing to change' });
/**
 * Finding organisations a page at a time: `q` in the name (any case) or the URN; `kind`, one
 * or more kinds separated by commas; `parent`, only those directly under it.
 */
export const OrgQuery = z.object({
  q: SearchText.optional(),
  kind: z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const kinds = v.split(',').map((k) => k.trim()).filter(Boolean);
      const bad = kinds.find((k) => !OrgKind.safeParse(k).success);
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `is not a kind of organisation (${OrgKind.options.join(', ')})` });
        return z.NEVER;
      }
      return kinds as OrgKind[];
    })
    .optional(),
  parent: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const Organisation = z.object({
  id: z.string(),
  name: z.string(),
  kind: OrgKind.optional(),
  urn: z.string().nullable(),
  parentId: z.string().nullable(),
  /** The name of the trust or local authority it sits under (in lists and searches). */
  parentName: z.string().nullable().optional(),
  timeZone: z.string(),
  settings: OrgSettings,
});

/** A page of organisations, whether more come after it, and (`total`) how many match in all. */
export const OrgPage = z.object({ items: z.array(Organisation), hasMore: z.boolean(), total: z.number() });
export type OrgPage = z.infer<typeof OrgPage>;

/** An organisation as it is after a change, with what a move out of its trust gave up. */
export const OrgChanged = Organisation.extend({
  /** Places of its people on the old trust's in-house sessions still to come, given up by the move (each person was told by email). */
  placesGivenUp: z.number().int().nonnegative(),
  /** Its seat holds on such sessions, released by the move (the seats went to the people waiting). */
  holdsReleased: z.number().int().nonnegative(),
});
export type OrgChanged = z.infer<typeof OrgChanged>;

/** The longest a person's full name may be, in characters (pages say it as it is typed). */
export const MAX_PERSON_NAME_CHARS = 200;
/** A person's full name, as it is printed on certificates and registers and said in emails: one line, 1 to 200 characters. */
export const PersonName = Line(MAX_PERSON_NAME_CHARS).pipe(z.string().min(1, 'is required'));

export const CreateUserInput = z.object({
  email: Email,
  name: PersonName,
  role: Role,
  orgId: Id.optional(),
  /** Administrators only (403 for an office: a password is the person's own to choose). */
  password: Password.optional().describe('Administrators only: an office may not choose a person’s password (403)'),
  captioner: z.boolean().optional(),
  jobRole: JobRole.nullable().optional(),
});

/** One line of a people CSV as read: its line number in the file (the header is line 1). */
export const ImportLine = z.object({ line: z.number(), name: z.string(), email: z.string(), role: z.string() });
/** Why a line of a people CSV was refused, in plain words. */
export const ImportProblem = z.object({ line: z.number(), message: z.string() });
/**
 * What an import did: with `dryRun`, nothing (every line checked and ready); otherwise every
 * line created. A file with any bad line is refused as a whole (400, `details.rows` the
 * problems by line, `details.lines` every line read).
 */
/** People one import may add. */
export const MAX_IMPORT_ROWS = 5000;
/** The largest staff file (or pasted lines) one import may be: 1 MB, well over 5,000 lines. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
/** Those limits in words, for people (worked out from them, so they cannot disagree). */
export const MAX_IMPORT_WORDS = { rows: MAX_IMPORT_ROWS.toLocaleString('en-GB'), size: `${MAX_IMPORT_BYTES / (1024 * 1024)} MB` };

export const ImportUsersResult = z.object({
  imported: z.number(),
  dryRun: z.boolean(),
  users: z.array(User),
  lines: z.array(ImportLine.extend({ outcome: z.enum(['created', 'ready']) })),
});
export const ImportRefusal = z.object({ rows: z.array(ImportProblem), lines: z.array(ImportLine) });
export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });

/** "Forgot your password?": the answer is the same whether or not the address has an account. */
export const PasswordResetRequestInput = z.object({ email: Email });
export const PasswordResetRequested = z.object({ message: z.string() });
/** "Email me a sign-in link". */
/** `next`: the page the person was on their way to (the sign-in page's own `next`), which the emailed link opens once they are signed in; anything not a path on this site is ignored. */
export const SignInLinkRequestInput = z.object({ email: Email, next: z.string().max(500).optional() });
export const SignInLinkRequested = z.object({ message: z.string() });
/** The token from an emailed sign-in link. */
export const SignInLinkInput = z.object({ token: z.string().min(16).max(200) });
/** A new password with the token from the emailed link. */
export const PasswordResetInput = z.object({ token: z.string().min(16).max(200), password: Password });
export const ChangePasswordInput = z.object({ currentPassword: z.string().min(1, 'enter your current password').max(1024, tooLong(1024)), newPassword: Password });

/** Why changing a person's email keeps their school sign-in working, and when it would not: said in the API description. */
const EMAIL_CHANGE =
  'A new address for them (any case: the same address in other letters is no change). Every sign-in link and password reset link sent to the old address stops working, messages still waiting to go are sent to the new one, and from then on sign-in links, notices and invites go to the new address; their bookings, attendance and certificates stay theirs. ' +
  'Someone who signs in with their school’s identity provider keeps their link to it, which is by the provider’s own identifier for them, not by address, so they go on signing in the same way; but a provider signs in only people whose email domain it maps to their organisation (or whose organisation its claim names), so add a new domain to the provider (Identity providers) before moving people to it. ' +
  'Office staff may not give an address whose domain an identity provider maps only to another organisation (400), and each address they give counts against their hourly address checks. An address that belongs to another account: 409 `email_taken`, nothing changed.';

/**
 * What those who manage a person may change (accounts/lifecycle.ts `updatePerson`): all of it
 * for administrators; for office staff, of the staff of the organisations they act for, all
 * but the captioner flag. `name` and `email` put right a misspelt name (printed on every
 * certificate) or an address that has changed, keeping the person's account and history.
 */
export const UpdateUserInput = z
  .object({
    disabled: z.boolean().optional(),
    captioner: z.boolean().optional(),
    jobRole: JobRole.nullable().optional(),
    name: PersonName.optional().describe('Their full name, as certificates print it: certificates downloaded from then on print it, and those printing the old name are withdrawn (a new one, with a new code, is issued when next downloaded)'),
    email: Email.optional().describe(EMAIL_CHANGE),
  })
  .refine((v) => v.disabled !== undefined || v.captioner !== undefined || v.jobRole !== undefined || v.name !== undefined || v.email !== undefined, { message: 'give disabled, captioner, jobRole, name or email' });

/** What a person changes about themselves on My account: their job role (staff and office staff; counted in training coverage). */
export const MyDetailsInput = z.object({ jobRole: JobRole.nullable() }).strict();

export const PeopleQuery = z.object({
  q: SearchText.optional(),
  /** Only people with this role (e.g. every trainer, for a course's trainer list). */
  role: Role.optional(),
  /** Only the people of this organisation (an organisation's page links to its people). */
  orgId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
/** The people of one organisation, a page at a time: `q` in the name or email (any case). */
export const OrgPeopleQuery = z.object({
  q: SearchText.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
/** A page of people, whether more come after it, and (`total`) how many match in all. */
export const PeoplePage = z.object({ items: z.array(User), hasMore: z.boolean(), total: z.number() });

/**
 * Who may be made an in-house lead for an organisation: staff and office staff of it (a
 * trust's: of it and its schools) whose accounts are on and who do not lead it yet, by name;
 * only those whose name or email holds `q` when given; at most `limit` (1..1000, 1000 unless asked).
 */
export const LeadCandidatesQuery = z.object({
  q: SearchText.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
});
export const LeadCandidates = z.object({ items: z.array(User), hasMore: z.boolean() });

/** An administrator changes a person's role and organisation (staff and office staff need one). */
export const PlacementInput = z.object({ role: Role, orgId: Id.nullable() }).strict();

/**
 * Which organisations a provider's organisation claim may name. `own`: only those its email
 * domains map to, and the schools (colleges, nurseries) directly under them, so a trust-wide
 * tenant with one domain places each member of staff in their own school of the trust; a
 * claim naming any other organisation is ignored, as if absent. `national`: any organisation
 * with a URN, for a national provider such as DfE Sign-in. A school's or trust's own tenant
 * (Entra, Google Workspace) sets its claims itself, so it must never speak for another school.
 */
export const OrgClaimScope = z
  .enum(['own', 'national'])
  .describe(
    'Which organisations the organisation claim may name. `own`: only those its email domains map to, and the schools directly under them (a trust’s schools, when a domain maps to the trust); a claim naming another organisation is ignored, as if there were none. `national`: any organisation with a URN, for a national provider such as DfE Sign-in.',
  );

/** An identity provider as administrators see it: the client secret is never shown back. */
export const IdentityProvider = z.object({
  id: z.string(),
  label: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  /** Each email domain and the organisation its people belong to (`orgName`: null if it has gone). */
  orgDomains: z.array(z.object({ domain: z.string(), orgId: z.string(), orgName: z.string().nullable() })),
  orgClaim: z.string().nullable(),
  orgClaimScope: OrgClaimScope,
  /** Only organisations' accounts sign in (Google: Workspace accounts, the ID token's `hd`); personal accounts are refused. */
  workspaceOnly: z.boolean(),
});
const Domain = z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain like school.org.uk');
// A provider's fields, the same when it is added and when it is changed.
// Shown to everyone on the sign-in page's button and in what it says: one line, like names.
const ProviderLabel = Line(80).pipe(z.string().min(1, 'is required'));
const ClientId = z.string().trim().min(1, 'is required').max(500, tooLong(500));
const ClientSecret = z.string().min(1, 'is required when given').max(2000, tooLong(2000));
/** Each email domain and the organisation whose staff its people are. */
const OrgDomains = z.array(z.object({ domain: Domain, orgId: z.string().min(1).max(100) })).max(500, 'may list at most 500 domains');
const OrgClaim = z.string().trim().min(1, 'is required when given').max(100, tooLong(100));
export const CreateIdentityProviderInput = z.object({
  label: ProviderLabel,
  issuer: z.url({ message: 'must be the provider’s web address, such as https://login.microsoftonline.com/…/v2.0' }).max(500, tooLong(500)),
  clientId: ClientId,
  clientSecret: ClientSecret.optional(),
  orgDomains: OrgDomains.default([]),
  orgClaim: OrgClaim.nullable().optional(),
  // Never national unless chosen: a school's own tenant trusted for every school would sign its staff in as any school's.
  orgClaimScope: OrgClaimScope.default('own'),
});
/** Why a provider's issuer cannot be changed, said where a change asks to. */
const ISSUER_FIXED = 'cannot be changed: people’s links are to their accounts at this issuer, so another issuer is another identity provider (add it as a new one)';
/**
 * What an administrator changes about an identity provider: any of its fields but the issuer
 * (a person's link is their account's subject at that issuer, which means nothing at another).
 * `clientSecret`: a new one replaces the stored one; null removes it (a public client); left
 * out, the stored one is kept. `orgDomains` replaces the whole list; `orgClaim` null clears it.
 */
export const UpdateIdentityProviderInput = z.preprocess(
  // Refused by name, at its own field, rather than as one more unknown key of the strict object.
  (v, ctx) => {
    if (!v || typeof v !== 'object' || !('issuer' in v)) return v;
    ctx.addIssue({ code: 'custom', path: ['issuer'], message: ISSUER_FIXED, input: v });
    const { issuer: _issuer, ...rest } = v as Record<string, unknown>;
    return rest;
  },
  z
    .object({
      label: ProviderLabel,
      clientId: ClientId,
      clientSecret: ClientSecret.nullable().describe('A new client secret replaces the stored one; null removes it (a public client); left out, the stored one is kept'),
      orgDomains: OrgDomains.describe('The whole list, replacing the one stored'),
      orgClaim: OrgClaim.nullable().describe('null clears it'),
      orgClaimScope: OrgClaimScope,
    })
    .partial()
    .strict()
    .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' }),
);
/** What the sign-in page shows: one button per provider. */
export const SignInProvider = z.object({ id: z.string(), label: z.string() });
/** A person's ways of signing in, for their account page. */
export const SignInMethods = z.object({ password: z.boolean(), emailLink: z.boolean(), providers: z.array(z.object({ label: z.string(), linkedAt: z.string() })) });
