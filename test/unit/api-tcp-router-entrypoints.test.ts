import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTcp } from '../../src/tcp/tcp-build.js';
import { TcpConnectionCounts } from '../../src/tcp/tcp-middlewares.js';

// Traefik fills a router's missing entryPoints with the defaults; /api/tcp/routers shows them.
test('a TCP router without entryPoints shows the default ones it was attached to; written ones stay', () => {
  const { view } = buildTcp({
    tcp: {
      routers: {
        'any@file': { rule: 'HostSNI(`*`)', service: 'db' },
        'named@file': { rule: 'HostSNI(`*`)', service: 'db', entryPoints: ['db', 'gone'] },
      },
      services: { 'db@file': { loadBalancer: { servers: [{ address: '127.0.0.1:1' }] } } },
    },
    entryPoints: ['edge', 'db', 'traefik'],
    defaultEntryPoints: ['edge', 'db'],
    counts: new TcpConnectionCounts(),
    objectIssues: new Map(),
  });
  assert.deepEqual(view.routers['any@file']!.entryPoints, ['edge', 'db']);
  assert.deepEqual(view.routers['any@file']!.using, ['edge', 'db']);
  assert.deepEqual(view.routers['named@file']!.entryPoints, ['db', 'gone']);
  assert.deepEqual(view.routers['named@file']!.using, ['db']);
});
