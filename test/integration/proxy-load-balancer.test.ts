import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { stickyValue } from '../../src/services/sticky-cookie.js';
import { buildService } from '../../src/services/build-service.js';
import {
  closedPortUrl,
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

function count(bodies: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const body of bodies) counts[body] = (counts[body] ?? 0) + 1;
  return counts;
}

async function sendMany(url: string, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) bodies.push((await send(url, { headers })).body);
  return bodies;
}

test('weighted round robin over real servers follows the weights, interleaved', async () => {
  const a = await track(startNamedUpstream('a'));
  const b = await track(startNamedUpstream('b'));
  const service = buildService(
    'wrr@test',
    {
      loadBalancer: {
        servers: [
          { url: a.url, weight: 3 },
          { url: b.url, weight: 1 },
        ],
      },
    },
    deps,
  );
  const proxy = await track(startProxy(service.handle));
  const bodies = await sendMany(proxy.url, 40);
  assert.deepEqual(count(bodies), { a: 30, b: 10 });
  assert.ok(!bodies.join('').includes('bb'), bodies.join(''));
  assert.deepEqual(service.serverStatus(), { [a.url]: 'UP', [b.url]: 'UP' });
});

test('no server gives 503 "no available server"; a bad URL names its key', async () => {
  const empty = buildService('empty@test', { loadBalancer: { servers: [] } }, deps);
  assert.equal(empty.isAvailable(), false);
  const proxy = await track(startProxy(empty.handle));
  const answer = await send(proxy.url);
  assert.equal(answer.status, 503);
  assert.equal(answer.body, 'no available server\n');
  assert.throws(
    () =>
      buildService('bad@test', { loadBalancer: { servers: [{ url: 'http://ok:80' }, { url: 'not a url' }] } }, deps),
    (error: unknown) => error instanceof ConfigError && error.key === 'loadBalancer.servers[1].url',
  );
  assert.throws(
    () => buildService('bad@test', { loadBalancer: { servers: [] }, weighted: { services: [] } }, deps),
    ConfigError,
  );
});

test('sticky cookie pins a client to its server and is renewed when it names no server', async () => {
  const a = await track(startNamedUpstream('a'));
  const b = await track(startNamedUpstream('b'));
  const service = buildService(
    'sticky@test',
    {
      loadBalancer: {
        servers: [{ url: a.url }, { url: b.url }],
        sticky: { cookie: { name: 'lb', httpOnly: true } },
      },
    },
    deps,
  );
  const proxy = await track(startProxy(service.handle));
  const first = await send(proxy.url);
  const cookie = String(first.headers['set-cookie']);
  const server = first.body === 'a' ? a.url : b.url;
  assert.equal(cookie, `lb=${stickyValue(server)}; Path=/; HttpOnly`);
  const pinned = await sendMany(proxy.url, 6, { cookie: cookie.split(';')[0]! });
  assert.deepEqual(count(pinned), { [first.body]: 6 });
  const renewed = await send(proxy.url, { headers: { cookie: 'lb=0123456789abcdef' } });
  assert.match(String(renewed.headers['set-cookie']), /^lb=[0-9a-f]{16}; Path=\/; HttpOnly$/);
  const pinnedAnswer = await send(proxy.url, { headers: { cookie: cookie.split(';')[0]! } });
  assert.equal(pinnedAnswer.headers['set-cookie'], undefined);
});

test('a server refusing connections costs idempotent requests nothing: they go to another one', async () => {
  const live = await track(startNamedUpstream('live'));
  const dead = await closedPortUrl();
  const service = buildService(
    'passive@test',
    { loadBalancer: { servers: [{ url: dead }, { url: live.url }], sticky: { cookie: { name: 's' } } } },
    deps,
  );
  const proxy = await track(startProxy(service.handle));
  const answers = await Promise.all(Array.from({ length: 20 }, () => send(proxy.url)));
  assert.deepEqual(
    answers.map((a) => a.status),
    Array(20).fill(200),
  );
  assert.ok(answers.every((a) => a.body === 'live'));
  // The sticky cookie names the server that answered, not the one that refused.
  assert.ok(answers.every((a) => String(a.headers['set-cookie']).startsWith(`s=${stickyValue(live.url)}`)));
  // Right after a refusal the dead server is passed over, so even a POST reaches the live one.
  assert.equal((await send(proxy.url, { method: 'POST', body: 'x' })).status, 200);
  // Once that pause is over, a POST may not be sent twice: the one that meets the dead server gets its 502.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const posts = [
    await send(proxy.url, { method: 'POST', body: 'x' }),
    await send(proxy.url, { method: 'POST', body: 'x' }),
  ];
  assert.deepEqual(posts.map((a) => a.status).sort(), [200, 502]);
});

