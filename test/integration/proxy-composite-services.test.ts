import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import type { ServiceConfig } from '../../src/config/dynamic/types.js';
import { buildService } from '../../src/services/build-service.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import type { Service } from '../../src/services/types.js';
import {
  send,
  startNamedUpstream,
  startProxy,
  startUpstream,
  closedAfterTests,
  testDeps,
  waitFor,
} from '../helpers/proxy-harness.js';

const deps = testDeps();
const track = closedAfterTests(() => deps.close());

/** Builds several services that refer to each other by name, as the runtime's resolver does. */
function buildAll(configs: Record<string, ServiceConfig>): Record<string, Service> {
  const built: Record<string, Service> = {};
  const withResolver: ServiceDeps = {
    ...deps,
    resolveService: (name) => {
      const config = configs[name];
      if (!config) throw new ConfigError(`the service "${name}" does not exist`);
      return (built[name] ??= buildService(name, config, withResolver));
    },
  };
  for (const name of Object.keys(configs)) withResolver.resolveService(name);
  return built;
}

function count(bodies: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const body of bodies) counts[body] = (counts[body] ?? 0) + 1;
  return counts;
}

test('weighted spreads requests over child services by weight, sticky when asked', async () => {
  const blue = await track(startNamedUpstream('blue'));
  const green = await track(startNamedUpstream('green'));
  const services = buildAll({
    blue: { loadBalancer: { servers: [{ url: blue.url }] } },
    green: { loadBalancer: { servers: [{ url: green.url }] } },
    canary: {
      weighted: {
        services: [
          { name: 'blue', weight: 4 },
          { name: 'green', weight: 1 },
        ],
      },
    },
    pinned: { weighted: { services: [{ name: 'blue' }, { name: 'green' }], sticky: { cookie: { name: 'color' } } } },
    none: { weighted: { services: [{ name: 'blue', weight: 0 }] } },
  });
  const canary = await track(startProxy(services.canary!.handle));
  const bodies: string[] = [];
  for (let i = 0; i < 20; i++) bodies.push((await send(canary.url)).body);
  assert.deepEqual(count(bodies), { blue: 16, green: 4 });

  const pinned = await track(startProxy(services.pinned!.handle));
  const first = await send(pinned.url);
  const cookie = String(first.headers['set-cookie']).split(';')[0]!;
  assert.match(cookie, /^color=[0-9a-f]{16}$/);
  for (let i = 0; i < 4; i++) assert.equal((await send(pinned.url, { headers: { cookie } })).body, first.body);

  const none = await track(startProxy(services.none!.handle));
  assert.equal((await send(none.url)).status, 503);
  assert.equal(services.none!.isAvailable(), false);
});

test('mirroring answers from the main service and copies percent% of requests, body included', async () => {
  const main = await track(startNamedUpstream('main'));
  const copies: { method: string; url: string; body: string }[] = [];
  const mirror = await track(
    startUpstream((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += String(c)));
      req.on('end', () => {
        copies.push({ method: req.method!, url: req.url!, body });
        res.writeHead(500).end('mirror answers are dropped');
      });
    }),
  );
  const services = buildAll({
    main: { loadBalancer: { servers: [{ url: main.url }] } },
    shadow: { loadBalancer: { servers: [{ url: mirror.url }] } },
    half: { mirroring: { service: 'main', mirrors: [{ name: 'shadow', percent: 50 }] } },
    small: { mirroring: { service: 'main', mirrors: [{ name: 'shadow', percent: 100 }], maxBodySize: 4 } },
    bodiless: { mirroring: { service: 'main', mirrors: [{ name: 'shadow', percent: 100 }], mirrorBody: false } },
  });
  const half = await track(startProxy(services.half!.handle));
  for (let i = 0; i < 10; i++) {
    const answer = await send(half.url, { method: 'POST', path: `/n/${i}?q=1`, body: `body-${i}` });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'main');
  }
  await waitFor(() => copies.length === 5);
  assert.ok(copies.every((c) => c.method === 'POST' && c.body === c.url.replace('/n/', 'body-').replace('?q=1', '')));

  const small = await track(startProxy(services.small!.handle));
  copies.length = 0;
  assert.equal((await send(small.url, { method: 'POST', body: 'tiny' })).body, 'main');
  assert.equal((await send(small.url, { method: 'POST', body: 'far too large for the mirror' })).body, 'main');
  await waitFor(() => copies.length === 1);
  assert.equal(copies[0]!.body, 'tiny');

  const bodiless = await track(startProxy(services.bodiless!.handle));
  copies.length = 0;
  assert.equal((await send(bodiless.url, { method: 'PUT', body: 'kept for main only' })).body, 'main');
  await waitFor(() => copies.length === 1);
  assert.deepEqual(copies[0], { method: 'PUT', url: '/', body: '' });
});

test('mirroring still serves a large chunked body that it cannot copy', async () => {
  const echo = await track(
    startUpstream((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => res.end(String(size)));
    }),
  );
  const services = buildAll({
    echo: { loadBalancer: { servers: [{ url: echo.url }] } },
    mirrored: { mirroring: { service: 'echo', mirrors: [{ name: 'echo', percent: 100 }], maxBodySize: 10 } },
  });
  const proxy = await track(startProxy(services.mirrored!.handle));
  const { request } = await import('node:http');
  const size = await new Promise<string>((resolve, reject) => {
    const req = request(`${proxy.url}/`, { method: 'POST', agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.write('a'.repeat(8));
    setTimeout(() => req.end('b'.repeat(100)), 30);
  });
  assert.equal(size, '108');
});

test('failover uses the fallback while the main service has no server up', async () => {
  let healthy = true;
  const primary = await track(
    startUpstream((req, res) => {
      if (req.url === '/health') res.writeHead(healthy ? 200 : 500).end();
      else res.end('primary');
    }),
  );
  const backup = await track(startNamedUpstream('backup'));
  const services = buildAll({
    primary: {
      loadBalancer: { servers: [{ url: primary.url }], healthCheck: { path: '/health', interval: '50ms' } },
    },
    backup: { loadBalancer: { servers: [{ url: backup.url }] } },
    ha: { failover: { service: 'primary', fallback: 'backup' } },
  });
  const proxy = await track(startProxy(services.ha!.handle));
  assert.equal((await send(proxy.url)).body, 'primary');
  healthy = false;
  await waitFor(() => !services.primary!.isAvailable());
  assert.equal((await send(proxy.url)).body, 'backup');
  assert.equal(services.ha!.isAvailable(), true);
  healthy = true;
  await waitFor(() => services.primary!.isAvailable());
  assert.equal((await send(proxy.url)).body, 'primary');
  assert.throws(() => buildAll({ broken: { failover: { service: 'nowhere', fallback: 'backup' } } }), /does not exist/);
  deps.health.retainOnly(new Set());
});
