import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { builtinMiddlewareTypes } from '../../src/middlewares/registry.js';
import { chain } from '../../src/middlewares/chain.js';
import { stripPrefix } from '../../src/middlewares/strip-prefix.js';
import { addPrefix } from '../../src/middlewares/add-prefix.js';
import { MiddlewareBuilder, MiddlewareTypes } from '../../src/runtime/build-middlewares.js';
import { buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('chain', () => {
  it('applies its members in order', async () => {
    const members = {
      strip: buildMiddleware(stripPrefix, { prefixes: ['/api'] }),
      add: buildMiddleware(addPrefix, { prefix: '/v2' }),
    };
    const middleware = buildMiddleware(
      chain,
      { middlewares: 'strip,add' },
      { resolveMiddleware: (name) => members[name as keyof typeof members] },
    );
    const h = await MiddlewareHarness.start(middleware);
    harnesses.push(h);
    await h.request('/api/users');
    assert.equal(h.last.path, '/v2/users');
  });

  it('names the member that cannot be used', () => {
    assert.throws(
      () =>
        buildMiddleware(
          chain,
          { middlewares: ['ok', 'gone'] },
          {
            resolveMiddleware: (name) => {
              if (name === 'ok') return (next) => next;
              throw new Error('middleware "gone@file" does not exist');
            },
          },
        ),
      (error: unknown) => (error as ConfigError).key === 'middlewares[1]' && /gone@file/.test((error as Error).message),
    );
  });
});

describe('registry with the runtime builder', () => {
  const types = new MiddlewareTypes(builtinMiddlewareTypes);

  it('registers the Traefik names', () => {
    for (const name of [
      'stripPrefix',
      'stripPrefixRegex',
      'addPrefix',
      'replacePath',
      'replacePathRegex',
      'redirectScheme',
      'redirectRegex',
      'headers',
      'basicAuth',
      'chain',
      'retry',
      'ipAllowList',
      'ipWhiteList',
      'inFlightReq',
      'forwardAuth',
      'compress',
      'circuitBreaker',
      'buffering',
      'errors',
      'digestAuth',
      'encodedCharacters',
      'contentType',
      'passTLSClientCert',
    ]) {
      assert.ok(builtinMiddlewareTypes[name], name);
    }
    assert.equal(types.get('stripprefix')?.name, 'stripPrefix');
  });

  it('builds chains by qualified name, reports bad members and typos per middleware', async () => {
    const builder = new MiddlewareBuilder(
      {
        'secured@file': { chain: { middlewares: ['strip', 'tag@file'] } },
        'strip@file': { stripprefix: { prefixes: ['/app'] } },
        'tag@file': { headers: { customRequestHeaders: { 'X-Tag': 'yes' } } },
        'broken@file': { stripPrefixRegex: { regex: ['('] } },
        'typo@file': { stripPrefix: { prefixs: ['/x'] } },
      },
      types,
      {},
      process.cwd(),
      (service) => {
        throw new Error(`no services in this test (${service})`);
      },
    );
    const built = builder.all();
    assert.match(built.get('broken@file')?.error ?? '', /regex\[0\]/);
    assert.match(built.get('typo@file')?.error ?? '', /did you mean "prefixes"/);
    const h = await MiddlewareHarness.start(builder.resolve('secured@file'));
    harnesses.push(h);
    await h.request('/app/page');
    assert.equal(h.last.path, '/page');
    assert.equal(h.last.headers['x-tag'], 'yes');
  });
});
