import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { addPrefix } from '../../src/middlewares/add-prefix.js';
import { encodedCharacters } from '../../src/middlewares/encoded-characters.js';
import { replacePath } from '../../src/middlewares/replace-path.js';
import { replacePathRegex } from '../../src/middlewares/replace-path-regex.js';
import { stripPrefix } from '../../src/middlewares/strip-prefix.js';
import { stripPrefixRegex } from '../../src/middlewares/strip-prefix-regex.js';
import { buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(...args: Parameters<typeof buildMiddleware>): Promise<MiddlewareHarness> {
  const harness = await MiddlewareHarness.start(buildMiddleware(...args));
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('stripPrefix', () => {
  it('strips the first matching prefix, keeps the query and sets X-Forwarded-Prefix', async () => {
    const h = await harnessFor(stripPrefix, { prefixes: ['/other', '/music'] });
    await h.request('/music/1?x=2');
    assert.equal(h.last.path, '/1');
    assert.equal(h.last.query, 'x=2');
    assert.equal(h.last.headers['x-forwarded-prefix'], '/music');
  });

  it('turns the bare prefix into /', async () => {
    const h = await harnessFor(stripPrefix, { prefixes: ['/music'] });
    await h.request('/music');
    assert.equal(h.last.path, '/');
  });

  it('is a plain string prefix: /musical loses /music', async () => {
    const h = await harnessFor(stripPrefix, { prefixes: '/music' });
    await h.request('/musical');
    assert.equal(h.last.path, '/al');
  });

  it('leaves other paths and headers alone', async () => {
    const h = await harnessFor(stripPrefix, { prefixes: ['/music'] });
    await h.request('/video/1');
    assert.equal(h.last.path, '/video/1');
    assert.equal(h.last.headers['x-forwarded-prefix'], undefined);
  });

  it('with forceSlash, /music/ stripped of /music/ gives /', async () => {
    const h = await harnessFor(stripPrefix, { prefixes: ['/music/'], forceSlash: 'true' });
    await h.request('/music/');
    assert.equal(h.last.path, '/');
  });
});

describe('stripPrefixRegex', () => {
  it('strips the match at the start of the path', async () => {
    const h = await harnessFor(stripPrefixRegex, { regex: ['/api/v[0-9]+'] });
    await h.request('/api/v2/users');
    assert.equal(h.last.path, '/users');
    assert.equal(h.last.headers['x-forwarded-prefix'], '/api/v2');
  });

  it('ignores a match that is not at the start', async () => {
    const h = await harnessFor(stripPrefixRegex, { regex: ['/v[0-9]+'] });
    await h.request('/api/v2/users');
    assert.equal(h.last.path, '/api/v2/users');
  });

  it('names the bad expression in the error', () => {
    assert.throws(
      () => buildMiddleware(stripPrefixRegex, { regex: ['/ok', '/bad(['] }),
      (error: unknown) =>
        error instanceof ConfigError && error.key === 'regex[1]' && /invalid regular expression/.test(error.message),
    );
  });
});

describe('addPrefix', () => {
  it('prepends the prefix', async () => {
    const h = await harnessFor(addPrefix, { prefix: '/api' });
    await h.request('/users?id=1');
    assert.equal(h.last.path, '/api/users');
    assert.equal(h.last.query, 'id=1');
  });

  it('adds the leading slash a prefix lacks', async () => {
    const h = await harnessFor(addPrefix, { prefix: 'api' });
    await h.request('/users');
    assert.equal(h.last.path, '/api/users');
  });

  it('rejects an empty prefix', () => {
    assert.throws(
      () => buildMiddleware(addPrefix, {}),
      (error: unknown) => (error as ConfigError).key === 'prefix',
    );
  });
});

describe('replacePath', () => {
  it('replaces the path and reports the old one in X-Replaced-Path', async () => {
    const h = await harnessFor(replacePath, { path: '/foo' });
    await h.request('/bar/baz?q=1');
    assert.equal(h.last.path, '/foo');
    assert.equal(h.last.query, 'q=1');
    assert.equal(h.last.headers['x-replaced-path'], '/bar/baz');
  });

  it('rejects a malformed escape at configuration time', () => {
    assert.throws(() => buildMiddleware(replacePath, { path: '/a%zz' }), /malformed %-escape/);
  });
});

describe('replacePathRegex', () => {
  it('rewrites with Go $1 and ${name} syntax', async () => {
    const h = await harnessFor(replacePathRegex, {
      regex: '^/foo/(.*)/(?P<tail>[a-z]+)$',
      replacement: '/bar/$1/${tail}',
    });
    await h.request('/foo/one/two');
    assert.equal(h.last.path, '/bar/one/two');
    assert.equal(h.last.headers['x-replaced-path'], '/foo/one/two');
  });

  it('treats $1x as the (missing) group "1x", as Go does', async () => {
    const h = await harnessFor(replacePathRegex, { regex: '^/a/(.*)', replacement: '/b/$1x' });
    await h.request('/a/z');
    assert.equal(h.last.path, '/b/');
  });

  it('leaves unmatched paths alone without X-Replaced-Path', async () => {
    const h = await harnessFor(replacePathRegex, { regex: '^/foo/(.*)', replacement: '/bar/$1' });
    await h.request('/other');
    assert.equal(h.last.path, '/other');
    assert.equal(h.last.headers['x-replaced-path'], undefined);
  });

  it('answers 400 when the rewrite produces dot-segments', async () => {
    const h = await harnessFor(replacePathRegex, { regex: '^/foo/(.*)', replacement: '/bar/../$1' });
    const reply = await h.request('/foo/x');
    assert.equal(reply.status, 400);
  });

  it('names the option of a bad expression', () => {
    assert.throws(
      () => buildMiddleware(replacePathRegex, { regex: '(', replacement: '' }),
      (error: unknown) => error instanceof ConfigError && error.key === 'regex',
    );
  });
});

describe('encodedCharacters', () => {
  it('refuses encoded slashes and friends unless allowed', async () => {
    const strict = await harnessFor(encodedCharacters, {});
    assert.equal((await strict.request('/a%2Fb')).status, 400);
    assert.equal((await strict.request('/a%2fb')).status, 400);
    assert.equal((await strict.request('/a%3Bb')).status, 400);
    assert.equal((await strict.request('/a%20b')).status, 200);
    const lenient = await harnessFor(encodedCharacters, { allowEncodedSlash: true });
    assert.equal((await lenient.request('/a%2Fb')).status, 200);
    assert.equal(lenient.last.path, '/a%2Fb');
    assert.equal((await lenient.request('/a%23b')).status, 400);
  });
});
