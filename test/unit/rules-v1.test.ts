import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { builtinMiddlewareTypes } from '../../src/middlewares/registry.js';
import { compileRule } from '../../src/rules/index.js';
import { translateV1Rule } from '../../src/rules/v1.js';
import { buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';
import { routingRequest, type RequestParts } from '../helpers/rules-request.js';

/** Translates a v1 rule and matches the resulting v3 rule against a request. */
function v1Matches(rule: string, parts: RequestParts): boolean {
  return compileRule(translateV1Rule(rule).rule).match(routingRequest(parts));
}

function assertV1Error(rule: string, fragments: string[]): void {
  assert.throws(
    () => translateV1Rule(rule),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const f of fragments) assert.ok(error.message.includes(f), `"${error.message}" should contain "${f}"`);
      return true;
    },
  );
}

describe('translateV1Rule: examples from old guides', () => {
  it('Host:web.joinc.priv', () => {
    assert.deepEqual(translateV1Rule('Host:web.joinc.priv'), { rule: 'Host(`web.joinc.priv`)', middlewares: [] });
    assert.deepEqual(compileRule(translateV1Rule('Host:web.joinc.priv').rule).hosts, ['web.joinc.priv']);
  });

  it('PathPrefixStrip:/photo', () => {
    assert.deepEqual(translateV1Rule('PathPrefixStrip:/photo'), {
      rule: 'PathPrefix(`/photo`)',
      middlewares: [{ stripPrefix: { prefixes: ['/photo'] } }],
    });
  });

  it('Host:a.com,b.com;PathPrefixStrip:/music', () => {
    const translated = translateV1Rule('Host:a.com,b.com;PathPrefixStrip:/music');
    assert.deepEqual(translated, {
      rule: '(Host(`a.com`) || Host(`b.com`)) && PathPrefix(`/music`)',
      middlewares: [{ stripPrefix: { prefixes: ['/music'] } }],
    });
    assert.deepEqual(compileRule(translated.rule).hosts, ['a.com', 'b.com']);
    assert.equal(v1Matches('Host:a.com,b.com;PathPrefixStrip:/music', { host: 'b.com', path: '/music/1' }), true);
    assert.equal(v1Matches('Host:a.com,b.com;PathPrefixStrip:/music', { host: 'c.com', path: '/music/1' }), false);
    assert.equal(v1Matches('Host:a.com,b.com;PathPrefixStrip:/music', { host: 'a.com', path: '/video' }), false);
  });
});

describe('translateV1Rule: the stripping middleware really strips', () => {
  const harnesses: MiddlewareHarness[] = [];
  after(() => Promise.all(harnesses.map((h) => h.close())));

  it('PathPrefixStrip:/music sends /music/1 as /1 and /music as /', async () => {
    const [middleware] = translateV1Rule('Host:a.com;PathPrefixStrip:/music').middlewares;
    const [type, options] = Object.entries(middleware!)[0]!;
    const harness = await MiddlewareHarness.start(buildMiddleware(builtinMiddlewareTypes[type]!, options));
    harnesses.push(harness);
    await harness.request('/music/1');
    assert.equal(harness.last.path, '/1');
    await harness.request('/music');
    assert.equal(harness.last.path, '/');
  });
});

describe('translateV1Rule: matchers', () => {
  it('combines ; as AND and , as OR', () => {
    assert.equal(
      translateV1Rule('Host: a.com , b.com ;Method:GET,POST;Path:/x').rule,
      '(Host(`a.com`) || Host(`b.com`)) && (Method(`GET`) || Method(`POST`)) && Path(`/x`)',
    );
    assert.equal(translateV1Rule('Path:/a,/b').rule, 'Path(`/a`) || Path(`/b`)');
  });

  it('HostRegexp with mux templates', () => {
    const rule = 'HostRegexp:{subdomain:[a-z]+}.localhost';
    assert.equal(v1Matches(rule, { host: 'api.localhost' }), true);
    assert.equal(v1Matches(rule, { host: 'api.localhostx' }), false);
    assert.equal(v1Matches(rule, { host: 'a.b.localhost' }), false);
    assert.equal(v1Matches('HostRegexp:{sub}.example.com,example.com', { host: 'example.com' }), true);
  });

  it('Path and PathPrefix with templates', () => {
    assert.equal(v1Matches('Path:/users/{id:[0-9]+}', { path: '/users/12' }), true);
    assert.equal(v1Matches('Path:/users/{id:[0-9]+}', { path: '/users/12/x' }), false);
    assert.equal(v1Matches('PathPrefix:/users/{id:[0-9]{1,3}}', { path: '/users/123/x' }), true);
    assert.equal(v1Matches('PathPrefix:/users/{id:[0-9]{1,3}}', { path: '/users/x' }), false);
  });

  it('Headers and HeadersRegexp pairs must all match', () => {
    assert.equal(
      translateV1Rule('Headers:Content-Type,application/json,X-Env,prod').rule,
      'Header(`Content-Type`, `application/json`) && Header(`X-Env`, `prod`)',
    );
    const headers = { 'content-type': 'application/json', 'x-env': 'prod' };
    assert.equal(v1Matches('HeadersRegexp:Content-Type,application/(json|xml)', { headers }), true);
    assert.equal(v1Matches('HeadersRegexp:Content-Type,text/.*', { headers }), false);
  });

  it('Query pairs, empty values and templates', () => {
    assert.equal(v1Matches('Query:mobile=true,lang=en', { query: 'lang=en&mobile=true' }), true);
    assert.equal(v1Matches('Query:mobile=true,lang=en', { query: 'mobile=true' }), false);
    assert.equal(v1Matches('Query:debug=', { query: 'debug=1' }), true);
    assert.equal(v1Matches('Query:debug=', { query: 'other=1' }), false);
    assert.equal(v1Matches('Query:id={id:[0-9]+}', { query: 'id=42' }), true);
    assert.equal(v1Matches('Query:id={id:[0-9]+}', { query: 'id=4x' }), false);
  });

  it('quotes values holding a backtick so the v3 rule still parses', () => {
    const { rule } = translateV1Rule('Headers:X-Q,a`b');
    assert.equal(v1Matches('Headers:X-Q,a`b', { headers: { 'x-q': 'a`b' } }), true);
    assert.equal(rule, 'Header(`X-Q`, "a`b")');
  });
});

