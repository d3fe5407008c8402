import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLabels } from '../../src/providers/labels/decode.js';
import { containersExposing, dockerSnapshot } from '../helpers/labels-workloads.js';

const container = containersExposing(8080);

test('traefik.udp.* labels decode into UDP routers and services, keys in any case', () => {
  const { config, problems, unsupported } = decodeLabels(
    {
      'traefik.udp.routers.dns.entrypoints': 'dns,dns6',
      'traefik.udp.routers.dns.service': 'resolver',
      'traefik.udp.services.resolver.loadbalancer.server.port': '53',
      'traefik.UDP.services.split.weighted.services[0].name': 'resolver',
      'traefik.udp.services.split.weighted.services[0].weight': '3',
    },
    { defaultName: 'dns' },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(unsupported, []);
  assert.deepEqual(config.udp, {
    routers: { dns: { entryPoints: ['dns', 'dns6'], service: 'resolver' } },
    services: {
      resolver: { loadBalancer: { server: { port: 53 } } },
      split: { weighted: { services: [{ name: 'resolver', weight: 3 }] } },
    },
  });
});

test('misspelt or impossible traefik.udp.* labels are problems that say what to write', () => {
  const { problems } = decodeLabels(
    {
      'traefik.udp.routers.dns.rule': 'HostSNI(`*`)',
      'traefik.udp.servics.dns.loadbalancer.server.port': '53',
      'traefik.udp.middlewares.x.ipallowlist.sourcerange': '10.0.0.0/8',
      'traefik.udp.services.dns.loadbalancer.server.port': 'fifty-three',
    },
    { defaultName: 'dns' },
  );
  const byLabel = Object.fromEntries(problems.map((p) => [p.label, p]));
  assert.match(byLabel['traefik.udp.routers.dns.rule']!.message, /unknown key "rule"/);
  assert.equal(
    byLabel['traefik.udp.servics.dns.loadbalancer.server.port']!.suggestion,
    'traefik.udp.services.dns.loadbalancer.server.port',
  );
  assert.match(byLabel['traefik.udp.middlewares.x.ipallowlist.sourcerange']!.message, /UDP has no middlewares/);
  assert.ok(byLabel['traefik.udp.services.dns.loadbalancer.server.port'], 'a port that is not a number is refused');
});

test('a container with UDP labels gets a UDP service per address and no automatic HTTP router', () => {
  const { config, issues } = dockerSnapshot([
    container('dns', {
      'traefik.udp.routers.dns.entrypoints': 'dns',
      'traefik.udp.services.dns.loadbalancer.server.port': '53',
    }),
    container('dns-2', { 'traefik.udp.services.dns.loadbalancer.server.port': '53' }),
  ]);
  assert.deepEqual(issues, []);
  assert.deepEqual(config.http.routers, {});
  assert.deepEqual(config.http.services, {});
  assert.deepEqual(config.udp, {
    routers: { dns: { entryPoints: ['dns'], service: 'dns' } },
    services: { dns: { loadBalancer: { servers: [{ address: '172.17.0.3:53' }, { address: '172.17.0.5:53' }] } } },
  });
});

test('UDP routers without a service label take the only one, named after the container when unlabelled', () => {
  const { config, issues } = dockerSnapshot([container('voice', { 'traefik.udp.routers.rtp.entrypoints': 'rtp' })]);
  assert.deepEqual(issues, []);
  assert.deepEqual(config.udp, {
    routers: { rtp: { entryPoints: ['rtp'], service: 'voice' } },
    services: { voice: { loadBalancer: { servers: [{ address: '172.17.0.5:8080' }] } } },
  });
  const two = dockerSnapshot([
    container('voice', {
      'traefik.udp.routers.rtp.entrypoints': 'rtp',
      'traefik.udp.services.a.loadbalancer.server.port': '1',
      'traefik.udp.services.b.loadbalancer.server.port': '2',
    }),
  ]);
  assert.deepEqual(
    two.issues.map((i) => [i.object, i.key]),
    [[{ kind: 'udpRouter', name: 'rtp' }, 'traefik.udp.routers.rtp.service']],
  );
});

test('a UDP service without a port disables itself alone, with the label to add', () => {
  const { config, issues } = dockerSnapshot([
    container('dns', { 'traefik.udp.routers.dns.service': 'dns' }, { exposedPorts: [] }),
  ]);
  assert.equal(config.udp?.services?.dns, undefined);
  assert.deepEqual(config.udp?.routers, { dns: { service: 'dns' } }, 'its router stays, to be shown disabled');
  assert.deepEqual(issues[0]?.object, { kind: 'udpService', name: 'dns' });
  assert.match(issues[0].message, /traefik\.udp\.services\.dns\.loadbalancer\.server\.port=<port>/);
});
