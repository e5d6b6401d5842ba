/**
 * A real OpenID provider (the `oidc-provider` package) on 127.0.0.1, for tests only. The
 * person to sign in is set by the test (`signInAs`); its interaction page signs them in and
 * grants the scopes at once, so a client can be driven by plain redirects.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface RealProvider {
  issuer: string;
  hostPort: string;
  clientId: string;
  clientSecret: string;
  signInAs(id: string, claims: { email: string; email_verified: boolean; name?: string }): void;
  close(): Promise<void>;
}

export async function startRealProvider(redirectUri: string): Promise<RealProvider> {
  const accounts = new Map<string, Record<string, unknown>>();
  let current = '';
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'send-live-real';
  const clientSecret = 'a real provider test secret';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, ...accounts.get(id) }) }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test cookie key'] },
  });
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    const m = req.url?.match(/^\/interaction\/([^/?]+)/);
    if (!m) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: current } }, { mergeWithLastSubmission: false });
      } else {
        const grant = new provider.Grant({ accountId: details.session!.accountId, clientId });
        grant.addOIDCScope('openid email profile');
        await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      }
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return {
    issuer,
    hostPort: `127.0.0.1:${port}`,
    clientId,
    clientSecret,
    signInAs(id, claims) {
      accounts.set(id, claims);
      current = id;
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
