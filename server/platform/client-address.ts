/**
 * Who is calling, as far as the network can tell: the socket's peer address, or, behind a
 * load balancer (`TRUST_PROXY`), the address the nearest trusted proxy saw in
 * `X-Forwarded-For`. Without `TRUST_PROXY` the header is ignored: any client can write it.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';

/**
 * The client's address for rate limits: IPv4 as is (an IPv4-mapped IPv6 address becomes
 * its IPv4 form), IPv6 as its /64 network, since one subscriber usually holds a whole /64.
 * `unknown` when there is no socket (requests made in-process).
 */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
  let raw = socket;
  if (trustProxy > 0) {
    // Each proxy appends the address it received the request from; the last `trustProxy`
    // entries were written by our own proxies, so the one they saw is `trustProxy` from the end.
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    raw = hops[hops.length - trustProxy] ?? hops[0] ?? socket;
  }
  return normaliseAddress(raw);
}

export function normaliseAddress(raw: string | undefined): string {
  if (!raw) return 'unknown';
  // Some proxies write a port too: `203.0.113.7:51234`, `[2001:db8::1]:51234`.
  const text = raw.trim().replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/, '$1').replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return 'unknown';
  let addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

/** `TRUST_PROXY`: unset or empty = 0 (no proxy); a whole number = that many proxies; anything else (`true`, `1`) = one. */
export function parseTrustProxy(value: string | undefined): number {
  if (value === undefined || value.trim() === '' || /^(0|false|no)$/i.test(value.trim())) return 0;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 1;
}
