import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { redirectRegex } from '../../src/middlewares/redirect-regex.js';
import { redirectScheme } from '../../src/middlewares/redirect-scheme.js';
import { buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(
  type: Parameters<typeof buildMiddleware>[0],
  options: Record<string, unknown>,
  harnessOptions?: HarnessOptions,
): Promise<MiddlewareHarness> {
  const harness = await MiddlewareHarness.start(buildMiddleware(type, options), harnessOptions);
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('redirectScheme', () => {
  it('sends plain HTTP to https with a 302, keeping host, path and query', async () => {
    const h = await harnessFor(redirectScheme, { scheme: 'https' });
    const reply = await h.request('/a/b?c=d', { headers: { host: 'example.com' } });
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, 'https://example.com/a/b?c=d');
    assert.equal(h.received.length, 0);
  });

  it('is 301 when permanent for GET, 308 for POST; 307 when temporary for POST', async () => {
    const permanent = await harnessFor(redirectScheme, { scheme: 'https', permanent: true });
    assert.equal((await permanent.request('/', { headers: { host: 'a.test' } })).status, 301);
    assert.equal((await permanent.request('/', { method: 'POST', headers: { host: 'a.test' } })).status, 308);
    const temporary = await harnessFor(redirectScheme, { scheme: 'https' });
    assert.equal((await temporary.request('/', { method: 'POST', headers: { host: 'a.test' } })).status, 307);
  });

  it('drops the client port and uses the configured one unless it is the default', async () => {
    const other = await harnessFor(redirectScheme, { scheme: 'https', port: 8443 });
    const reply = await other.request('/x', { headers: { host: 'a.test:8080' } });
    assert.equal(reply.headers.location, 'https://a.test:8443/x');
    const standard = await harnessFor(redirectScheme, { scheme: 'https', port: '443' });
    assert.equal(
      (await standard.request('/x', { headers: { host: 'a.test:8080' } })).headers.location,
      'https://a.test/x',
    );
  });

  it('keeps IPv6 literals bracketed', async () => {
    const h = await harnessFor(redirectScheme, { scheme: 'https' });
    const reply = await h.request('/', { headers: { host: '[::1]:8080' } });
    assert.equal(reply.headers.location, 'https://[::1]/');
  });

  it('passes requests already on the target scheme, also behind a TLS proxy (X-Forwarded-Proto)', async () => {
    const tls = await harnessFor(redirectScheme, { scheme: 'https' }, { scheme: 'https' });
    assert.equal((await tls.request('/ok', { headers: { host: 'a.test' } })).status, 200);
    const proxied = await harnessFor(redirectScheme, { scheme: 'https' });
    const reply = await proxied.request('/ok', { headers: { host: 'a.test', 'x-forwarded-proto': 'https' } });
    assert.equal(reply.status, 200);
    assert.equal(proxied.last.path, '/ok');
  });

  it('requires a scheme', () => {
    assert.throws(
      () => buildMiddleware(redirectScheme, {}),
      (error: unknown) => (error as ConfigError).key === 'scheme',
    );
  });
});

describe('redirectRegex', () => {
  it('matches the full URL and expands Go groups', async () => {
    const h = await harnessFor(redirectRegex, {
      regex: '^http://localhost/(.*)',
      replacement: 'http://mydomain/${1}',
    });
    const reply = await h.request('/path?x=1', { headers: { host: 'localhost' } });
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, 'http://mydomain/path?x=1');
  });

  it('sees the port of the Host header', async () => {
    const h = await harnessFor(redirectRegex, { regex: '^http://([^/:]+):8080/(.*)', replacement: 'https://$1/$2' });
    const reply = await h.request('/p', { headers: { host: 'site.test:8080' } });
    assert.equal(reply.headers.location, 'https://site.test/p');
  });

  it('passes through when the regex does not match or the URL would not change', async () => {
    const h = await harnessFor(redirectRegex, { regex: '^http://(.*)', replacement: 'http://$1', permanent: true });
    assert.equal((await h.request('/same', { headers: { host: 'a.test' } })).status, 200);
    const other = await harnessFor(redirectRegex, { regex: '^https://', replacement: 'http://' });
    assert.equal((await other.request('/x', { headers: { host: 'a.test' } })).status, 200);
  });

  it('answers permanent redirects with 301', async () => {
    const h = await harnessFor(redirectRegex, { regex: '/old', replacement: '/new', permanent: 'true' });
    const reply = await h.request('/old', { headers: { host: 'a.test' } });
    assert.equal(reply.status, 301);
    assert.equal(reply.headers.location, 'http://a.test/new');
  });
});
