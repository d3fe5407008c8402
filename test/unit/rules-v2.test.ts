import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRule } from '../../src/rules/index.js';
import { assertRuleError, matches } from '../helpers/rules-request.js';

const v2 = (rule: string, parts: Parameters<typeof matches>[1]) => matches(rule, parts, 'v2');

describe('v2 syntax', () => {
  it('takes several arguments, any of which may match', () => {
    assert.equal(v2('Host(`a.com`, `b.com`)', { host: 'b.com' }), true);
    assert.equal(v2('Host(`a.com`, `b.com`)', { host: 'c.com' }), false);
    assert.equal(v2('HostHeader(`a.com`)', { host: 'a.com' }), true);
    assert.equal(v2('Path(`/a`, `/b`)', { path: '/b' }), true);
    assert.equal(v2('PathPrefix(`/a`, `/b`)', { path: '/bc' }), true);
    assert.equal(v2('Method(`get`, `POST`)', { method: 'GET' }), true);
    assert.equal(v2('Method(`PUT`, `POST`)', { method: 'GET' }), false);
    assert.equal(v2('ClientIP(`10.0.0.0/8`, `::1`)', { clientIp: '::1' }), true);
  });

  it('indexes routers by their Host arguments', () => {
    assert.deepEqual(compileRule('Host(`A.com`, `b.com.`, `a.com`)', 'v2').hosts, ['a.com', 'b.com']);
    assert.equal(compileRule('Host(`a.com`, `{x:[a-z]+}.com`)', 'v2').hosts, undefined);
  });

  it('expands gorilla/mux templates in Path, PathPrefix, Host and HostRegexp', () => {
    assert.equal(v2('Path(`/articles/{category}/{id:[0-9]+}`)', { path: '/articles/news/42' }), true);
    assert.equal(v2('Path(`/articles/{category}/{id:[0-9]+}`)', { path: '/articles/news/x' }), false);
    assert.equal(v2('Path(`/articles/{category}/{id:[0-9]+}`)', { path: '/articles/a/b/42' }), false);
    assert.equal(v2('PathPrefix(`/users/{id:[0-9]+}`)', { path: '/users/7/profile' }), true);
    assert.equal(v2('PathPrefix(`/users/{id:[0-9]+}`)', { path: '/users/me' }), false);
    assert.equal(v2('HostRegexp(`{sub:[a-z]+}.example.com`)', { host: 'api.example.com' }), true);
    assert.equal(v2('HostRegexp(`{sub:[a-z]+}.example.com`)', { host: 'api.exampleXcom' }), false);
    assert.equal(v2('HostRegexp(`{sub:[a-z]+}.example.com`)', { host: 'x.api.example.com' }), false);
    assert.equal(v2('HostRegexp(`{sub}.example.com`)', { host: 'a-1.example.com' }), true);
    assert.equal(v2('Host(`{sub:[a-z]+}.example.com`)', { host: 'api.example.com' }), true);
    assert.equal(v2('Path(`/n/{id:[0-9]{2}}`)', { path: '/n/12' }), true);
  });

  it('Headers and HeadersRegexp take pairs that must all match', () => {
    const headers = { 'content-type': 'application/json', 'x-env': 'prod' };
    assert.equal(v2('Headers(`Content-Type`, `application/json`)', { headers }), true);
    assert.equal(v2('Headers(`Content-Type`, `application/json`, `X-Env`, `dev`)', { headers }), false);
    assert.equal(v2('HeadersRegexp(`Content-Type`, `json`, `X-Env`, `^pr`)', { headers }), true);
    assertRuleError('Headers(`Content-Type`)', ['key/value pairs'], 'v2');
  });

  it('Query takes key=value arguments that must all match', () => {
    assert.equal(v2('Query(`mobile=true`)', { query: 'mobile=true' }), true);
    assert.equal(v2('Query(`mobile=true`, `lang=en`)', { query: 'mobile=true' }), false);
    assert.equal(v2('Query(`mobile=true`, `lang=en`)', { query: 'lang=en&mobile=true' }), true);
    assert.equal(v2('Query(`debug=`)', { query: 'debug=1' }), true);
    assert.equal(v2('Query(`id={id:[0-9]+}`)', { query: 'id=12' }), true);
    assert.equal(v2('Query(`id={id:[0-9]+}`)', { query: 'id=12a' }), false);
    assertRuleError('Query(`mobile`)', ['must be key=value'], 'v2');
  });

  it('refuses wildcards and v3-only matchers', () => {
    assertRuleError('Host(`*.example.com`)', ['needs the v3 rule syntax', 'HostRegexp'], 'v2');
    assertRuleError('QueryRegexp(`a`, `b`)', ['exists only in the v3 rule syntax'], 'v2');
    assertRuleError('Path(`/{id`)', ['unbalanced braces'], 'v2');
  });

  it('shares operators and precedence with v3', () => {
    assert.equal(v2('Host(`b`) && Path(`/y`) || Method(`GET`)', { host: 'a', path: '/x' }), true);
    assert.equal(v2('!Host(`a`, `b`)', { host: 'a' }), false);
  });
});