describe('translateV1Rule: modifiers become middlewares, in the order v1 ran them', () => {
  it('PathStrip strips the whole path; several prefixes longest first', () => {
    assert.deepEqual(translateV1Rule('PathStrip:/status'), {
      rule: 'Path(`/status`)',
      middlewares: [{ stripPrefix: { prefixes: ['/status'] } }],
    });
    assert.deepEqual(translateV1Rule('PathPrefixStrip:/a,/a/b').middlewares, [
      { stripPrefix: { prefixes: ['/a/b', '/a'] } },
    ]);
  });

  it('regex stripping from templates', () => {
    assert.deepEqual(translateV1Rule('PathPrefixStripRegex:/users/{id:[0-9]+}'), {
      rule: 'PathRegexp(`^/users/(?:[0-9]+)`)',
      middlewares: [{ stripPrefixRegex: { regex: ['^/users/(?:[0-9]+)'] } }],
    });
    assert.deepEqual(translateV1Rule('PathStripRegex:/v{n:[0-9]}').middlewares, [
      { stripPrefixRegex: { regex: ['^/v(?:[0-9])'] } },
    ]);
  });

  it('AddPrefix, ReplacePath and ReplacePathRegex', () => {
    assert.deepEqual(translateV1Rule('Host:a.com;AddPrefix:/v1'), {
      rule: 'Host(`a.com`)',
      middlewares: [{ addPrefix: { prefix: '/v1' } }],
    });
    assert.deepEqual(translateV1Rule('ReplacePath:/serverless;Host:a.com').middlewares, [
      { replacePath: { path: '/serverless' } },
    ]);
    assert.deepEqual(translateV1Rule('PathPrefix:/api;ReplacePathRegex: ^/api/(.*) /v2/$1').middlewares, [
      { replacePathRegex: { regex: '^/api/(.*)', replacement: '/v2/$1' } },
    ]);
    assert.equal(translateV1Rule('AddPrefix:/v1').rule, 'PathPrefix(`/`)');
  });

  it('orders strip, add, replace whatever the order written', () => {
    const types = translateV1Rule('ReplacePath:/r;AddPrefix:/p;PathPrefixStrip:/s;Host:a').middlewares.map(
      (m) => Object.keys(m)[0],
    );
    assert.deepEqual(types, ['stripPrefix', 'addPrefix', 'replacePath']);
  });
});

describe('translateV1Rule: errors name the part and a fix', () => {
  it('reports unknown matchers with did-you-mean', () => {
    assertV1Error('Hots:a.com', ['v1 rule part "Hots:a.com"', 'unknown matcher "Hots"', 'did you mean "Host"?']);
    assertV1Error('Host:a.com;PathPrefixStrp:/x', ['"PathPrefixStrp:/x"', 'did you mean "PathPrefixStrip"?']);
  });

  it('reports missing colons, values and pairs', () => {
    assertV1Error('Host', ['has no ":"', 'Host:example.com']);
    assertV1Error('Host:', ['has no value', 'Host:example.com']);
    assertV1Error('', ['the v1 rule is empty']);
    assertV1Error('Headers:X-Only', ['name,value pairs', 'Headers:Content-Type,application/json']);
    assertV1Error('Query:mobile', ['must be key=value']);
    assertV1Error('PathPrefix:api', ['does not start with "/"', '"/api"']);
    assertV1Error('ReplacePathRegex:^/a', ['separate the regular expression and the replacement']);
    assertV1Error('PathPrefixStrip:/u/{id}', ['use PathPrefixStripRegex']);
    assertV1Error('Path:/{id', ['unbalanced braces']);
  });

  it('is a ConfigError keyed "rule"', () => {
    assert.throws(
      () => translateV1Rule('Nope:x'),
      (e: unknown) => e instanceof ConfigError && e.key === 'rule',
    );
  });
});

describe('translateV1Rule: values are checked against the v1 text', () => {
  it('reports bad hosts and regexps with the part that holds them', () => {
    assertV1Error('Host:bücher.de;Path:/x', ['v1 rule part "Host:bücher.de"', 'non-ASCII']);
    assertV1Error('Path:/x;HeadersRegexp:X-A,(a', [
      'v1 rule part "HeadersRegexp:X-A,(a"',
      'invalid regular expression',
    ]);
    assertV1Error('PathPrefix:/u/{id:(?=x)}', ['lookaround']);
  });
});
