import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLabels } from '../../src/providers/labels/decode.js';

const decode = (labels: Record<string, string>) => decodeLabels(labels, { defaultName: 'my-app' });

test('the classic v1 guide labels: backend, port, Host rule', () => {
  const { config, problems } = decode({
    'traefik.backend': 'webapp',
    'traefik.port': '80',
    'traefik.frontend.rule': 'Host:web.joinc.priv',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(config.routers, { webapp: { service: 'webapp', rule: 'Host(`web.joinc.priv`)' } });
  assert.deepEqual(config.services, { webapp: { loadBalancer: { server: { port: 80 } } } });
  assert.deepEqual(config.middlewares, {});
});

test('PathPrefixStrip becomes a stripPrefix middleware on the router', () => {
  const { config } = decode({ 'traefik.frontend.rule': 'PathPrefixStrip:/music' });
  const router = config.routers['my-app']!;
  assert.equal(router.rule, 'PathPrefix(`/music`)');
  assert.equal(router.service, 'my-app');
  assert.deepEqual(
    router.middlewares!.map((name) => config.middlewares[name]),
    [{ stripPrefix: { prefixes: ['/music'] } }],
  );
});

test('frontend and backend options map to v3 middlewares and load-balancer options', () => {
  const { config, problems } = decode({
    'traefik.backend': 'api',
    'traefik.protocol': 'https',
    'traefik.weight': '3',
    'traefik.frontend.rule': 'Host:api.example.com',
    'traefik.frontend.entryPoints': 'http,https',
    'traefik.frontend.priority': '10',
    'traefik.frontend.passHostHeader': 'false',
    'traefik.frontend.auth.basic.users': 'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/,test2:x',
    'traefik.frontend.redirect.entryPoint': 'https',
    'traefik.frontend.whiteList.sourceRange': '10.0.0.0/8, 192.168.0.0/16',
    'traefik.frontend.headers.customRequestHeaders': 'X-A:1||X-B:2',
    'traefik.frontend.headers.STSSeconds': '300',
    'traefik.backend.loadbalancer.stickiness': 'true',
    'traefik.backend.loadbalancer.stickiness.cookieName': 'lb',
    'traefik.backend.healthcheck.path': '/health',
    'traefik.backend.healthcheck.interval': '5s',
    'traefik.backend.maxconn.amount': '10',
  });
  assert.deepEqual(problems, []);
  const router = config.routers.api!;
  assert.deepEqual(router.entryPoints, ['http', 'https']);
  assert.equal(router.priority, 10);
  assert.deepEqual(router.middlewares, [
    'api-redirect',
    'api-ipallowlist',
    'api-basicauth',
    'api-headers',
    'api-maxconn',
  ]);
  assert.deepEqual(config.middlewares['api-redirect'], { redirectScheme: { scheme: 'https' } });
  assert.deepEqual(config.middlewares['api-ipallowlist'], {
    ipAllowList: { sourceRange: ['10.0.0.0/8', '192.168.0.0/16'] },
  });
  assert.deepEqual(config.middlewares['api-basicauth'], {
    basicAuth: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', 'test2:x'] },
  });
  assert.deepEqual(config.middlewares['api-headers'], {
    headers: { stsSeconds: 300, customRequestHeaders: { 'X-A': '1', 'X-B': '2' } },
  });
  assert.deepEqual(config.middlewares['api-maxconn'], { inFlightReq: { amount: 10 } });
  assert.deepEqual(config.services.api, {
    loadBalancer: {
      server: { scheme: 'https', weight: 3 },
      passHostHeader: false,
      sticky: { cookie: { name: 'lb' } },
      healthCheck: { path: '/health', interval: '5s' },
    },
  });
});

test('a bad v1 rule is a problem on traefik.frontend.rule', () => {
  const { problems } = decode({ 'traefik.frontend.rule': 'Hots:a.com' });
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.label, 'traefik.frontend.rule');
});

test('no rule: the router waits for the provider default rule', () => {
  const { config } = decode({ 'traefik.port': '8080', 'traefik.domain': 'example.org' });
  assert.equal(config.routers['my-app']!.rule, undefined);
  assert.deepEqual(config.v1, { domain: 'example.org' });
});

test('v1 segments: one router and service per segment, with typos under a segment reported', () => {
  const { config, problems } = decode({
    'traefik.web.port': '80',
    'traefik.web.frontend.rule': 'Host:www.example.com',
    'traefik.admin.port': '9000',
    'traefik.admin.backend': 'admin',
    'traefik.admin.frontend.rule': 'Host:admin.example.com',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(config.routers, {
    'my-app-web': { service: 'my-app-web', rule: 'Host(`www.example.com`)' },
    admin: { service: 'admin', rule: 'Host(`admin.example.com`)' },
  });
  assert.deepEqual(config.services['my-app-web'], { loadBalancer: { server: { port: 80 } } });
  assert.deepEqual(config.services.admin, { loadBalancer: { server: { port: 9000 } } });
  const typo = decode({ 'traefik.web.frontend.rul': 'Host:a' });
  assert.equal(typo.problems[0]!.suggestion, 'traefik.web.frontend.rule');
});
