import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLabels } from '../../src/providers/labels/decode.js';
import { containersExposing, dockerSnapshot } from '../helpers/labels-workloads.js';

const container = containersExposing(5432);

test('traefik.tcp.* labels decode into TCP routers, services and middlewares with canonical casing', () => {
  const { config, problems, unsupported } = decodeLabels(
    {
      'traefik.tcp.routers.db.rule': 'HostSNI(`db.example.com`)',
      'traefik.tcp.routers.db.entrypoints': 'edge,other',
      'traefik.tcp.routers.db.priority': '7',
      'traefik.tcp.routers.db.middlewares': 'lan,few',
      'traefik.tcp.routers.db.tls.passthrough': 'true',
      'traefik.tcp.routers.db.tls.options': 'modern@file',
      'traefik.tcp.routers.db.tls.domains[0].main': 'db.example.com',
      'traefik.tcp.services.db.loadbalancer.server.port': '5433',
      'traefik.tcp.services.db.loadbalancer.server.tls': 'true',
      'traefik.tcp.services.db.loadbalancer.terminationdelay': '200',
      'traefik.tcp.middlewares.lan.ipallowlist.sourcerange': '10.0.0.0/8, 127.0.0.1/32',
      'traefik.tcp.middlewares.few.inflightconn.amount': '3',
    },
    { defaultName: 'db' },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(unsupported, []);
  assert.deepEqual(config.tcp.routers.db, {
    rule: 'HostSNI(`db.example.com`)',
    entryPoints: ['edge', 'other'],
    priority: 7,
    middlewares: ['lan', 'few'],
    tls: { passthrough: true, options: 'modern@file', domains: [{ main: 'db.example.com' }] },
  });
  assert.deepEqual(config.tcp.services.db, {
    loadBalancer: { server: { port: 5433, tls: true }, terminationDelay: 200 },
  });
  assert.deepEqual(config.tcp.middlewares, {
    lan: { ipAllowList: { sourceRange: ['10.0.0.0/8', '127.0.0.1/32'] } },
    few: { inFlightConn: { amount: 3 } },
  });
});

test('a typo under traefik.tcp gets the same "did you mean" as HTTP labels', () => {
  const cases: [string, string][] = [
    ['traefik.tcp.routers.db.rulee', 'traefik.tcp.routers.db.rule'],
    ['traefik.tcp.routers.db.tls.passtrough', 'traefik.tcp.routers.db.tls.passthrough'],
    ['traefik.tcp.services.db.loadbalancer.server.prot', 'traefik.tcp.services.db.loadBalancer.server.port'],
    ['traefik.tcp.middlewares.m.ipallowlst.sourcerange', 'traefik.tcp.middlewares.m.ipAllowList.sourcerange'],
    ['traefik.tcp.middlewares.m.inflightconn.amont', 'traefik.tcp.middlewares.m.inFlightConn.amount'],
    ['traefik.tcp.ruters.db.rule', 'traefik.tcp.routers.db.rule'],
    ['traefik.tpc.routers.db.rule', 'traefik.tcp.routers.db.rule'],
  ];
  for (const [label, suggestion] of cases) {
    const { problems } = decodeLabels({ [label]: 'x' }, { defaultName: 'db' });
    assert.equal(problems.length, 1, label);
    assert.equal(problems[0]!.label, label);
    assert.equal(problems[0]!.suggestion, suggestion, label);
  }
});

test('proxyProtocol and serversTransport are refused with the reason, not silently dropped', () => {
  const reasons: [string, RegExp][] = [
    ['proxyprotocol.version', /"proxyprotocol" is not supported yet: .*PROXY protocol header; remove the label/],
    ['serverstransport', /"serverstransport" is not supported yet: .*system CAs\); remove the label, and trust/],
  ];
  for (const [key, reason] of reasons) {
    const label = `traefik.tcp.services.db.loadbalancer.${key}`;
    const { problems } = decodeLabels({ [label]: '2' }, { defaultName: 'db' });
    assert.equal(problems.length, 1, label);
    assert.equal(problems[0]!.label, label);
    assert.match(problems[0]!.message, reason);
  }
});

