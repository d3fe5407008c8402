import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { echo, get } from '../helpers/http.js';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let upstreams: Upstream[];
let base: string;
let trustingBase: string;

before(async () => {
  upstreams = await Promise.all(['a', 'b', 'c', 'd'].map((name) => startEchoUpstream(name)));
  const [a, b, c, d] = upstreams.map((u) => u.url);
  const deadPort = await freePort();
  const [port, trustingPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  trustingBase = `http://127.0.0.1:${trustingPort}`;
  const dir = tempDir({
    'portier.yml': `entryPoints:\n  web:\n    address: "127.0.0.1:${port}"\n  trusting:\n    address: "127.0.0.1:${trustingPort}"\n    forwardedHeaders:\n      trustedIPs: ["127.0.0.0/8"]\nproviders:\n  file:\n    filename: dynamic.yml\n`,
    'dynamic.yml': `
http:
  routers:
    by-host:
      rule: "Host(\`a.test\`)"
      service: only-a
    strip:
      rule: "Host(\`b.test\`) && PathPrefix(\`/music\`)"
      middlewares: [strip-music]
      service: only-b
    to-https:
      rule: "Host(\`secure.test\`)"
      middlewares: [https]
      service: only-a
    weighted:
      rule: "Host(\`w.test\`)"
      service: three-to-one
    sticky:
      rule: "Host(\`sticky.test\`)"
      service: sticky
    empty:
      rule: "Host(\`empty.test\`)"
      service: no-servers
    dead:
      rule: "Host(\`dead.test\`)"
      service: dead
    half-dead:
      rule: "Host(\`half.test\`)"
      service: half-dead
    broken-rule:
      rule: "Hots(\`x.test\`)"
      service: only-a
    error-pages:
      rule: "Host(\`oops.test\`)"
      middlewares: [pages]
      service: dead
  middlewares:
    pages:
      errors:
        status: ["500-599"]
        service: only-b
        query: "/err/{status}.html"
    strip-music:
      stripPrefix:
        prefixes: [/music]
    https:
      redirectScheme:
        scheme: https
        permanent: true
  services:
    only-a:
      loadBalancer:
        servers: [{ url: "${a}" }]
    only-b:
      loadBalancer:
        servers: [{ url: "${b}" }]
    three-to-one:
      loadBalancer:
        servers: [{ url: "${c}", weight: 3 }, { url: "${d}", weight: 1 }]
    sticky:
      loadBalancer:
        servers: [{ url: "${c}" }, { url: "${d}" }]
        sticky:
          cookie: { name: stick, httpOnly: true }
    no-servers:
      loadBalancer:
        servers: []
    dead:
      loadBalancer:
        servers: [{ url: "http://127.0.0.1:${deadPort}" }]
    half-dead:
      loadBalancer:
        servers: [{ url: "http://127.0.0.1:${deadPort}" }, { url: "${a}" }]
`,
  });
  portier = await startPortier(['-c', `${dir}/portier.yml`]);
});

after(async () => {
  await portier?.stop();
  await Promise.all(upstreams.map((u) => u.close()));
});

test('routes by host and forwards with X-Forwarded headers', async () => {
  const reply = await echo(`${base}/hello?x=1`, { host: 'A.Test:80' });
  assert.equal(reply.server, 'a');
  assert.equal(reply.url, '/hello?x=1');
  assert.equal(reply.headers['x-forwarded-host'], 'A.Test:80');
  assert.equal(reply.headers['x-forwarded-proto'], 'http');
  assert.equal(reply.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(reply.headers['x-real-ip'], '127.0.0.1');
  assert.equal(reply.headers.host, 'A.Test:80', 'passHostHeader is on by default');
});

test('X-Forwarded headers from untrusted clients are replaced; trusted proxies keep theirs', async () => {
  const forged = {
    host: 'a.test',
    'x-portier-consumer': 'admin',
    'x-forwarded-for': '6.6.6.6',
    'x-real-ip': '6.6.6.6',
    'x-forwarded-proto': 'https',
  };
  const untrusted = await echo(`${base}/`, forged);
  assert.equal(untrusted.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(untrusted.headers['x-real-ip'], '127.0.0.1');
  assert.equal(untrusted.headers['x-forwarded-proto'], 'http');
  assert.equal(untrusted.headers['x-portier-consumer'], undefined, 'only Portier sets the consumer header');
  const trusted = await echo(`${trustingBase}/`, forged);
  assert.equal(trusted.headers['x-forwarded-for'], '6.6.6.6, 127.0.0.1');
  assert.equal(trusted.headers['x-forwarded-proto'], 'https');
});

test('stripPrefix: /music/1 reaches the upstream as /1 and /music as /', async () => {
  assert.equal((await echo(`${base}/music/1`, { host: 'b.test' })).url, '/1');
  const root = await echo(`${base}/music`, { host: 'b.test' });
  assert.equal(root.url, '/');
  assert.equal(root.headers['x-forwarded-prefix'], '/music');
});

test('redirectScheme answers 301 to https', async () => {
  const response = await get(`${base}/path?q=1`, { headers: { host: 'secure.test' } });
  assert.equal(response.status, 301);
  assert.equal(response.headers.location, 'https://secure.test/path?q=1');
});

test('weights 3:1 are respected', async () => {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 400; i++) {
    const { server } = await echo(`${base}/`, { host: 'w.test' });
    counts[server] = (counts[server] ?? 0) + 1;
  }
  assert.deepEqual(counts, { c: 300, d: 100 });
});

test('a sticky cookie keeps a client on one server', async () => {
  const first = await get(`${base}/`, { headers: { host: 'sticky.test' } });
  const cookie = String(first.headers['set-cookie']?.[0] ?? '');
  assert.match(cookie, /^stick=[0-9a-f]{16}; Path=\/; HttpOnly/);
  const server = (JSON.parse(first.body) as { server: string }).server;
  for (let i = 0; i < 10; i++) {
    const reply = await echo(`${base}/`, { host: 'sticky.test', cookie: cookie.split(';')[0]! });
    assert.equal(reply.server, server);
  }
});

test('404 without a route, 503 without servers, 502 when the only server is unreachable', async () => {
  assert.equal((await get(`${base}/`, { headers: { host: 'nothing.test' } })).status, 404);
  assert.equal((await get(`${base}/`, { headers: { host: 'empty.test' } })).status, 503);
  assert.equal((await get(`${base}/`, { headers: { host: 'dead.test' } })).status, 502);
});

test('the errors middleware fetches its page from another service', async () => {
  const response = await get(`${base}/`, { headers: { host: 'oops.test' } });
  assert.equal(response.status, 502);
  const page = JSON.parse(response.body) as { server: string; url: string };
  assert.deepEqual([page.server, page.url], ['b', '/err/502.html']);
});

test('a refused connection is retried once on another server: no client error', async () => {
  for (let i = 0; i < 20; i++) assert.equal((await echo(`${base}/`, { host: 'half.test' })).server, 'a');
});

test('a broken rule disables only its router, with the error logged once naming the fix', async () => {
  assert.equal((await get(`${base}/`, { headers: { host: 'x.test' } })).status, 404);
  const lines = portier
    .logs()
    .split('\n')
    .filter((line) => line.includes('broken-rule@file'));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /Hots.*did you mean.*Host/);
});
