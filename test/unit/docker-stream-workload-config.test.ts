import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Endpoints, StreamBuildContext } from '../../src/providers/docker/stream-workload-config.js';
import { buildTcpConfig } from '../../src/providers/docker/tcp-workload-config.js';
import { buildUdpConfig } from '../../src/providers/docker/udp-workload-config.js';
import { WorkloadProblem } from '../../src/providers/docker/workload-problem.js';

/** Two addresses on the given port; without one, the problem the Docker provider reports. */
const endpoints: Endpoints = (port, portLabel) => {
  if (port === undefined) throw new WorkloadProblem(`no port; add the label ${portLabel}=<port>`, portLabel);
  return [`10.0.0.1:${port}`, `10.0.0.2:${port}`];
};
const context: StreamBuildContext = { defaultName: 'app', where: 'container "app"', endpoints, labelPrefix: 'edge' };

test('TCP and UDP labels build services and pick router services the same way, each in its own words', () => {
  const services = {
    both: { loadBalancer: { server: { port: 1 } }, weighted: { services: [{ name: 'lb' }] } },
    split: { weighted: { services: [{ name: 'lb', weight: 2 }] } },
    lb: { loadBalancer: { server: { port: 53 } } },
    portless: { loadBalancer: {} },
  };
  const tcp = buildTcpConfig({ routers: { r: { rule: 'HostSNI(`*`)' } }, services, middlewares: {} }, context);
  const udp = buildUdpConfig({ routers: { r: {} }, services }, context);
  for (const [protocol, built] of [
    ['tcp', tcp],
    ['udp', udp],
  ] as const) {
    const upper = protocol.toUpperCase();
    assert.deepEqual(Object.keys(built.config.services ?? {}), ['split', 'lb'], protocol);
    assert.deepEqual(built.config.services?.split, { weighted: { services: [{ name: 'lb', weight: 2 }] } });
    assert.deepEqual(built.config.routers, {}, `${protocol}: no router without a service to pick`);
    assert.deepEqual(built.issues, [
      {
        message: `a ${upper} service is either a loadBalancer or weighted, not both; remove one set of labels`,
        key: `edge.${protocol}.services.both.weighted`,
        location: 'container "app"',
        object: { kind: `${protocol}Service`, name: 'both' },
      },
      {
        message: `no port; add the label edge.${protocol}.services.portless.loadbalancer.server.port=<port>`,
        key: `edge.${protocol}.services.portless.loadbalancer.server.port`,
        location: 'container "app"',
        object: { kind: `${protocol}Service`, name: 'portless' },
      },
      {
        message: `${upper} router "r" names no service and the labels define 4; add the label edge.${protocol}.routers.r.service`,
        key: `edge.${protocol}.routers.r.service`,
        location: 'container "app"',
        object: { kind: `${protocol}Router`, name: 'r' },
      },
    ]);
  }
});

test('a TCP load balancer keeps its options and server TLS; a UDP one has plain servers', () => {
  const tcp = buildTcpConfig(
    {
      routers: { db: { rule: 'HostSNI(`*`)' } },
      services: { db: { loadBalancer: { terminationDelay: 100, server: { port: 5432, tls: true } } } },
      middlewares: {},
    },
    context,
  );
  assert.deepEqual(tcp.config.services?.db, {
    loadBalancer: {
      terminationDelay: 100,
      servers: [
        { address: '10.0.0.1:5432', tls: true },
        { address: '10.0.0.2:5432', tls: true },
      ],
    },
  });
  assert.deepEqual(tcp.config.routers?.db, { rule: 'HostSNI(`*`)', service: 'db' });
  const udp = buildUdpConfig(
    { routers: { dns: { entryPoints: ['dns'] } }, services: {} },
    {
      ...context,
      endpoints: (_port, label) => endpoints(53, label),
    },
  );
  assert.deepEqual(udp.config, {
    routers: { dns: { entryPoints: ['dns'], service: 'app' } },
    services: { app: { loadBalancer: { servers: [{ address: '10.0.0.1:53' }, { address: '10.0.0.2:53' }] } } },
  });
  assert.deepEqual(udp.issues, []);
});