test('a container with only TCP labels gets a TCP service on its port and no HTTP router', () => {
  const { config, issues } = dockerSnapshot([container('db', { 'traefik.tcp.routers.db.rule': 'HostSNI(`*`)' })]);
  assert.deepEqual(issues, []);
  assert.deepEqual(config.http.routers, {});
  assert.deepEqual(config.http.services, {});
  assert.deepEqual(config.tcp, {
    routers: { db: { rule: 'HostSNI(`*`)', service: 'db' } },
    services: { db: { loadBalancer: { servers: [{ address: '172.17.0.2:5432' }] } } },
  });
});

test('HTTP and TCP labels on one container give both; a container without TCP labels gets no tcp section', () => {
  const both = dockerSnapshot([
    container('mixed', {
      'traefik.http.routers.web.rule': 'Host(`web.test`)',
      'traefik.http.services.web.loadbalancer.server.port': '80',
      'traefik.tcp.routers.raw.rule': 'HostSNI(`*`)',
      'traefik.tcp.services.raw.loadbalancer.server.port': '9000',
    }),
  ]);
  assert.deepEqual(Object.keys(both.config.http.routers), ['web']);
  assert.equal(both.config.tcp!.services!.raw!.loadBalancer!.servers[0]!.address, '172.17.0.5:9000');
  assert.equal(dockerSnapshot([container('plain', {})]).config.tcp, undefined);
});

test('TCP servers of one service merge across containers; conflicting TCP routers are disabled', () => {
  const labels = { 'traefik.tcp.routers.db.rule': 'HostSNI(`*`)', 'traefik.tcp.routers.db.service': 'pool' };
  const { config, issues } = dockerSnapshot([
    container('a', { ...labels, 'traefik.tcp.services.pool.loadbalancer.server.port': '1' }),
    container('bb', { ...labels, 'traefik.tcp.services.pool.loadbalancer.server.port': '1' }),
    container('ccc', { 'traefik.tcp.routers.x.rule': 'HostSNI(`*`)', 'traefik.tcp.routers.x.entrypoints': 'a' }),
    container('dddd', { 'traefik.tcp.routers.x.rule': 'HostSNI(`*`)', 'traefik.tcp.routers.x.entrypoints': 'b' }),
  ]);
  assert.deepEqual(
    config.tcp!.services!.pool!.loadBalancer!.servers.map((s) => s.address),
    ['172.17.0.1:1', '172.17.0.2:1'],
  );
  assert.equal(config.tcp!.routers!.x, undefined);
  const conflict = issues.find((issue) => issue.object?.kind === 'tcpRouter');
  assert.ok(conflict);
  assert.match(conflict.message, /TCP router "x" is defined differently by "ccc" and "dddd"/);
});

test('a TCP router without rule, or without service among several, is disabled alone with the label to add', () => {
  const { config, issues } = dockerSnapshot([
    container('db', {
      'traefik.tcp.routers.norule.service': 'a',
      'traefik.tcp.routers.which.rule': 'HostSNI(`*`)',
      'traefik.tcp.routers.fine.rule': 'HostSNI(`*`)',
      'traefik.tcp.routers.fine.service': 'b',
      'traefik.tcp.services.a.loadbalancer.server.port': '1',
      'traefik.tcp.services.b.loadbalancer.server.port': '2',
    }),
  ]);
  assert.deepEqual(Object.keys(config.tcp!.routers!), ['fine']);
  const byRouter = Object.fromEntries(issues.map((issue) => [issue.object?.name, issue]));
  assert.equal(byRouter.norule!.key, 'traefik.tcp.routers.norule.rule');
  assert.match(byRouter.norule!.message, /no rule; add the label traefik\.tcp\.routers\.norule\.rule=HostSNI/);
  assert.equal(byRouter.which!.key, 'traefik.tcp.routers.which.service');
  assert.equal(byRouter.which!.object!.kind, 'tcpRouter');
});

test('a TCP service on a container without port is disabled alone, naming the TCP port label', () => {
  const { config, issues } = dockerSnapshot([
    container('db', { 'traefik.tcp.routers.db.rule': 'HostSNI(`*`)' }, { exposedPorts: [] }),
  ]);
  assert.equal(config.tcp!.services?.db, undefined);
  assert.deepEqual(Object.keys(config.tcp!.routers!), ['db']);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.key, 'traefik.tcp.services.db.loadbalancer.server.port');
  assert.equal(issues[0]!.location, 'container "db"');
  assert.deepEqual(issues[0]!.object, { kind: 'tcpService', name: 'db' });
});

