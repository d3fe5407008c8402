import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { forwardAuth } from '../../src/middlewares/forward-auth.js';
import { basic, buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

/** A real authentication server on loopback: the path picks its verdict. */
interface AuthCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const authCalls: AuthCall[] = [];
let authServer: Server;
let authUrl = '';

before(async () => {
  authServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      authCalls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/allow') {
        res.writeHead(200, {
          'x-auth-user': 'alice',
          'x-auth-role': 'admin',
          'x-ignored': 'no',
          'set-cookie': ['session=abc; Path=/', 'tracking=1'],
        });
        res.end();
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: '/login?rd=1' }).end();
      } else if (req.url === '/big') {
        res.writeHead(200).end('x'.repeat(100));
      } else {
        res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }).end('denied by auth');
      }
    });
  });
  await new Promise<void>((resolve) => authServer.listen(0, '127.0.0.1', resolve));
  authUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}`;
});

const harnesses: MiddlewareHarness[] = [];
after(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  authServer.closeAllConnections();
  await new Promise((resolve) => authServer.close(resolve));
});

async function harnessFor(options: Record<string, unknown>, harnessOptions?: HarnessOptions) {
  const harness = await MiddlewareHarness.start(buildMiddleware(forwardAuth, options), harnessOptions);
  harnesses.push(harness);
  return harness;
}

describe('forwardAuth', () => {
  it('lets a request through on 2xx, copying the chosen auth response headers', async () => {
    const h = await harnessFor({
      address: `${authUrl}/allow`,
      authResponseHeaders: ['X-Auth-User'],
      authResponseHeadersRegex: '^X-Auth-R',
    });
    const reply = await h.request('/app?q=1', { headers: { 'x-auth-user': 'forged', authorization: basic('u', 'p') } });
    assert.equal(reply.status, 200);
    assert.equal(h.last.headers['x-auth-user'], 'alice');
    assert.equal(h.last.headers['x-auth-role'], 'admin');
    assert.equal(h.last.headers['x-ignored'], undefined);
    const call = authCalls.at(-1)!;
    assert.equal(call.method, 'GET');
    assert.equal(call.headers.authorization, basic('u', 'p'));
    assert.equal(call.headers['x-forwarded-method'], 'GET');
    assert.equal(call.headers['x-forwarded-uri'], '/app?q=1');
    assert.equal(call.headers['x-forwarded-proto'], 'http');
    assert.equal(call.headers['x-forwarded-for'], '127.0.0.1');
  });

  it("returns the auth server's refusal as is, and never calls the upstream", async () => {
    const h = await harnessFor({ address: `${authUrl}/deny` });
    const reply = await h.request('/app');
    assert.equal(reply.status, 401);
    assert.equal(reply.body, 'denied by auth');
    assert.equal(reply.headers['www-authenticate'], 'Bearer');
    assert.equal(h.received.length, 0);
  });

  it('makes a relative Location absolute unless preserveLocationHeader', async () => {
    const h = await harnessFor({ address: `${authUrl}/redirect` });
    assert.equal((await h.request('/')).headers.location, `${authUrl}/login?rd=1`);
    const preserved = await harnessFor({ address: `${authUrl}/redirect`, preserveLocationHeader: true });
    assert.equal((await preserved.request('/')).headers.location, '/login?rd=1');
  });

  it('redirects to authSigninURL on 401', async () => {
    const h = await harnessFor({ address: `${authUrl}/deny`, authSigninURL: 'https://login.test/' });
    const reply = await h.request('/');
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, 'https://login.test/');
  });

  it('filters with authRequestHeaders and strips X-Forwarded-* unless trusted', async () => {
    const h = await harnessFor({
      address: `${authUrl}/allow`,
      authRequestHeaders: ['Cookie'],
      trustForwardHeader: false,
    });
    await h.request('/', { headers: { cookie: 'a=1', 'x-other': 'x', 'x-forwarded-host': 'spoofed.test' } });
    const call = authCalls.at(-1)!;
    assert.equal(call.headers.cookie, 'a=1');
    assert.equal(call.headers['x-other'], undefined);
    assert.equal(call.headers['x-forwarded-host'], `127.0.0.1:${new URL(h.url).port}`);

    const trusting = await harnessFor({ address: `${authUrl}/allow`, trustForwardHeader: true });
    await trusting.request('/', { headers: { 'x-forwarded-host': 'real.test', 'x-forwarded-for': '10.0.0.9' } });
    const trusted = authCalls.at(-1)!;
    assert.equal(trusted.headers['x-forwarded-host'], 'real.test');
    assert.equal(trusted.headers['x-forwarded-for'], '10.0.0.9, 127.0.0.1');
  });

  it('forwards the body when asked, still delivering it upstream, and refuses bodies over maxBodySize', async () => {
    const h = await harnessFor({
      address: `${authUrl}/allow`,
      forwardBody: true,
      maxBodySize: 10,
      preserveRequestMethod: true,
    });
    await h.request('/', { method: 'POST', body: 'hello' });
    assert.equal(authCalls.at(-1)!.method, 'POST');
    assert.equal(authCalls.at(-1)!.body, 'hello');
    assert.equal(h.last.body, 'hello');
    assert.equal((await h.request('/', { method: 'POST', body: 'far too long a body' })).status, 401);
  });

  it('refuses auth answers over maxResponseBodySize and answers 500 when the server is down', async () => {
    const big = await harnessFor({ address: `${authUrl}/big`, maxResponseBodySize: 10 });
    assert.equal((await big.request('/')).status, 401);
    const down = await harnessFor({ address: 'http://127.0.0.1:1/verify' });
    assert.equal((await down.request('/')).status, 500);
  });

  it('adds the listed auth cookies to the upstream response, replacing same-named ones', async () => {
    const h = await harnessFor(
      { address: `${authUrl}/allow`, addAuthCookiesToResponse: ['session'] },
      { upstream: () => ({ headers: { 'set-cookie': ['session=old', 'theme=dark'] } }) },
    );
    const reply = await h.request('/');
    assert.deepEqual(reply.headers['set-cookie'], ['theme=dark', 'session=abc; Path=/']);
  });

  it('names a bad address or regex', () => {
    const keyOf = (options: Record<string, unknown>) => {
      try {
        buildMiddleware(forwardAuth, options);
      } catch (error) {
        return (error as ConfigError).key;
      }
      return 'no error';
    };
    assert.equal(keyOf({}), 'address');
    assert.equal(keyOf({ address: 'ftp://x/' }), 'address');
    assert.equal(keyOf({ address: 'http://x/', authResponseHeadersRegex: '(' }), 'authResponseHeadersRegex');
    assert.equal(keyOf({ address: 'https://x/', tls: { ca: 'missing.pem' } }), 'tls.ca');
  });
});
