import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLabels } from '../../src/providers/labels/decode.js';

const decode = (labels: Record<string, string>, labelPrefix?: string) =>
  decodeLabels(labels, { defaultName: 'app', labelPrefix });

test('v3 routers, services and middlewares with canonical casing and typed values', () => {
  const { config, problems } = decode({
    'traefik.enable': 'true',
    'traefik.http.routers.api.rule': 'Host(`api.test`) && PathPrefix(`/v1`)',
    'traefik.http.routers.api.middlewares': 'strip@docker, auth',
    'traefik.http.routers.api.entrypoints': 'web,websecure',
    'traefik.http.routers.api.priority': '42',
    'traefik.http.routers.api.tls.domains[0].main': 'api.test',
    'traefik.http.routers.api.tls.domains[0].sans': 'a.api.test,b.api.test',
    'traefik.http.middlewares.strip.stripprefix.prefixes': '/v1,/v2',
    'traefik.http.middlewares.strip.stripprefix.forceslash': 'false',
    'traefik.http.middlewares.h.headers.customrequestheaders.X-Script-Name': 'test',
    'traefik.http.middlewares.rl.ratelimit.sourcecriterion.ipstrategy.depth': '2',
    'traefik.http.services.api.loadbalancer.server.port': '8080',
    'traefik.http.services.api.loadbalancer.passhostheader': 'FALSE',
    'traefik.http.services.api.loadbalancer.healthcheck.path': '/health',
    'traefik.http.services.api.loadbalancer.healthcheck.interval': '2s',
    'traefik.http.services.api.loadbalancer.healthcheck.headers.X-Probe': 'yes',
    'traefik.http.services.api.loadbalancer.sticky.cookie': 'true',
    'traefik.http.services.api.loadbalancer.sticky.cookie.httponly': 'true',
    'traefik.http.services.api.loadbalancer.sticky.cookie.name': 'sid',
  });
  assert.deepEqual(problems, []);
  assert.equal(config.enable, true);
  assert.deepEqual(config.routers.api, {
    rule: 'Host(`api.test`) && PathPrefix(`/v1`)',
    middlewares: ['strip@docker', 'auth'],
    entryPoints: ['web', 'websecure'],
    priority: 42,
    tls: { domains: [{ main: 'api.test', sans: ['a.api.test', 'b.api.test'] }] },
  });
  assert.deepEqual(config.middlewares, {
    strip: { stripPrefix: { prefixes: ['/v1', '/v2'], forceSlash: false } },
    h: { headers: { customRequestHeaders: { 'X-Script-Name': 'test' } } },
    rl: { rateLimit: { sourceCriterion: { ipStrategy: { depth: 2 } } } },
  });
  assert.deepEqual(config.services.api, {
    loadBalancer: {
      server: { port: 8080 },
      passHostHeader: false,
      healthCheck: { path: '/health', interval: '2s', headers: { 'X-Probe': 'yes' } },
      sticky: { cookie: { httpOnly: true, name: 'sid' } },
    },
  });
});

test('a typo names the label and the closest valid key', () => {
  const cases: [string, string][] = [
    ['traefik.http.routers.x.rulee', 'traefik.http.routers.x.rule'],
    ['traefik.http.services.x.loadbalancer.healthcheck.pth', 'traefik.http.services.x.loadBalancer.healthCheck.path'],
    ['traefik.http.services.x.loadbalancer.server.prot', 'traefik.http.services.x.loadBalancer.server.port'],
    ['traefik.http.middlewares.x.stripprefixx.prefixes', 'traefik.http.middlewares.x.stripPrefix.prefixes'],
    ['traefik.http.router.x.rule', 'traefik.http.routers.x.rule'],
    ['traefik.htp.routers.x.rule', 'traefik.http.routers.x.rule'],
    ['traefik.enabel', 'traefik.enable'],
    ['traefik.frontend.rulle', 'traefik.frontend.rule'],
    ['traefik.docker.netwrk', 'traefik.docker.network'],
  ];
  for (const [label, suggestion] of cases) {
    const { problems } = decode({ [label]: 'x' });
    assert.equal(problems.length, 1, label);
    assert.equal(problems[0]!.label, label);
    assert.equal(problems[0]!.suggestion, suggestion, label);
  }
});

test('bad values are problems naming the key', () => {
  const { problems } = decode({ 'traefik.http.services.s.loadbalancer.server.port': 'eighty' });
  assert.match(problems[0]!.message, /"port" must be an integer, not "eighty"/);
  const flags = decode({ 'traefik.enable': 'yes' });
  assert.match(flags.problems[0]!.message, /true or false/);
});

test('object names with "@" are problems naming the label; the other objects still decode', () => {
  for (const protocol of ['http', 'tcp', 'udp']) {
    const label = `traefik.${protocol}.routers.a@b.service`;
    const { config, problems } = decode({ [label]: 'x', [`traefik.${protocol}.routers.good.service`]: 'x' });
    assert.equal(problems.length, 1, protocol);
    assert.equal(problems[0]!.label, label);
    assert.match(problems[0]!.message, /"a@b" is not a valid name: names may not be empty or contain "@"/);
    // HTTP objects sit at the top of the decoded configuration, as in Traefik's dynamic configuration.
    const sections = config as unknown as Record<string, { routers: object }>;
    const routers = protocol === 'http' ? config.routers : sections[protocol]!.routers;
    assert.deepEqual(Object.keys(routers), ['good'], protocol);
  }
});

test('unknown options under a known middleware type are kept as written for the runtime to check', () => {
  const { config, problems } = decode({ 'traefik.http.middlewares.k.apikey.headerName': 'X-Key' });
  assert.deepEqual(problems, []);
  assert.deepEqual(config.middlewares.k, { apiKey: { headerName: 'X-Key' } });
});

test('a middleware with two types is a problem', () => {
  const { problems } = decode({
    'traefik.http.middlewares.m.stripprefix.prefixes': '/a',
    'traefik.http.middlewares.m.addprefix.prefix': '/b',
  });
  assert.match(problems[0]!.message, /one type/);
});

test('the configured prefix replaces traefik., and portier. is always read', () => {
  const { config } = decode(
    {
      'traefik.http.routers.ignored.rule': 'Host(`a`)',
      'edge.http.routers.r.rule': 'Host(`b`)',
      'portier.http.routers.p.rule': 'Host(`c`)',
      'portier.test': '1',
    },
    'edge',
  );
  assert.deepEqual(Object.keys(config.routers).sort(), ['p', 'r']);
});

test('unrelated labels and unknown multi-part keys are ignored, TLS-store labels reported as unsupported', () => {
  const decoded = decode({
    'com.docker.compose.service': 'web',
    'traefik.wrong.label': 'x',
    'traefik.tls.stores.default.defaultcertificate.certfile': 'a.crt',
    'traefik.docker.network': 'front',
    'traefik.swarm.lbswarm': 'true',
  });
  assert.deepEqual(decoded.problems, []);
  assert.deepEqual(decoded.unsupported, ['traefik.tls.stores.default.defaultcertificate.certfile']);
  assert.equal(decoded.config.network, 'front');
  assert.equal(decoded.config.lbSwarm, true);
});