test('a TCP service without port leaves the HTTP routes of its container routed, and the reverse', () => {
  const tcpBroken = dockerSnapshot([
    container(
      'mixed',
      {
        'traefik.http.routers.web.rule': 'Host(`web.test`)',
        'traefik.http.services.web.loadbalancer.server.port': '80',
        'traefik.tcp.routers.raw.rule': 'HostSNI(`*`)',
      },
      { exposedPorts: [] },
    ),
  ]);
  assert.deepEqual(tcpBroken.config.http.services.web, {
    loadBalancer: { servers: [{ url: 'http://172.17.0.5:80' }] },
  });
  assert.deepEqual(Object.keys(tcpBroken.config.http.routers), ['web']);
  assert.deepEqual(
    tcpBroken.issues.map((issue) => issue.object),
    [{ kind: 'tcpService', name: 'mixed' }],
  );

  const httpBroken = dockerSnapshot([
    container(
      'mixed',
      {
        'traefik.http.routers.web.rule': 'Host(`web.test`)',
        'traefik.tcp.routers.raw.rule': 'HostSNI(`*`)',
        'traefik.tcp.services.raw.loadbalancer.server.port': '9000',
      },
      { exposedPorts: [] },
    ),
  ]);
  assert.deepEqual(httpBroken.config.tcp!.services!.raw, {
    loadBalancer: { servers: [{ address: '172.17.0.5:9000' }] },
  });
  assert.deepEqual(httpBroken.config.http.services, {});
  // The router stays, so the runtime shows it disabled beside its service.
  assert.equal(httpBroken.config.http.routers.web!.service, 'mixed');
  assert.equal(httpBroken.issues.length, 1);
  assert.equal(httpBroken.issues[0]!.key, 'traefik.http.services.mixed.loadbalancer.server.port');
  assert.deepEqual(httpBroken.issues[0]!.object, { kind: 'service', name: 'mixed' });
});

test('a replica without port is reported but does not disable the service its siblings serve', () => {
  const tcp = {
    'traefik.tcp.routers.db.rule': 'HostSNI(`*`)',
    'traefik.tcp.services.pool.loadbalancer.server.tls': 'false',
  };
  const http = {
    'traefik.http.routers.web.rule': 'Host(`web.test`)',
    'traefik.http.services.site.loadbalancer.passhostheader': 'true',
  };
  const { config, issues } = dockerSnapshot([
    container('a', tcp),
    container('bb', tcp, { exposedPorts: [] }),
    container('ccc', http),
    container('dddd', http, { exposedPorts: [] }),
  ]);
  assert.deepEqual(
    config.tcp!.services!.pool!.loadBalancer!.servers.map((s) => s.address),
    ['172.17.0.1:5432'],
  );
  assert.deepEqual(
    config.http.services.site!.loadBalancer!.servers.map((s) => s.url),
    ['http://172.17.0.3:5432'],
  );
  assert.equal(config.http.routers.web!.service, 'site');
  assert.deepEqual(
    issues.map((issue) => [issue.location, issue.key, issue.object]),
    [
      ['container "bb"', 'traefik.tcp.services.pool.loadbalancer.server.port', undefined],
      ['container "dddd"', 'traefik.http.services.site.loadbalancer.server.port', undefined],
    ],
  );
  for (const issue of issues)
    assert.match(issue.message, /port is missing: .*; the service is still served by the others/);
});

test('weighted TCP services from labels pass through; UDP labels suppress HTTP', () => {
  const weighted = dockerSnapshot([
    container('w', {
      'traefik.tcp.routers.w.rule': 'HostSNI(`*`)',
      'traefik.tcp.routers.w.service': 'split',
      'traefik.tcp.services.split.weighted.services[0].name': 'a@file',
      'traefik.tcp.services.split.weighted.services[0].weight': '3',
      'traefik.tcp.services.split.weighted.services[1].name': 'b@file',
    }),
  ]);
  assert.deepEqual(weighted.config.tcp!.services!.split, {
    weighted: { services: [{ name: 'a@file', weight: 3 }, { name: 'b@file' }] },
  });
  const udp = dockerSnapshot([container('dns', { 'traefik.udp.services.dns.loadbalancer.server.port': '53' })]);
  assert.deepEqual(udp.config.http.routers, {});
  assert.deepEqual(Object.keys(udp.config.udp?.services ?? {}), ['dns']);
});
