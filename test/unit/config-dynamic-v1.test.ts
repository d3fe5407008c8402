import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateDynamicConfig } from '../../src/config/dynamic/index.js';
import { parseConfigText } from '../../src/config/source/index.js';

function validate(text: string) {
  const source = parseConfigText(text, 'rules.toml');
  return validateDynamicConfig(source.data, { location: source.locate });
}

describe('v1 dynamic configuration ([backends] and [frontends])', () => {
  it('translates backends to services and frontends to routers, routes ANDed', () => {
    const { config, issues } = validate(`
[backends]
  [backends.backend1]
    [backends.backend1.servers.server0]
    url = "http://10.10.10.1:80"
    weight = 1
    [backends.backend1.servers.server1]
    url = "http://10.10.10.2:80"
    weight = 2
    [backends.backend1.loadBalancer]
    method = "drr"
      [backends.backend1.loadBalancer.stickiness]
      cookieName = "sticky"
    [backends.backend1.healthCheck]
    path = "/health"
    interval = "10s"

[frontends]
  [frontends.frontend1]
  entryPoints = ["http"]
  backend = "backend1"
  passHostHeader = true
  priority = 42
    [frontends.frontend1.routes.route0]
    rule = "Host:test.localhost"
    [frontends.frontend1.routes.route1]
    rule = "PathPrefixStrip:/api"
`);
    assert.deepEqual(issues, []);
    assert.deepEqual(config.http.services, {
      backend1: {
        loadBalancer: {
          servers: [
            { url: 'http://10.10.10.1:80', weight: 1 },
            { url: 'http://10.10.10.2:80', weight: 2 },
          ],
          sticky: { cookie: { name: 'sticky' } },
          healthCheck: { path: '/health', interval: '10s' },
          passHostHeader: true,
        },
      },
    });
    const router = config.http.routers.frontend1;
    assert.ok(router);
    assert.equal(router.service, 'backend1');
    assert.deepEqual(router.entryPoints, ['http']);
    assert.equal(router.priority, 42);
    assert.match(router.rule, /Host\(`test\.localhost`\)/);
    assert.match(router.rule, /PathPrefix\(`\/api`\)/);
    assert.match(router.rule, /&&/);
    assert.deepEqual(router.middlewares, ['frontend1-stripprefix']);
    assert.deepEqual(config.http.middlewares['frontend1-stripprefix'], { stripPrefix: { prefixes: ['/api'] } });
  });

  it('keeps v1 passHostHeader=false as the default and splits a backend used both ways', () => {
    const { config } = validate(`
[backends.b.servers.s]
url = "http://127.0.0.1:1"
[frontends.a]
backend = "b"
[frontends.a.routes.r]
rule = "Host:a.com"
[frontends.c]
backend = "b"
passHostHeader = true
[frontends.c.routes.r]
rule = "Host:c.com"
`);
    assert.equal(config.http.services.b?.loadBalancer?.passHostHeader, false);
    assert.equal(config.http.services['b-passhostheader-true']?.loadBalancer?.passHostHeader, true);
    assert.equal(config.http.routers.c?.service, 'b-passhostheader-true');
  });

  it('turns basic auth and whitelists into middlewares, before the rule modifiers', () => {
    const { config } = validate(`
[frontends.f]
backend = "b"
basicAuth = ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]
whitelistSourceRange = ["10.0.0.0/8"]
[frontends.f.routes.r]
rule = "PathPrefixStrip:/x"
`);
    assert.deepEqual(config.http.routers.f?.middlewares, ['f-ipallowlist', 'f-basicauth', 'f-stripprefix']);
    assert.deepEqual(config.http.middlewares['f-basicauth'], {
      basicAuth: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'] },
    });
  });

  it('translates v1 header options to v3 names, SSLRedirect to a redirect', () => {
    const { config, issues } = validate(`
[frontends.f]
backend = "b"
[frontends.f.routes.r]
rule = "Host:a.com"
[frontends.f.headers]
SSLRedirect = true
STSSeconds = 315360000
BrowserXSSFilter = true
SSLHost = "a.com"
[frontends.f.headers.customResponseHeaders]
X-Custom = "1"
`);
    assert.deepEqual(config.http.routers.f?.middlewares, ['f-redirectscheme', 'f-headers']);
    assert.deepEqual(config.http.middlewares['f-redirectscheme'], {
      redirectScheme: { scheme: 'https', permanent: true },
    });
    assert.deepEqual(config.http.middlewares['f-headers'], {
      headers: { stsSeconds: 315360000, browserXssFilter: true, customResponseHeaders: { 'X-Custom': '1' } },
    });
    assert.deepEqual(
      issues.map((issue) => [issue.key, issue.message]),
      [['frontends.f.headers.SSLHost', 'v1 header option "SSLHost" has no v3 equivalent; it is ignored']],
    );
  });

  it('isolates a broken frontend or backend, with location and hint', () => {
    const { config, issues } = validate(`
[backends.good.servers.s]
url = "http://127.0.0.1:1"
[backends.bad.servers.s]
ulr = "http://127.0.0.1:2"
[frontends.ok]
backend = "good"
[frontends.ok.routes.r]
rule = "Host:ok.com"
[frontends.broken]
backend = "good"
[frontends.broken.routes.r]
rule = "Hots:x.com"
`);
    assert.deepEqual(Object.keys(config.http.services), ['good']);
    assert.deepEqual(Object.keys(config.http.routers), ['ok']);
    const bad = issues.find((issue) => issue.object?.name === 'bad');
    assert.deepEqual(bad && [bad.key, bad.location, bad.message, bad.object?.kind], [
      'backends.bad.servers.s.ulr',
      'rules.toml:5:1',
      'unknown key "ulr" (did you mean "url"?)',
      'service',
    ]);
    const broken = issues.find((issue) => issue.object?.name === 'broken');
    assert.equal(broken?.object?.kind, 'router');
    assert.equal(broken?.location, 'rules.toml:10:1');
    assert.match(broken?.message ?? '', /Hots/);
  });

  it('ignores the static keys of a v1 file that holds its own rules (empty [file])', () => {
    const { config, issues } = validate(`
port = ":80"
debug = true
[web]
address = ":8080"
[file]
[backends.b.servers.s]
url = "http://127.0.0.1:1"
`);
    assert.deepEqual(issues, []);
    assert.deepEqual(Object.keys(config.http.services), ['b']);
  });
});
