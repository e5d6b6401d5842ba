/**
 * A Fetch API function over the same guard as `fetchOutbound` (outbound.ts): the address
 * connected to is checked at connect time by `guardedLookup`, literal internal addresses are
 * refused, one time and size limit. Redirects are not followed (the caller sees them), as
 * openid-client asks (`redirect: 'manual'`). For libraries that take a custom fetch, such
 * as openid-client reaching the identity providers administrators configure.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { guardedLookup, isPublicAddress, OutboundError, outboundUrl, type OutboundPolicy, type Resolver } from './outbound.js';

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
const portOf = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');
const systemResolve: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true });

/** Is `url`'s host on the development/test allow list (OUTBOUND_ALLOW)? */
export function isAllowListed(url: URL, allow: string[]): boolean {
  const host = bare(url.hostname);
  return allow.includes(`${host}:${portOf(url)}`) || allow.includes(host);
}

export type GuardedFetch = (input: string | URL, init?: { method?: string; headers?: Record<string, string> | Headers; body?: unknown; signal?: AbortSignal | null }) => Promise<Response>;

export function guardedFetch(policy: OutboundPolicy): GuardedFetch {
  return async (input, init = {}) => {
    const url = outboundUrl(String(input));
    const allowListed = isAllowListed(url, policy.allow);
    const host = bare(url.hostname);
    if (net.isIP(host) && !allowListed && !isPublicAddress(host)) throw new OutboundError('refused', `${host} is internal`);
    let body: Buffer | undefined;
    if (init.body instanceof URLSearchParams || typeof init.body === 'string') body = Buffer.from(String(init.body));
    else if (init.body instanceof Uint8Array) body = Buffer.from(init.body);
    else if (init.body != null) throw new OutboundError('refused', 'unsupported request body');
    const headers: Record<string, string> = {};
    new Headers(init.headers as HeadersInit | undefined).forEach((v, k) => (headers[k] = v));
    if (body && init.body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    if (body) headers['content-length'] = String(body.byteLength);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), policy.timeoutMs);
    init.signal?.addEventListener('abort', () => controller.abort());
    try {
      const client = url.protocol === 'https:' ? https : http;
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = client.request(url, { method: init.method ?? 'GET', agent: false, lookup: guardedLookup(policy.resolve ?? systemResolve, allowListed), signal: controller.signal, headers });
        req.on('response', resolve);
        req.on('error', (e) => reject(e instanceof OutboundError ? e : new OutboundError('failed', controller.signal.aborted ? `no answer within ${policy.timeoutMs} ms` : `${(e as NodeJS.ErrnoException).code ?? e.message}`)));
        req.end(body);
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res) {
        size += (chunk as Buffer).byteLength;
        if (size > policy.maxBytes) {
          res.destroy();
          throw new OutboundError('failed', `more than ${policy.maxBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      const responseHeaders = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) responseHeaders.append(k, one);
      }
      const status = res.statusCode ?? 502;
      const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
      return new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders });
    } finally {
      clearTimeout(timer);
    }
  };
}
