import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { echo, get } from '../helpers/http.js';
import { startLoad } from '../helpers/load.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let upstreams: Upstream[];
let base: string;
let dir: string;

/** The dynamic file at version `n`: the hot route stays, other routers and weights change each time. */
function dynamicFile(n: number): string {
  const [a, b] = upstreams.map((u) => u.url);
  return `
http:
  routers:
    hot:
      rule: "Host(\`hot.test\`)"
      middlewares: [tag]
      service: pair
    version-${n}:
      rule: "Host(\`v${n}.test\`)"
      service: pair
  middlewares:
    tag:
      headers:
        customRequestHeaders:
          X-Version: "${n}"
  services:
    pair:
      loadBalancer:
        servers: [{ url: "${a}", weight: ${1 + (n % 3)} }, { url: "${b}", weight: 1 }]
`;
}

/** Writes the file as editors do: to a temp file, then renamed over the original. */
function save(n: number): void {
  const temp = join(dir, `.dynamic.yml.${n}.tmp`);
  writeFileSync(temp, dynamicFile(n));
  renameSync(temp, join(dir, 'dynamic.yml'));
}

before(async () => {
  upstreams = await Promise.all(['a', 'b'].map((name) => startEchoUpstream(name)));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dir = tempDir({
    'portier.toml': `[entryPoints.web]\naddress = "127.0.0.1:${port}"\n[providers.file]\nfilename = "dynamic.yml"\nwatch = true\n`,
  });
  save(0);
  portier = await startPortier(['-c', join(dir, 'portier.toml')]);
});

after(async () => {
  await portier?.stop();
  await Promise.all(upstreams.map((u) => u.close()));
});

test('an edit to the watched file applies live', async () => {
  save(1);
  await waitFor(async () => (await get(`${base}/`, { headers: { host: 'v1.test' } })).status === 200, 5000, 'v1 route');
  assert.equal((await get(`${base}/`, { headers: { host: 'v0.test' } })).status, 404);
  assert.equal((await echo(`${base}/`, { host: 'hot.test' })).headers['x-version'], '1');
});

test('rewriting the dynamic file 50 times under load fails no request', async () => {
  const load = startLoad(`${base}/`, { host: 'hot.test', concurrency: 8 });
  for (let n = 2; n < 52; n++) {
    save(n);
    await new Promise((r) => setTimeout(r, 40));
  }
  await waitFor(
    async () => (await echo(`${base}/`, { host: 'hot.test' })).headers['x-version'] === '51',
    5000,
    'last version',
  );
  const result = await load.stop();
  assert.equal(result.failed, 0, result.failures.join('\n'));
  assert.ok(result.ok > 200, `only ${result.ok} requests completed`);
});

test('a broken save keeps the last good configuration serving', async () => {
  writeFileSync(join(dir, 'dynamic.yml'), 'http:\n  routers: [oops\n');
  await waitFor(() => /dynamic\.yml:\d+:\d+/.test(portier.logs()), 5000, 'parse error in the log');
  assert.equal((await echo(`${base}/`, { host: 'hot.test' })).headers['x-version'], '51');
});
