import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateDynamicConfig } from '../../src/config/dynamic/index.js';
import type { UdpConfig } from '../../src/config/dynamic/types.js';
import { parseListenAddress } from '../../src/runtime/listen-address.js';
import { buildUdp } from '../../src/udp/udp-build.js';

const server = (port: number) => ({ address: `10.0.0.1:${port}` });

function build(udp: UdpConfig, objectIssues = new Map<string, string[]>()) {
  return buildUdp({ udp, udpEntryPoints: ['dns', 'rtp'], allEntryPoints: ['dns', 'rtp', 'web'], objectIssues });
}

test('entry point addresses ending in /udp are UDP; bare and /tcp ones are TCP', () => {
  assert.deepEqual(parseListenAddress(':53/udp', 'k'), { port: 53, protocol: 'udp' });
  assert.deepEqual(parseListenAddress('[::1]:5353/UDP', 'k'), { host: '::1', port: 5353, protocol: 'udp' });
  assert.deepEqual(parseListenAddress('127.0.0.1:53/tcp', 'k'), { host: '127.0.0.1', port: 53, protocol: 'tcp' });
  assert.throws(() => parseListenAddress(':53/sctp', 'entryPoints.x.address'), /":53\/sctp" is not a listen address/);
});

test('a weighted UDP service spreads new sessions by weight, interleaved', () => {
  const { routes, view } = build({
    routers: { 'voice@file': { entryPoints: ['rtp'], service: 'split' } },
    services: {
      'split@file': {
        weighted: {
          services: [
            { name: 'a', weight: 3 },
            { name: 'b', weight: 1 },
          ],
        },
      },
      'a@file': { loadBalancer: { servers: [server(1)] } },
      'b@file': { loadBalancer: { servers: [server(2)] } },
    },
  });
  const route = routes.get('rtp')!;
  const picks = Array.from({ length: 8 }, () => route.balancer.pick()!.port);
  assert.deepEqual(picks, [1, 1, 2, 1, 1, 1, 2, 1]);
  assert.deepEqual([...route.balancer.servers].sort(), ['10.0.0.1:1', '10.0.0.1:2']);
  assert.equal(view.services['split@file']!.type, 'weighted');
  assert.deepEqual(view.services['a@file']!.usedBy, []);
  assert.deepEqual(view.services['split@file']!.usedBy, ['voice@file']);
});

test('a router naming a missing service is disabled with a did-you-mean, the others serve', () => {
  const { routes, view } = build({
    routers: {
      'typo@file': { entryPoints: ['dns'], service: 'resolvr' },
      'good@file': { entryPoints: ['rtp'], service: 'resolver' },
    },
    services: { 'resolver@file': { loadBalancer: { servers: [server(53)] } } },
  });
  assert.equal(view.routers['typo@file']!.status, 'disabled');
  assert.match(
    view.routers['typo@file']!.error![0]!,
    /"resolvr@file" does not exist \(did you mean "resolver@file"\?\)/,
  );
  assert.equal(routes.has('dns'), false);
  assert.equal(routes.get('rtp')?.name, 'good@file');
});

test('each UDP entry point has one router; TCP entry points and unknown names are refused by name', () => {
  const { routes, view } = build({
    routers: {
      'first@file': { service: 'one' },
      'second@file': { entryPoints: ['dns', 'web', 'nowhere'], service: 'one' },
    },
    services: { 'one@file': { loadBalancer: { servers: [server(53)] } } },
  });
  assert.equal(routes.get('dns')?.name, 'first@file');
  assert.equal(routes.get('rtp')?.name, 'first@file', 'without entryPoints a router takes every UDP entry point');
  const second = view.routers['second@file']!;
  assert.equal(second.status, 'disabled');
  assert.match(second.error!.join('\n'), /entryPoint "dns" is already served by UDP router "first@file"/);
  assert.match(
    second.error!.join('\n'),
    /entryPoint "web" is not a UDP entry point; give it an address ending in "\/udp"/,
  );
  assert.match(second.error!.join('\n'), /entryPoint "nowhere" doesn't exist/);
});

test('a weighted service that includes itself is an error naming the key', () => {
  const { view } = build({
    services: { 'loop@file': { weighted: { services: [{ name: 'loop' }] } } },
  });
  assert.match(view.services['loop@file']!.error![0]!, /udp\.services\.loop@file\.weighted\.services.*includes itself/);
});

test('the udp section is validated one object at a time, with the exact key of each mistake', () => {
  const { config, issues } = validateDynamicConfig(
    {
      udp: {
        routers: { ok: { service: 's' }, norule: { rule: 'HostSNI(`*`)', service: 's' }, noservice: {} },
        services: {
          s: { loadBalancer: { servers: [{ address: '10.0.0.1:53' }] } },
          both: { loadBalancer: { servers: [] }, weighted: { services: [] } },
        },
        middlewres: {},
      },
    },
    {},
  );
  assert.deepEqual(Object.keys(config.udp!.routers!), ['ok']);
  assert.deepEqual(Object.keys(config.udp!.services!), ['s']);
  const byKey = Object.fromEntries(issues.map((issue) => [issue.key, issue]));
  assert.match(byKey['udp.routers.norule.rule']!.message, /unknown key/);
  assert.deepEqual(byKey['udp.routers.norule.rule']!.object, { kind: 'udpRouter', name: 'norule' });
  assert.match(byKey['udp.routers.noservice.service']!.message, /is required/);
  assert.match(byKey['udp.services.both']!.message, /exactly one of loadBalancer or weighted/);
  assert.match(byKey['udp.middlewres']!.message, /udp has routers and services/);
});

test('a negative weight from labels disables the weighted UDP service with the key to fix', () => {
  const { routes, view } = build({
    routers: { 'voice@docker': { entryPoints: ['rtp'], service: 'split' } },
    services: {
      'split@docker': { weighted: { services: [{ name: 'a', weight: -1 }] } },
      'a@docker': { loadBalancer: { servers: [server(1)] } },
    },
  });
  assert.equal(routes.get('rtp'), undefined);
  assert.match(
    view.services['split@docker']!.error!.join(' '),
    /services\[0\]\.weight: must be a whole number, 0 or more, not -1/,
  );
});
