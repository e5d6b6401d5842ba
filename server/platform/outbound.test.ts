import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOUND, fetchOutbound, isPublicAddress, OutboundError, outboundUrl, parseAllowList, type OutboundPolicy, type Resolver } from './outbound.js';

/** A listener on 127.0.0.1 that counts every connection and request it receives. */
async function listener(handle: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end('ok')) {
  const seen = { connections: 0, requests: 0 };
  const server: Server = createServer((req, res) => {
    seen.requests++;
    handle(req, res);
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const policy = (p: Partial<OutboundPolicy> = {}): OutboundPolicy => ({ ...DEFAULT_OUTBOUND, allow: [], timeoutMs: 5_000, ...p });
/** A resolver that says every name is 127.0.0.1, as a hostile DNS answer would. */
const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

async function refusal(p: Promise<unknown>): Promise<OutboundError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OutboundError);
  return e as OutboundError;
}

let target: Awaited<ReturnType<typeof listener>>;
beforeAll(async () => {
  target = await listener((_q, r) => {
    r.writeHead(200, { 'content-type': 'text/calendar' });
    r.end('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
  });
});
afterAll(() => target.close());
beforeEach(() => {
  target.seen.connections = 0;
  target.seen.requests = 0;
});

describe('outbound fetches to user-given addresses', () => {
  it('reaches a listed loopback host only through OUTBOUND_ALLOW', async () => {
    const res = await fetchOutbound(`http://127.0.0.1:${target.port}/a.ics`, policy({ allow: parseAllowList(`127.0.0.1:${target.port}`) }));
    expect(res.body.toString()).toContain('BEGIN:VCALENDAR');
    expect(target.seen.requests).toBe(1);
  });

  it('sends nothing to a loopback listener, whichever way its address is spelt', async () => {
    const p = target.port;
    const spellings = [
      `http://127.0.0.1:${p}/`,
      `http://2130706433:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://0x7f.0.0.1:${p}/`,
      `http://017700000001:${p}/`,
      `http://127.1:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::ffff:7f00:1]:${p}/`,
      `http://[::1]:${p}/`,
      `http://0.0.0.0:${p}/`,
      `http://0:${p}/`,
      `http://localhost:${p}/`,
      `webcal://127.0.0.1:${p}/`,
    ];
    for (const url of spellings) {
      const e = await refusal(fetchOutbound(url, policy()));
      expect(e.kind, url).toBe('refused');
    }
    expect(target.seen).toEqual({ connections: 0, requests: 0 });
  });

  it('checks the address a name resolves to when connecting', async () => {
    const e = await refusal(fetchOutbound(`https://calendar.school.example:${target.port}/feed.ics`, policy({ resolve: toLoopback })));
    expect(e.kind).toBe('refused');
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    expect((await refusal(fetchOutbound(`http://calendar.school.example:${target.port}/`, policy({ resolve: mixed })))).kind).toBe('refused');
    expect(target.seen).toEqual({ connections: 0, requests: 0 });
  });

  it('checks every redirect again: an allowed host cannot send the fetch to an internal one', async () => {
    let location = '';
    const hop = await listener((_q, r) => {
      r.writeHead(302, { location });
      r.end();
    });
    try {
      const allow = parseAllowList(`127.0.0.1:${hop.port}`);
      for (const to of [`http://127.0.0.1:${target.port}/a.ics`, `http://2130706433:${target.port}/a.ics`, `http://calendar.school.example:${target.port}/a.ics`]) {
        location = to;
        const e = await refusal(fetchOutbound(`http://127.0.0.1:${hop.port}/start`, policy({ allow, resolve: toLoopback })));
        expect(e.kind, to).toBe('refused');
      }
      expect(hop.seen.requests).toBe(3);
      expect(target.seen).toEqual({ connections: 0, requests: 0 });

      // Redirects are followed (to an allowed place), at most three of them.
      location = `http://127.0.0.1:${target.port}/a.ics`;
      const both = parseAllowList(`127.0.0.1:${hop.port},127.0.0.1:${target.port}`);
      expect((await fetchOutbound(`http://127.0.0.1:${hop.port}/start`, policy({ allow: both }))).body.toString()).toContain('VCALENDAR');
      location = `http://127.0.0.1:${hop.port}/again`;
      hop.seen.requests = 0;
      expect((await refusal(fetchOutbound(`http://127.0.0.1:${hop.port}/start`, policy({ allow: both })))).kind).toBe('refused');
      expect(hop.seen.requests).toBe(4);
    } finally {
      await hop.close();
    }
  });

  it('refuses other schemes and credentials before connecting', () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/a.ics', 'gopher://example.org/', 'javascript:alert(1)', 'not a url', 'https://user:pw@example.org/a.ics', 'https://user@example.org/a.ics']) {
      expect(() => outboundUrl(url), url).toThrow(OutboundError);
    }
    expect(outboundUrl('webcal://example.org/a.ics').toString()).toBe('https://example.org/a.ics');
  });

  it('classes only public unicast addresses as public', () => {
    const internal = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '240.0.0.1', '192.0.2.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '2002:a00:1::', '::7f00:1', '::a9fe:a9fe', '::a00:1', '::c0a8:1', new URL('http://[::127.0.0.1]/').hostname.slice(1, -1)];
    for (const a of internal) expect(isPublicAddress(a), a).toBe(false);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('stops reading past the size limit', async () => {
    const big = await listener((_q, r) => {
      r.writeHead(200, { 'content-type': 'text/calendar' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const more = () => {
        while (sent < 100 && r.write(chunk)) sent++;
        if (sent < 100) r.once('drain', more);
        else r.end();
      };
      more();
    });
    try {
      const e = await refusal(fetchOutbound(`http://127.0.0.1:${big.port}/big.ics`, policy({ allow: [`127.0.0.1:${big.port}`], maxBytes: 256 * 1024 })));
      expect(e.kind).toBe('failed');
      expect(e.reason).toMatch(/more than 262144 bytes/);
    } finally {
      await big.close();
    }
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const silent = await listener(() => {
      /* never answers */
    });
    try {
      const e = await refusal(fetchOutbound(`http://127.0.0.1:${silent.port}/slow.ics`, policy({ allow: [`127.0.0.1:${silent.port}`], timeoutMs: 200 })));
      expect(e.kind).toBe('failed');
      expect(e.reason).toMatch(/no answer within 200 ms/);
    } finally {
      await silent.close();
    }
  });

  it('reads the allow list as host:port pairs', () => {
    expect(parseAllowList(' 127.0.0.1:8080, [::1]:9000,LOCALHOST:80 ,')).toEqual(['127.0.0.1:8080', '::1:9000', 'localhost:80']);
    expect(parseAllowList(undefined)).toEqual([]);
  });
});
