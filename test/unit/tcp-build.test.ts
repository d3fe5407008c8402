import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTcp } from '../../src/tcp/tcp-build.js';
import { TcpConnectionCounts } from '../../src/tcp/tcp-middlewares.js';
import { TcpServiceBuilder } from '../../src/tcp/tcp-services.js';

test('a router whose service a provider left out is disabled, pointing at that service’s error', () => {
  const portError = 'container "db": port is missing: add the label traefik.tcp.services.db.loadbalancer.server.port';
  const { view, tables } = buildTcp({
    tcp: { routers: { 'db@docker': { rule: 'HostSNI(`*`)', service: 'db' } }, services: {}, middlewares: {} },
    entryPoints: ['edge'],
    defaultEntryPoints: ['edge'],
    counts: new TcpConnectionCounts(),
    objectIssues: new Map([['tcpService:db@docker', [portError]]]),
  });
  assert.equal(view.routers['db@docker']!.status, 'disabled');
  assert.deepEqual(view.routers['db@docker']!.error, ['service "db@docker" is disabled (see its error)']);
  assert.equal(view.services['db@docker']!.status, 'disabled');
  assert.deepEqual(view.services['db@docker']!.error, [portError]);
  assert.equal(tables.get('edge')!.matchPlain('127.0.0.1'), undefined);
});

test('a load balancer hands its terminationDelay to each connection, through weighted services too', () => {
  const builder = new TcpServiceBuilder({
    'db@file': { loadBalancer: { servers: [{ address: '10.0.0.1:5432' }], terminationDelay: 250 } },
    'split@file': { weighted: { services: [{ name: 'db' }] } },
    'plain@file': { loadBalancer: { servers: [{ address: '10.0.0.2:5432' }] } },
  });
  assert.deepEqual(builder.resolve('split@file')(), { host: '10.0.0.1', port: 5432, terminationDelay: 250 });
  assert.deepEqual(builder.resolve('plain@file')(), { host: '10.0.0.2', port: 5432 });
});

test('each route carries its qualified tls.options; httpEntryPoints decide where plain routers may skip the peek', () => {
  const { tables } = buildTcp({
    tcp: {
      routers: {
        'regexp@docker': { rule: 'HostSNIRegexp(`^db`)', service: 'db', tls: { options: 'mtls' } },
        'shared@docker': { rule: 'HostSNI(`x.test`)', service: 'db', tls: { options: 'mtls@file' } },
        'pass@docker': { rule: 'HostSNI(`p.test`)', service: 'db', tls: { passthrough: true, options: 'mtls' } },
        'lan@docker': { rule: 'ClientIP(`10.0.0.0/8`)', service: 'db', entryPoints: ['db', 'web'] },
      },
      services: { 'db@docker': { loadBalancer: { servers: [{ address: '127.0.0.1:1' }] } } },
    },
    entryPoints: ['edge', 'db', 'web'],
    defaultEntryPoints: ['edge'],
    counts: new TcpConnectionCounts(),
    objectIssues: new Map(),
    httpEntryPoints: new Set(['edge', 'web']),
  });
  const edge = tables.get('edge')!;
  const facts = (serverName: string) => ({ serverName, clientIp: '10.0.0.1', alpn: [] });
  assert.equal(edge.matchTls(facts('db1.test'))?.tlsOptions, 'mtls@docker');
  assert.equal(edge.matchTls(facts('x.test'))?.tlsOptions, 'mtls@file');
  assert.equal(edge.matchTls(facts('p.test'))?.tlsOptions, undefined, 'passthrough does not decrypt');
  assert.equal(tables.get('db')!.matchBeforeFirstBytes('10.0.0.1')?.name, 'lan@docker');
  assert.equal(tables.get('web')!.matchBeforeFirstBytes('10.0.0.1'), undefined, 'HTTPS may be meant on web');
  assert.equal(tables.get('web')!.matchPlain('10.0.0.1')?.name, 'lan@docker');
});
