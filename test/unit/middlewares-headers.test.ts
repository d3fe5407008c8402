import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { headers } from '../../src/middlewares/headers.js';
import { buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(options: Record<string, unknown>, harnessOptions?: HarnessOptions) {
  const harness = await MiddlewareHarness.start(buildMiddleware(headers, options), harnessOptions);
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

const upstreamWith =
  (head: Record<string, string>): HarnessOptions['upstream'] =>
  () => ({ headers: head });

describe('headers: custom headers', () => {
  it('sets and removes request headers, including Host', async () => {
    const h = await harnessFor({
      customRequestHeaders: { 'X-Script-Name': 'test', 'X-Remove-Me': '', Host: 'backend.internal' },
    });
    await h.request('/', { headers: { 'x-remove-me': 'secret', 'x-script-name': 'old' } });
    assert.equal(h.last.headers['x-script-name'], 'test');
    assert.equal(h.last.headers['x-remove-me'], undefined);
    assert.equal(h.last.headers.host, 'backend.internal');
  });

  it('sets response headers over the upstream and removes those with an empty value', async () => {
    const h = await harnessFor(
      { customResponseHeaders: { 'X-Custom-Response-Header': 'value', Server: '', 'X-Powered-By': '' } },
      { upstream: upstreamWith({ server: 'nginx', 'x-powered-by': 'php', 'x-custom-response-header': 'upstream' }) },
    );
    const reply = await h.request('/');
    assert.equal(reply.headers['x-custom-response-header'], 'value');
    assert.equal(reply.headers.server, undefined);
    assert.equal(reply.headers['x-powered-by'], undefined);
  });

  it('refuses a configuration that sets nothing', () => {
    assert.throws(
      () => buildMiddleware(headers, {}),
      (error: unknown) => (error as ConfigError).key === 'headers',
    );
  });
});

describe('headers: CORS', () => {
  const cors = {
    accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'],
    accessControlAllowHeaders: 'X-Custom,Content-Type',
    accessControlAllowOriginList: ['https://foo.bar.org', 'https://example.org'],
    accessControlMaxAge: 100,
    addVaryHeader: true,
  };

  it('answers a preflight itself', async () => {
    const h = await harnessFor(cors);
    const reply = await h.request('/api', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'PUT' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '');
    assert.equal(reply.headers['access-control-allow-origin'], 'https://example.org');
    assert.equal(reply.headers['access-control-allow-methods'], 'GET,OPTIONS,PUT');
    assert.equal(reply.headers['access-control-allow-headers'], 'X-Custom,Content-Type');
    assert.equal(reply.headers['access-control-max-age'], '100');
    assert.equal(h.received.length, 0);
  });

  it('does not allow an origin that is not listed', async () => {
    const h = await harnessFor(cors);
    const reply = await h.request('/api', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.test', 'access-control-request-method': 'PUT' },
    });
    assert.equal(reply.headers['access-control-allow-origin'], undefined);
  });

  it('passes a plain OPTIONS request (no Access-Control-Request-Method) to the upstream', async () => {
    const h = await harnessFor(cors);
    await h.request('/api', { method: 'OPTIONS', headers: { origin: 'https://example.org' } });
    assert.equal(h.last.method, 'OPTIONS');
  });

  it('annotates simple responses and appends Origin to Vary', async () => {
    const h = await harnessFor(cors, { upstream: upstreamWith({ vary: 'Accept-Encoding' }) });
    const reply = await h.request('/api', { headers: { origin: 'https://foo.bar.org' } });
    assert.equal(reply.headers['access-control-allow-origin'], 'https://foo.bar.org');
    assert.equal(reply.headers.vary, 'Accept-Encoding,Origin');
  });

  it('echoes the origin for a wildcard with credentials, and matches origin regexes', async () => {
    const wildcard = await harnessFor({ accessControlAllowOriginList: ['*'], accessControlAllowCredentials: true });
    const reply = await wildcard.request('/', { headers: { origin: 'https://any.test' } });
    assert.equal(reply.headers['access-control-allow-origin'], 'https://any.test');
    assert.equal(reply.headers['access-control-allow-credentials'], 'true');
    const regex = await harnessFor({ accessControlAllowOriginListRegex: ['^https://([a-z]+)\\.example\\.com$'] });
    const matched = await regex.request('/', { headers: { origin: 'https://app.example.com' } });
    assert.equal(matched.headers['access-control-allow-origin'], 'https://app.example.com');
    const unmatched = await regex.request('/', { headers: { origin: 'https://app.example.com.evil' } });
    assert.equal(unmatched.headers['access-control-allow-origin'], undefined);
  });

  it('echoes requested headers and method when * is combined with credentials', async () => {
    const h = await harnessFor({
      accessControlAllowHeaders: ['*'],
      accessControlAllowMethods: ['*'],
      accessControlAllowCredentials: true,
      accessControlAllowOriginList: ['https://a.test'],
    });
    const reply = await h.request('/', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://a.test',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'X-One',
      },
    });
    assert.equal(reply.headers['access-control-allow-methods'], 'PATCH');
    assert.equal(reply.headers['access-control-allow-headers'], 'X-One');
  });

  it('names a bad origin regex', () => {
    assert.throws(
      () => buildMiddleware(headers, { accessControlAllowOriginListRegex: ['ok', '(bad'] }),
      (error: unknown) => (error as ConfigError).key === 'accessControlAllowOriginListRegex[1]',
    );
  });
});

