/**
 * Outbound fetches to addresses that users give (timetable subscriptions): the only way
 * the server reaches such an address. Against server-side request forgery:
 *
 * - only http and https (webcal:// is read as https), no user name or password in the URL;
 * - the address actually connected to is checked when the socket connects: every DNS answer
 *   goes through `guardedLookup`, which refuses anything but public unicast space as
 *   ipaddr.js classes it (loopback, private, link-local, unique-local, carrier-grade NAT,
 *   0.0.0.0/8, multicast, broadcast, reserved, IPv4-mapped/NAT64/6to4 forms...). A literal
 *   IP address is checked the same way (the WHATWG URL parser has already turned the other
 *   spellings, 2130706433, 0x7f000001, 127.1, into dotted form). So an answer that changes
 *   between a check and the connection cannot slip through: there is no earlier check;
 * - redirects are followed by hand, at most `maxRedirects`, each one checked again;
 * - one time limit for the whole exchange and a size limit counted while the body streams.
 *
 * `allow` (OUTBOUND_ALLOW, development and tests only) lists `host:port` pairs that may be
 * fetched even though they are internal.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface OutboundPolicy {
  /** `host:port` (or bare `host`, any port) that may be fetched although internal. */
  allow: string[];
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** DNS resolution; tests inject one to make a public-looking name resolve to 127.0.0.1. */
  resolve?: Resolver;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const DEFAULT_OUTBOUND: Omit<OutboundPolicy, 'allow'> = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 3 };

/**
 * Why an outbound fetch did not give a body. `refused`: the address may not be used (scheme,
 * credentials, an internal address, too many redirects). `failed`: the address was allowed
 * but gave nothing usable (unreachable, time or size limit, an error status). `reason` is
 * for logs only: it may hold what the remote server said, which users must never see.
 * `byName`: refused for what a host name resolved to (an internal address). Told apart from
 * a name that does not resolve at all, that would say which names exist inside the network
 * the server runs in, so callers answer users as they do a fetch that failed.
 */
export class OutboundError extends Error {
  constructor(
    readonly kind: 'refused' | 'failed',
    readonly reason: string,
    readonly byName = false,
    /** What kind of failure, for the words a person is given (never `reason`). */
    readonly failure: OutboundFailure = 'other',
    /** For `not_found`: the host name that was looked up (the address given, or one redirected to). */
    readonly host: string | null = null,
  ) {
    super(reason);
    this.name = 'OutboundError';
  }
}

/**
 * Why a fetch failed, in the classes a person can act on: `not_found`, no address for the
 * host name (a name resolving only inside the network is refused `byName` and classed so too,
 * so the two cannot be told apart); `unreachable`, the connection was refused or cut;
 * `insecure`, the server's TLS certificate did not check out; `timeout`; `too_large`;
 * `error_status`, an answer that is not a success; `other`, anything else.
 */
export type OutboundFailure = 'not_found' | 'unreachable' | 'insecure' | 'timeout' | 'too_large' | 'error_status' | 'other';

/** The failure class of a socket or TLS error code (Node's `err.code`). */
function failureOfCode(code: string | undefined): OutboundFailure {
  if (!code) return 'other';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ENODATA'].includes(code)) return 'not_found';
  if (['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EPIPE', 'EPROTO'].includes(code)) return 'unreachable';
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL/.test(code)) return 'insecure';
  return 'other';
}

export interface OutboundResponse {
  /** The last URL fetched, after redirects. */
  url: string;
  contentType: string | null;
  body: Buffer;
}

/** The URL to fetch, or an OutboundError('refused'): http(s) (webcal read as https), no credentials. */
export function outboundUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim().replace(/^webcals?:\/\//i, 'https://'));
  } catch {
    throw new OutboundError('refused', 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('refused', `scheme ${url.protocol} is not http or https`);
  if (url.username || url.password) throw new OutboundError('refused', 'the URL holds credentials');
  if (!url.hostname) throw new OutboundError('refused', 'the URL has no host');
  return url;
}

/**
 * Is this IP address public unicast space? IPv4-mapped IPv6 is judged as the IPv4 address it
 * maps. Other IPv6 must also be global unicast (2000::/3): ipaddr.js classes what it has no
 * name for as unicast, among it the deprecated IPv4-compatible ::/96 (`[::127.0.0.1]` is
 * written `::7f00:1`), which a host routing it would send to the IPv4 address inside.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const addr = ipaddr.process(address);
  if (addr.range() !== 'unicast') return false;
  return addr.kind() === 'ipv4' || addr.match(GLOBAL_UNICAST_V6);
}
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];

/** The ipaddr.js class of an address, for logs. */
function rangeOf(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).range() : 'invalid';
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
const portOf = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

/** Parses OUTBOUND_ALLOW: comma-separated `host:port` entries (IPv6 as `[::1]:port`). */
export function parseAllowList(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const u = new URL(`http://${entry}`);
      return /:\d+$/.test(entry) ? `${bare(u.hostname)}:${u.port || '80'}` : bare(u.hostname);
    });
}