test('active health check takes a server out and puts it back', async () => {
  let healthy = true;
  const flaky = await track(
    startUpstream((req, res) => {
      if (req.url === '/health') res.writeHead(healthy ? 200 : 503).end();
      else res.end('flaky');
    }),
  );
  const steady = await track(startNamedUpstream('steady'));
  const events = deps.statusEvents;
  const service = buildService(
    'checked@test',
    {
      loadBalancer: {
        servers: [{ url: flaky.url }, { url: steady.url }],
        healthCheck: { path: '/health', interval: '50ms', timeout: '1s' },
      },
    },
    deps,
  );
  const proxy = await track(startProxy(service.handle));
  assert.deepEqual(count(await sendMany(proxy.url, 4)), { flaky: 2, steady: 2 });
  healthy = false;
  await waitFor(() => service.serverStatus()[flaky.url] === 'DOWN');
  assert.deepEqual(count(await sendMany(proxy.url, 4)), { steady: 4 });
  assert.deepEqual(events.at(-1), {
    service: 'checked@test',
    url: flaky.url,
    state: 'DOWN',
    reason: 'health check answered 503',
  });
  healthy = true;
  await waitFor(() => service.serverStatus()[flaky.url] === 'UP');
  assert.deepEqual(count(await sendMany(proxy.url, 4)), { flaky: 2, steady: 2 });
  assert.equal(events.at(-1)?.state, 'UP');

  // A rebuilt service (a reload) with the same server and check finds the state where it was.
  healthy = false;
  await waitFor(() => service.serverStatus()[flaky.url] === 'DOWN');
  const rebuilt = buildService(
    'checked@test',
    {
      loadBalancer: {
        servers: [{ url: flaky.url }, { url: steady.url }],
        healthCheck: { path: '/health', interval: '50ms', timeout: '1s' },
      },
    },
    deps,
  );
  assert.equal(rebuilt.serverStatus()[flaky.url], 'DOWN');
  deps.health.retainOnly(new Set());
});

test('health check options: method, headers, hostname, port and an exact status', async () => {
  const probes: { method: string; host: string; token: string; url: string }[] = [];
  let answer = 204;
  const checked = await track(
    startUpstream((req, res) => {
      probes.push({
        method: req.method!,
        host: req.headers.host!,
        token: String(req.headers['x-token']),
        url: req.url!,
      });
      res.writeHead(answer).end();
    }),
  );
  const service = buildService(
    'options@test',
    {
      loadBalancer: {
        servers: [{ url: 'http://127.0.0.1:1/base' }],
        healthCheck: {
          path: '/ready?full=1',
          interval: '50ms',
          method: 'HEAD',
          headers: { 'x-token': 'abc' },
          hostname: 'health.internal',
          port: checked.port,
          status: 204,
        },
      },
    },
    deps,
  );
  await waitFor(() => probes.length > 0);
  assert.deepEqual(probes[0], { method: 'HEAD', host: 'health.internal', token: 'abc', url: '/ready?full=1' });
  assert.equal(service.isAvailable(), true);
  answer = 200; // healthy for Traefik's default range, but not the exact status asked for
  await waitFor(() => !service.isAvailable());
  deps.health.retainOnly(new Set());
});

test('a sticky cookie naming a DOWN server gets a normal pick and a new cookie', async () => {
  let healthy = true;
  const a = await track(
    startUpstream((req, res) => {
      if (req.url === '/health') res.writeHead(healthy ? 200 : 503).end();
      else res.end('a');
    }),
  );
  const b = await track(startNamedUpstream('b'));
  const service = buildService(
    'sticky-health@test',
    {
      loadBalancer: {
        servers: [{ url: a.url }, { url: b.url }],
        sticky: { cookie: { name: 'pin' } },
        healthCheck: { path: '/health', interval: '50ms' },
      },
    },
    deps,
  );
  const proxy = await track(startProxy(service.handle));
  const cookieForA = `pin=${stickyValue(a.url)}`;
  assert.equal((await send(proxy.url, { headers: { cookie: cookieForA } })).body, 'a');
  healthy = false;
  await waitFor(() => service.serverStatus()[a.url] === 'DOWN');
  const moved = await send(proxy.url, { headers: { cookie: cookieForA } });
  assert.equal(moved.body, 'b');
  assert.equal(String(moved.headers['set-cookie']), `pin=${stickyValue(b.url)}; Path=/`);
  deps.health.retainOnly(new Set());
});
