import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { DbKind } from '../../db/connect.js';
import type { Logger } from './logging.js';
import { DEFAULT_OUTBOUND, type OutboundPolicy } from './outbound.js';

export interface LiveKitConfig {
  /** Where this server reaches LiveKit's API (LIVEKIT_URL; may be a private address). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Where browsers connect (LIVEKIT_PUBLIC_URL); LIVEKIT_URL when unset. */
  publicUrl?: string;
  /** An agent deployed for explicit dispatch (LIVEKIT_AGENT_NAME), sent to every room this server creates. */
  agentName?: string | null;
}

/**
 * Sign-in throttling. Every attempt is counted before its password is checked; a count over
 * its limit refuses the attempt until the window (started by its first attempt) ends.
 */
export interface SignInLimits {
  windowMinutes: number;
  /** One account from one client address: the guessing limit. */
  perAccountAndClient: number;
  /** One client address, all accounts: spraying one password over many accounts. */
  perClient: number;
  /** One account, all addresses (only attempts that passed the two limits above count). */
  perAccount: number;
}

export interface Config {
  publicUrl: string;
  /** Mail goes by SMTP when set; otherwise it stays in the local outbox. */
  smtpUrl: string | null;
  mailFrom: string;
  livekit: LiveKitConfig | null;
  /** scrypt cost as log2(N); 15 in production (32 MiB per hash). */
  passwordCostLog2: number;
  /** Password checks allowed per window before sign-in is refused (accounts/throttle.ts). */
  signInLimits: SignInLimits;
  /**
   * How many email addresses an office may put to the test of "already has an account" (an
   * import, its dry run, adding one person) in an hour (accounts/service.ts, checkAddressBudget).
   */
  officeAddressChecksPerHour: number;
  /** Proxies in front of the service whose `X-Forwarded-For` is believed (`TRUST_PROXY`); 0 = none. */
  trustProxy: number;
  sessionTtlHours: number;
  maxBodyBytes: number;
  /** The largest training material file that may be uploaded (MATERIAL_MAX_MB; 20 MB). */
  maxMaterialBytes: number;
  /** Bookings a report (who needs cover) reads at most; a range holding more is refused, never cut short. */
  maxReportBookings: number;
  /** Directory of the built web client, or null to serve no web pages. */
  webRoot: string | null;
  /** How long a process may hold claimed outbox rows before another may retry them. */
  mailLeaseMs: number;
  /**
   * How long a request with an Idempotency-Key keeps the key from a retry in another process
   * (platform/idempotency.ts); renewed every third of it, in real time, while the request runs.
   */
  idempotencyLeaseMs: number;
  /** Fetches to addresses users give (timetable subscriptions); `allow` is OUTBOUND_ALLOW. */
  outbound: Omit<OutboundPolicy, 'resolve'>;
  /** Encrypts identity providers' client secrets at rest (`OIDC_SECRET_KEY`); null = none can be stored. */
  oidcSecretKey: string | null;
  /**
   * Identity provider issuers whose people must sign in with an organisation's account: the
   * ID token must carry `hd` (the Google Workspace domain). Google's issuer serves personal
   * accounts too, and anyone can make a personal Google account with an email address they can
   * receive mail at, a school's included (a member of staff who has left keeps theirs).
   */
  workspaceIssuers: string[];
  /**
   * The key calendar feed tokens are derived with (`FEED_TOKEN_SECRET`); null = a random one
   * the server makes once and keeps in the database (server/calendar/feed-tokens.ts).
   */
  feedTokenSecret: string | null;
  /** The work budget of one timetable file (see server/timetables/parsing.ts). */
  timetableParsing: { timeMs: number; maxExamined: number; workers: number };
}

/** Everything the app needs from the outside world, passed in so tests can fix each part. */
export interface Deps {
  db: Kysely<Database>;
  dbKind: DbKind;
  now: () => Date;
  config: Config;
  logger: Logger;
}

/**
 * One `T` per database, made from the first dependencies that ask for it: the mechanisms
 * that gather work across requests (group-commit writers, batched lookups) must be shared by
 * every request on a database, and tests build many apps, each on its own database.
 */
export function perDatabase<D extends Pick<Deps, 'db'>, T>(make: (deps: D) => T): (deps: D) => T {
  const made = new WeakMap<Deps['db'], T>();
  return (deps) => {
    let t = made.get(deps.db);
    if (t === undefined) made.set(deps.db, (t = make(deps)));
    return t;
  };
}

/** Where mail is said to come from when PUBLIC_URL names no real domain (RFC 2606: never resolves). */
export const FALLBACK_MAIL_DOMAIN = 'send-live-training.invalid';

/**
 * The domain the service's mail speaks for (the default sender and organiser address, and
 * every Message-ID): PUBLIC_URL's host when it is a domain name with a dot. A development
 * address (localhost, an IP address, a name without a dot) is no mail domain, so mail then
 * uses `send-live-training.invalid`, which is well-formed and can never be delivered to.
 */
export function mailDomain(publicUrl: string): string {
  let host = '';
  try {
    host = new URL(publicUrl).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return FALLBACK_MAIL_DOMAIN;
  }
  const ipLiteral = host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host);
  const local = host === 'localhost' || host.endsWith('.localhost');
  return !ipLiteral && !local && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : FALLBACK_MAIL_DOMAIN;
}

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const publicUrl = overrides.publicUrl ?? 'http://localhost:3000';
  return {
    publicUrl,
    smtpUrl: null,
    mailFrom: `SEND Live Training <no-reply@${mailDomain(publicUrl)}>`,
    livekit: null,
    passwordCostLog2: 15,
    signInLimits: { windowMinutes: 15, perAccountAndClient: 5, perClient: 100, perAccount: 100 },
    officeAddressChecksPerHour: 30_000,
    trustProxy: 0,
    sessionTtlHours: 24 * 14,
    maxBodyBytes: 1024 * 1024,
    maxMaterialBytes: 20 * 1024 * 1024,
    maxReportBookings: 20_000,
    webRoot: null,
    mailLeaseMs: 2 * 60_000,
    idempotencyLeaseMs: 60_000,
    outbound: { ...DEFAULT_OUTBOUND, allow: [] },
    oidcSecretKey: null,
    workspaceIssuers: ['https://accounts.google.com'],
    feedTokenSecret: null,
    timetableParsing: { timeMs: 5_000, maxExamined: 150_000, workers: Math.min(4, Math.max(2, availableParallelism() - 1)) },
    ...overrides,
  };
}