function isAllowListed(url: URL, allow: string[]): boolean {
  const host = bare(url.hostname);
  return allow.includes(`${host}:${portOf(url)}`) || allow.includes(host);
}

const systemResolve: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true });

/**
 * A `lookup` for net.connect that resolves the name and refuses the connection unless every
 * address is public (or the host is allow-listed): the address handed to connect is the one
 * that was checked.
 */
export function guardedLookup(resolve: Resolver, allowListed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const addresses = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        if (addresses.length === 0) return callback(new OutboundError('failed', `${hostname} has no address`, false, 'not_found', hostname) as NodeJS.ErrnoException, '', 0);
        const internal = allowListed ? undefined : addresses.find((a) => !isPublicAddress(a.address));
        if (internal) return callback(new OutboundError('refused', `${hostname} resolves to ${internal.address} (${rangeOf(internal.address)})`, true, 'not_found', hostname) as NodeJS.ErrnoException, '', 0);
        if (options.all) return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (e: NodeJS.ErrnoException) => callback(new OutboundError('failed', `${hostname} could not be resolved (${e.code ?? e.message})`, false, 'not_found', hostname) as NodeJS.ErrnoException, '', 0),
    );
  };
}

/** One request, no redirects followed: resolves with the response head. */
function requestOnce(url: URL, policy: OutboundPolicy, signal: AbortSignal, accept: string): Promise<http.IncomingMessage> {
  const allowListed = isAllowListed(url, policy.allow);
  const host = bare(url.hostname);
  // A literal address is connected to as written (no lookup): check it here.
  if (net.isIP(host) && !allowListed && !isPublicAddress(host)) {
    return Promise.reject(new OutboundError('refused', `${host} is internal (${rangeOf(host)})`));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'GET',
      agent: false,
      lookup: guardedLookup(policy.resolve ?? systemResolve, allowListed),
      signal,
      headers: { accept, 'user-agent': 'send-live-training timetable fetcher' },
    });
    req.on('response', resolve);
    req.on('error', (e) => reject(e instanceof OutboundError ? e : signal.aborted ? new OutboundError('failed', `no answer within ${policy.timeoutMs} ms`, false, 'timeout') : new OutboundError('failed', `${(e as NodeJS.ErrnoException).code ?? e.message}`, false, failureOfCode((e as NodeJS.ErrnoException).code))));
    req.end();
  });
}

async function readBody(res: http.IncomingMessage, policy: OutboundPolicy, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? '0');
  if (declared > policy.maxBytes) {
    res.destroy();
    throw new OutboundError('failed', `declared ${declared} bytes, more than ${policy.maxBytes}`, false, 'too_large');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).byteLength;
      if (size > policy.maxBytes) {
        res.destroy();
        throw new OutboundError('failed', `more than ${policy.maxBytes} bytes`, false, 'too_large');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof OutboundError) throw e;
    throw signal.aborted ? new OutboundError('failed', `no answer within ${policy.timeoutMs} ms`, false, 'timeout') : new OutboundError('failed', `the body could not be read (${(e as Error).message})`, false, 'unreachable');
  }
  return Buffer.concat(chunks);
}

/**
 * GETs a user-given address under `policy`. Resolves with a 2xx answer's body; throws an
 * OutboundError otherwise.
 */
export async function fetchOutbound(raw: string, policy: OutboundPolicy, accept = '*/*'): Promise<OutboundResponse> {
  let url = outboundUrl(raw);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), policy.timeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const res = await requestOnce(url, policy, controller.signal, accept);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.destroy();
        if (redirects >= policy.maxRedirects) throw new OutboundError('refused', `more than ${policy.maxRedirects} redirects`);
        let next: string;
        try {
          next = new URL(res.headers.location, url).toString();
        } catch {
          throw new OutboundError('failed', 'a redirect to something that is not a URL');
        }
        url = outboundUrl(next);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        throw new OutboundError('failed', `the server answered ${status}`, false, 'error_status');
      }
      const body = await readBody(res, policy, controller.signal);
      return { url: url.toString(), contentType: res.headers['content-type'] ?? null, body };
    }
  } finally {
    clearTimeout(timer);
  }
}
