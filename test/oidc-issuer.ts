/**
 * A minimal OpenID provider for tests, on 127.0.0.1: discovery, JWKS and a token endpoint
 * that answers with an ID token the test shapes (signed with jose), so each way an ID token
 * can be wrong (issuer, audience, nonce, expiry, signature, unverified email) can be served.
 * The token endpoint checks PKCE (the verifier against the challenge the client sent); the
 * authorization endpoint signs the person in at once and sends the browser back with a code.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestIssuer {
  issuer: string;
  hostPort: string;
  clientId: string;
  /** Claims and signing of the next ID token: `(nonce, defaults) => claims`, and `badSignature`. */
  next: { claims: (nonce: string, defaults: JWTPayload) => JWTPayload; badSignature?: boolean };
  /** Remembers the authorization request's nonce and PKCE challenge (from the address the browser was sent to). */
  authorize(url: string): { state: string; nonce: string };
  tokenRequests: number;
  close(): Promise<void>;
}

export async function startTestIssuer(clientId = 'send-live-test'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const pending = new Map<string, { nonce: string; challenge: string }>();
  const self: TestIssuer = {
    issuer: '',
    hostPort: '',
    clientId,
    next: { claims: (_nonce, d) => d },
    authorize(raw) {
      const u = new URL(raw);
      const code = `code-${pending.size + 1}-${Math.random().toString(36).slice(2)}`;
      pending.set(code, { nonce: u.searchParams.get('nonce')!, challenge: u.searchParams.get('code_challenge')! });
      lastCode = code;
      return { state: u.searchParams.get('state')!, nonce: u.searchParams.get('nonce')! };
    },
    tokenRequests: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  let lastCode = '';
  Object.defineProperty(self, 'code', { get: () => lastCode });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    // The person "signs in" at once (for browser tests): back to the client with a code.
    if (url.pathname === '/authorize') {
      const { state } = self.authorize(url.toString());
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', lastCode);
      back.searchParams.set('state', state);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      self.tokenRequests++;
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const found = pending.get(form.get('code') ?? '');
      if (!found) return json(400, { error: 'invalid_grant' });
      pending.delete(form.get('code')!);
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== found.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE' });
      if (form.get('client_id') !== clientId || form.get('client_secret') !== 'test-client-secret') return json(401, { error: 'invalid_client' });
      const now = Math.floor(Date.now() / 1000);
      const defaults: JWTPayload = { iss: issuer, aud: clientId, sub: 'subject-1', nonce: found.nonce, iat: now, exp: now + 300, email: 'someone@example.org', email_verified: true, name: 'Someone' };
      const claims = self.next.claims(found.nonce, defaults);
      const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(self.next.badSignature ? other.privateKey : privateKey);
      return json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  issuer = `http://127.0.0.1:${port}`;
  self.issuer = issuer;
  self.hostPort = `127.0.0.1:${port}`;
  return self;
}

/** The code the issuer handed out last (the one a browser would bring back). */
export const lastCodeOf = (i: TestIssuer) => (i as unknown as { code: string }).code;