describe('headers: security headers', () => {
  const secure = {
    frameDeny: true,
    contentTypeNosniff: true,
    browserXssFilter: true,
    contentSecurityPolicy: "default-src 'self'",
    referrerPolicy: 'no-referrer',
    permissionsPolicy: 'camera=()',
    stsSeconds: 31536000,
    stsIncludeSubdomains: true,
    stsPreload: true,
  };

  it('sets the fixed headers over the upstream, and STS only on TLS', async () => {
    const plain = await harnessFor(secure, { upstream: upstreamWith({ 'x-frame-options': 'SAMEORIGIN' }) });
    const reply = await plain.request('/');
    assert.equal(reply.headers['x-frame-options'], 'DENY');
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(reply.headers['x-xss-protection'], '1; mode=block');
    assert.equal(reply.headers['content-security-policy'], "default-src 'self'");
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
    assert.equal(reply.headers['permissions-policy'], 'camera=()');
    assert.equal(reply.headers['strict-transport-security'], undefined);

    const tls = await harnessFor(secure, { scheme: 'https' });
    const sts = (await tls.request('/')).headers['strict-transport-security'];
    assert.equal(sts, 'max-age=31536000; includeSubDomains; preload');
  });

  it('sends STS on plain HTTP with forceSTSHeader or a matching sslProxyHeaders entry, never in development', async () => {
    const forced = await harnessFor({ stsSeconds: 60, forceSTSHeader: true });
    assert.equal((await forced.request('/')).headers['strict-transport-security'], 'max-age=60');
    const proxied = await harnessFor({ stsSeconds: 60, sslProxyHeaders: { 'X-Forwarded-Proto': 'https' } });
    const reply = await proxied.request('/', { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(reply.headers['strict-transport-security'], 'max-age=60');
    const dev = await harnessFor({ stsSeconds: 60, forceSTSHeader: true, isDevelopment: true });
    assert.equal((await dev.request('/')).headers['strict-transport-security'], undefined);
  });

  it('prefers customFrameOptionsValue over frameDeny', async () => {
    const h = await harnessFor({ frameDeny: true, customFrameOptionsValue: 'SAMEORIGIN' });
    assert.equal((await h.request('/')).headers['x-frame-options'], 'SAMEORIGIN');
  });

  it('refuses hosts outside allowedHosts', async () => {
    const h = await harnessFor({ allowedHosts: ['good.test'] });
    assert.equal((await h.request('/', { headers: { host: 'good.test' } })).status, 200);
    assert.equal((await h.request('/', { headers: { host: 'bad.test' } })).status, 500);
  });

  it('accepts v2-only options with a warning instead of failing', () => {
    const warnings: string[] = [];
    buildMiddleware(
      headers,
      { sslRedirect: true, frameDeny: true },
      { log: { warn: (_obj, msg) => warnings.push(msg), error: () => undefined } },
    );
    assert.equal(warnings.length, 1);
  });
});
