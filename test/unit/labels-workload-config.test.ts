import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { compileConstraints } from '../../src/providers/docker/constraints.js';
import { compileDefaultRule } from '../../src/providers/docker/default-rule.js';
import { snapshotOf, workloadOptions } from '../../src/providers/docker/docker-provider.js';
import { normalize } from '../../src/providers/docker/normalize.js';
import type { Workload } from '../../src/providers/docker/workload.js';
import type { DockerProviderConfig } from '../../src/config/static/types.js';

function container(name: string, labels: Record<string, string>, extra: Partial<Workload> = {}): Workload {
  return {
    id: `id-${name}`,
    name,
    serviceName: name,
    v1Name: name.replace(/_/g, '-'),
    labels,
    running: true,
    networks: { bridge: [`172.17.0.${name.length}`] },
    hostNetwork: false,
    exposedPorts: [80],
    ...extra,
  };
}

const snapshot = (workloads: Workload[], config: DockerProviderConfig = {}) =>
  snapshotOf(workloads, workloadOptions(config, false, 'docker'));

test('normalize joins runs of letters and digits with dashes', () => {
  assert.equal(normalize('/my_app'), 'my-app');
  assert.equal(normalize('web_test__1'), 'web-test-1');
  assert.equal(normalize('Ünïcode.Name'), 'Ünïcode-Name');
});

test('a container without labels gets a service and a router with the default rule', () => {
  const { config, issues } = snapshot([container('my_app', {})]);
  assert.deepEqual(issues, []);
  assert.deepEqual(config.http.routers, { 'my-app': { rule: 'Host(`my-app`)', service: 'my-app' } });
  assert.deepEqual(config.http.services, {
    'my-app': { loadBalancer: { servers: [{ url: 'http://172.17.0.6:80' }] } },
  });
});

test('the default rule template is configurable; v1 mode uses Host:<name>.<domain>', () => {
  const custom = snapshot([container('web', {})], { defaultRule: 'Host(`{{ .Name | normalize }}.docker.test`)' });
  assert.equal(custom.config.http.routers.web!.rule, 'Host(`web.docker.test`)');
  const v1 = snapshot([container('web', {}, { v1Name: 'web.proj' })], { v1: true, domain: 'docker.localhost' });
  assert.equal(v1.config.http.routers.web!.rule, 'Host(`web.proj.docker.localhost`)');
  const noDomain = snapshot([container('web', {})], { v1: true });
  assert.deepEqual(noDomain.config.http.routers, {});
  assert.throws(() => compileDefaultRule('Host(`{{ .Nmae }}`)'), ConfigError);
});

test('the port label wins, else the lowest exposed port, else an error on that container alone', () => {
  const { config, issues } = snapshot([
    container('a', { 'traefik.http.services.a.loadbalancer.server.port': '9000' }, { exposedPorts: [80, 443] }),
    container('bb', {}, { exposedPorts: [80, 8080] }),
    container('ccc', {}, { exposedPorts: [] }),
  ]);
  assert.equal(config.http.services.a!.loadBalancer!.servers[0]!.url, 'http://172.17.0.1:9000');
  assert.equal(config.http.services.bb!.loadBalancer!.servers[0]!.url, 'http://172.17.0.2:80');
  assert.equal(config.http.services.ccc, undefined);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.location, 'container "ccc"');
  assert.match(issues[0]!.message, /port is missing.*traefik\.http\.services\.ccc\.loadbalancer\.server\.port/);
});

test('the network label or option picks the address; a missing network is an error, never a guess', () => {
  const networks = { front: ['10.1.0.2'], back: ['10.2.0.2'] };
  const picked = snapshot([container('a', { 'traefik.docker.network': 'back' }, { networks })]);
  assert.equal(picked.config.http.services.a!.loadBalancer!.servers[0]!.url, 'http://10.2.0.2:80');
  const option = snapshot([container('a', {}, { networks })], { network: 'front' });
  assert.equal(option.config.http.services.a!.loadBalancer!.servers[0]!.url, 'http://10.1.0.2:80');
  const compose = snapshot([container('a', {}, { networks: { proj_front: ['10.3.0.2'] }, composeProject: 'proj' })], {
    network: 'front',
  });
  assert.equal(compose.config.http.services.a!.loadBalancer!.servers[0]!.url, 'http://10.3.0.2:80');
  const missing = snapshot([container('a', { 'traefik.docker.network': 'nope' }, { networks }), container('b', {})]);
  assert.equal(missing.config.http.services.a, undefined);
  assert.ok(missing.config.http.services.b);
  assert.match(missing.issues[0]!.message, /network "nope".*not one of its networks \(back, front\)/);
  assert.equal(missing.issues[0]!.key, 'traefik.docker.network');
  const host = snapshot([container('h', {}, { networks: { host: [] }, hostNetwork: true })]);
  assert.equal(host.config.http.services.h!.loadBalancer!.servers[0]!.url, 'http://127.0.0.1:80');
});

