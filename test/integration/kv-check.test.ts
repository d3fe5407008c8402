/** `portier check` reads the KV providers of the static file once, against real stores. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startKvBackend, type KvBackend } from '../helpers/kv-stores.js';
import { freePort, tempDir } from '../helpers/portier.js';

const BIN = resolve(import.meta.dirname, '../../bin/portier.js');

async function check(staticConfig: unknown, dynamic = ''): Promise<{ code: number; stdout: string }> {
  const dir = tempDir({ 'portier.yml': JSON.stringify(staticConfig), 'dynamic.yml': dynamic });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'check', '-c', `${dir}/portier.yml`]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

const FILE_SERVICE =
  'http:\n  services:\n    app:\n      loadBalancer:\n        servers: [{ url: "http://127.0.0.1:9" }]\n';
const entryPoints = { web: { address: '127.0.0.1:0' } };

/** The backend's static provider section, reading under another root key. */
const rootedAt = (rootKey: string) => (backend: KvBackend) =>
  Object.fromEntries(
    Object.entries(backend.providers).map(([kind, section]) => [kind, { ...(section as object), rootKey }]),
  );

describe('portier check with KV providers', () => {
  const backends: KvBackend[] = [];

  before(async () => {
    backends.push(...(await Promise.all((['etcd', 'redis', 'zookeeper', 'embedded'] as const).map(startKvBackend))));
    for (const backend of backends) {
      const store = await backend.connect();
      const keys: Record<string, string> = {
        'traefik/http/routers/app/rule': 'Host(`app.test`)',
        'traefik/http/routers/app/service': 'app@file',
        'traefik/http/routers/typo/rule': 'Host(`typo.test`)',
        'traefik/http/routers/typo/servce': 'app@file',
        'traefik/http/routers/broken/rule': 'PathPrefix(`/x`',
        'traefik/http/routers/broken/service': 'app@file',
        'traefik/http/middlewares/limit/ratelimit/average': 'lots',
        'good/http/routers/app/rule': 'Host(`app.test`)',
        'good/http/routers/app/service': 'app@file',
      };
      try {
        for (const [key, value] of Object.entries(keys)) await store.put(key, value);
      } finally {
        await store.close();
      }
    }
  });
  after(async () => {
    await Promise.all(backends.map((backend) => backend.stop()));
  });

  it('reports each store key with an error, and only those, with where it was read', async () => {
    const providers = Object.assign({ file: { filename: 'dynamic.yml' } }, ...backends.map((b) => b.providers));
    const { code, stdout } = await check({ entryPoints, providers }, FILE_SERVICE);
    assert.equal(code, 1, stdout);
    for (const { name } of backends) {
      const where = `${name} [^:]+(:\\d+)?`;
      assert.match(stdout, new RegExp(`error: ${where}: traefik/http/routers/typo/servce: .*did you mean "service"`));
      assert.match(stdout, new RegExp(`error: ${where}: traefik/http/routers/typo/service: is required`));
      assert.match(stdout, new RegExp(`error: broken@${name}: rule: unbalanced parentheses`));
      assert.match(stdout, new RegExp(`error: limit@${name}: .*rateLimit\\.average.*expected number`));
      assert.doesNotMatch(stdout, new RegExp(`app@${name}`));
    }
    assert.match(stdout, /^16 error\(s\) found$/m);
  });

  it('accepts a store whose configuration is sound, referring to the file provider', async () => {
    const providers = Object.assign({ file: { filename: 'dynamic.yml' } }, ...backends.map(rootedAt('good')));
    const { code, stdout } = await check({ entryPoints, providers }, FILE_SERVICE);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /configuration OK/);
  });

  it('says which stores cannot be reached instead of waiting for them', async () => {
    const [etcd, redis, zooKeeper] = [await freePort(), await freePort(), await freePort()];
    const providers = {
      etcd: { endpoints: [`127.0.0.1:${etcd}`] },
      redis: { endpoints: [`127.0.0.1:${redis}`] },
      zooKeeper: { endpoints: [`127.0.0.1:${zooKeeper}`] },
    };
    const started = Date.now();
    const { code, stdout } = await check({ entryPoints, providers });
    assert.equal(code, 1, stdout);
    assert.ok(Date.now() - started < 9000, `took ${Date.now() - started} ms`);
    assert.match(
      stdout,
      new RegExp(`providers\\.etcd\\.endpoints: cannot read etcd 127\\.0\\.0\\.1:${etcd}: .*ECONNREFUSED`),
    );
    assert.match(
      stdout,
      new RegExp(`providers\\.redis\\.endpoints: cannot read redis 127\\.0\\.0\\.1:${redis}: .*ECONNREFUSED`),
    );
    assert.match(
      stdout,
      new RegExp(`providers\\.zooKeeper\\.endpoints: cannot read zookeeper 127\\.0\\.0\\.1:${zooKeeper}`),
    );
  });
});
