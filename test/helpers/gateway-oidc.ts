/**
 * A real OAuth2/OpenID server (oidc-provider) on a loopback port for gateway tests: client
 * credentials, JWT access tokens for `https://api.example`, opaque ones for `https://opaque.example`,
 * and RFC 7662 introspection. Restarting it with other keys simulates a key rotation.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export const JWT_RESOURCE = 'https://api.example';
export const OPAQUE_RESOURCE = 'https://opaque.example';
export const GATEWAY_CLIENT = { id: 'portier-gateway', secret: 'gateway-client-secret-0123456789abcdef' };
export const APP_CLIENT = { id: 'mobile-app', secret: 'mobile-app-secret-0123456789abcdefghij' };

export interface TestOidc {
  issuer: string;
  port: number;
  /** Requests served, by path (to count JWKS fetches and introspections). */
  hits: Map<string, number>;
  token(resource: string, scope?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

/** Starts the provider; `port` reuses a previous one's address (for rotation). */
export async function startOidc(keys: JWK[], port = 0, accessTokenTtl = 600): Promise<TestOidc> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${actualPort}`;
  const provider = new Provider(issuer, {
    clients: [GATEWAY_CLIENT, APP_CLIENT].map((client) => ({
      client_id: client.id,
      client_secret: client.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys },
    ttl: { ClientCredentials: accessTokenTtl },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: () => Promise.resolve(true) },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => JWT_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 'orders:read orders:write',
          audience: resource,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: resource === OPAQUE_RESOURCE ? 'opaque' : 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  const hits = new Map<string, number>();
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    void callback(req, res);
  });
  return {
    issuer,
    port: actualPort,
    hits,
    async token(resource, scope = 'orders:read') {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${APP_CLIENT.id}:${APP_CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`token request failed: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