test('exposedByDefault, traefik.enable and constraints filter containers', () => {
  const workloads = [
    container('on', { 'traefik.enable': 'true', zone: 'public' }),
    container('off', { 'traefik.enable': 'false' }),
    container('plain', { zone: 'private' }),
  ];
  assert.deepEqual(Object.keys(snapshot(workloads).config.http.routers).sort(), ['on', 'plain']);
  assert.deepEqual(Object.keys(snapshot(workloads, { exposedByDefault: false }).config.http.routers), ['on']);
  const constrained = snapshot(workloads, { constraints: 'Label(`zone`, `public`) || LabelRegex(`zone`, `^pri`)' });
  assert.deepEqual(Object.keys(constrained.config.http.routers).sort(), ['on', 'plain']);
});

test('constraints: precedence, negation, parentheses and errors', () => {
  const c = compileConstraints('!Label(`a`, `1`) && (Label(`b`, `2`) || LabelRegex(`c`, `x+`))');
  assert.equal(c({ b: '2' }), true);
  assert.equal(c({ a: '1', b: '2' }), false);
  assert.equal(c({ c: 'axxb' }), true);
  assert.equal(c({}), false);
  assert.equal(compileConstraints('Label(`a`,`1`) || Label(`b`,`2`) && Label(`c`,`3`)')({ a: '1' }), true);
  assert.throws(() => compileConstraints('Label(`a`)'), /Label takes 2 arguments, not 1/);
  assert.throws(
    () => compileConstraints('Host(`a`)'),
    /unknown matcher "Host" \(use Label, LabelRegex, Tag, TagRegex\)/,
  );
});

test('stopped and unhealthy containers are dropped', () => {
  const { config } = snapshot([
    container('up', {}),
    container('down', {}, { running: false }),
    container('sick', {}, { health: 'unhealthy' }),
    container('starting', {}, { health: 'starting' }),
    container('fine', {}, { health: 'healthy' }),
  ]);
  assert.deepEqual(Object.keys(config.http.services).sort(), ['fine', 'up']);
});

test('containers of one service merge into one load balancer', () => {
  const labels = { 'traefik.backend': 'webapp', 'traefik.port': '80', 'traefik.frontend.rule': 'Host:web.joinc.priv' };
  const { config, issues } = snapshot([container('w1', labels), container('w22', labels)]);
  assert.deepEqual(issues, []);
  assert.deepEqual(config.http.routers.webapp, { rule: 'Host(`web.joinc.priv`)', service: 'webapp' });
  assert.deepEqual(
    config.http.services.webapp!.loadBalancer!.servers.map((server) => server.url),
    ['http://172.17.0.2:80', 'http://172.17.0.3:80'],
  );
});

test('conflicting routers are disabled with an error naming both containers; others unaffected', () => {
  const { config, issues } = snapshot([
    container('one', { 'traefik.http.routers.r.rule': 'Host(`a`)', 'traefik.http.routers.r.service': 'one' }),
    container('two', { 'traefik.http.routers.r.rule': 'Host(`b`)', 'traefik.http.routers.r.service': 'two' }),
    container('three', {}),
  ]);
  assert.equal(config.http.routers.r, undefined);
  assert.ok(config.http.routers.three);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /router "r" is defined differently by "one" and "two"/);
  assert.deepEqual(issues[0]!.object, { kind: 'router', name: 'r' });
});

test('a label typo disables that container only, naming label, container and closest key', () => {
  const { config, issues } = snapshot([
    container('typo', { 'traefik.http.routers.x.rulee': 'Host(`x`)' }),
    container('fine', {}),
  ]);
  assert.deepEqual(Object.keys(config.http.routers), ['fine']);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.key, 'traefik.http.routers.x.rulee');
  assert.equal(issues[0]!.location, 'container "typo"');
  assert.match(issues[0]!.message, /did you mean "traefik\.http\.routers\.x\.rule"\?/);
});

test('a router without service is linked to the only service; with several services it is an error', () => {
  const one = snapshot([container('a', { 'traefik.http.routers.r.rule': 'Host(`a`)' })]);
  assert.equal(one.config.http.routers.r!.service, 'a');
  const two = snapshot([
    container('a', {
      'traefik.http.routers.r.rule': 'Host(`a`)',
      'traefik.http.services.s1.loadbalancer.server.port': '1',
      'traefik.http.services.s2.loadbalancer.server.port': '2',
    }),
  ]);
  assert.equal(two.config.http.routers.r, undefined);
  assert.match(two.issues[0]!.message, /router "r" names no service/);
});

test('allownonrunning keeps the router of a stopped container with an empty service; allowEmptyServices keeps unhealthy ones', () => {
  const stopped = snapshot([container('st', { 'traefik.docker.allownonrunning': 'true' }, { running: false })]);
  assert.deepEqual(stopped.config.http.routers.st, { rule: 'Host(`st`)', service: 'st' });
  assert.deepEqual(stopped.config.http.services.st, { loadBalancer: { servers: [] } });
  const sick = snapshot([container('sick', {}, { health: 'unhealthy' })], { allowEmptyServices: true });
  assert.deepEqual(sick.config.http.services.sick, { loadBalancer: { servers: [] } });
});

test('useBindPortIP routes to the published host address when it is specific', () => {
  const bindings = { 80: { hostIp: '127.0.0.1', hostPort: 18080 } };
  const { config } = snapshot([container('pub', {}, { bindings })], { useBindPortIP: true });
  assert.equal(config.http.services.pub!.loadBalancer!.servers[0]!.url, 'http://127.0.0.1:18080');
});
