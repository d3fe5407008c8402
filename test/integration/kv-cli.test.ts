/** `portier kv put|get|ls|rm` on the embedded store, and a running Portier following those edits. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { get } from '../helpers/http.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

const BIN = resolve(import.meta.dirname, '../../bin/portier.js');

async function kv(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'kv', ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('portier kv', () => {
  let dir: string;
  let upstream: Upstream;
  let portier: RunningPortier;
  let web: number;

  before(async () => {
    upstream = await startEchoUpstream('kv-cli');
    web = await freePort();
    dir = tempDir({
      'portier.yml': [
        'entryPoints:',
        `  web: { address: "127.0.0.1:${web}" }`,
        'providers:',
        '  embedded: { filename: data/store.db, rootKey: edge }',
      ].join('\n'),
    });
    await kv(dir, 'put', 'edge/http/services/app/loadbalancer/servers/0/url', upstream.url, '-c', 'portier.yml');
    portier = await startPortier(['-c', `${dir}/portier.yml`]);
  });

  after(async () => {
    await portier?.stop();
    await upstream?.close();
  });

  it('prints help for the group and for each command', async () => {
    const group = await kv(dir, '--help');
    assert.equal(group.code, 0);
    for (const command of ['put', 'get', 'ls', 'rm']) {
      assert.match(group.stdout, new RegExp(`portier kv ${command}`));
      const help = await kv(dir, command, '--help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: portier kv ${command}`));
      assert.match(help.stdout, /--file PATH/);
    }
    assert.equal((await kv(dir, 'frobnicate')).code, 2);
    assert.equal((await kv(dir, 'put', 'only-a-key')).code, 2);
  });

  it('puts, gets, lists and removes keys in the file the configuration names', async () => {
    assert.equal((await kv(dir, 'put', 'edge/http/routers/web/rule', 'Host(`kv.test`)', '-c', 'portier.yml')).code, 0);
    assert.equal((await kv(dir, 'put', 'edge/http/routers/web/service', 'app', '-c', 'portier.yml')).code, 0);
    const value = await kv(dir, 'get', 'edge/http/routers/web/rule', '-c', 'portier.yml');
    assert.deepEqual([value.code, value.stdout], [0, 'Host(`kv.test`)\n']);
    // --file reaches the same store without the configuration.
    const listing = await kv(dir, 'ls', 'edge/http/routers/', '--file', 'data/store.db');
    assert.equal(listing.stdout, 'edge/http/routers/web/rule = Host(`kv.test`)\nedge/http/routers/web/service = app\n');
    const missing = await kv(dir, 'get', 'edge/nope', '-c', 'portier.yml');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /edge\/nope: no such key/);
    await kv(dir, 'put', 'edge/http/routers/tmp/rule', 'Path(`/`)', '-c', 'portier.yml');
    assert.equal(
      (await kv(dir, 'rm', 'edge/http/routers/tmp/', '-r', '-c', 'portier.yml')).stdout,
      'removed 1 key(s)\n',
    );
    assert.equal((await kv(dir, 'rm', 'edge/http/routers/tmp/rule', '-c', 'portier.yml')).code, 1);
  });

  it('warns when a value makes its object invalid', async () => {
    const put = await kv(dir, 'put', 'edge/http/routers/web/priority', 'high', '-c', 'portier.yml');
    assert.equal(put.code, 0);
    assert.match(put.stderr, /warning: edge\/http\/routers\/web\/priority: .*number/);
    await kv(dir, 'rm', 'edge/http/routers/web/priority', '-c', 'portier.yml');
  });

  it('drives a running Portier: a put is routable and a rm is gone within 200 ms of the command', async () => {
    const status = async (host: string) => (await get(`http://127.0.0.1:${web}/`, { headers: { host } })).status;
    await waitFor(async () => (await status('kv.test')) === 200, 5000, 'the route written earlier');
    await kv(dir, 'put', 'edge/http/routers/live/rule', 'Host(`live.test`)', '-c', 'portier.yml');
    await kv(dir, 'put', 'edge/http/routers/live/service', 'app', '-c', 'portier.yml');
    let started = Date.now();
    await waitFor(async () => (await status('live.test')) === 200, 5000, 'the new route');
    const added = Date.now() - started;
    await kv(dir, 'rm', 'edge/http/routers/live/', '-r', '-c', 'portier.yml');
    started = Date.now();
    await waitFor(async () => (await status('live.test')) === 404, 5000, 'the route to go');
    const removed = Date.now() - started;
    // Measured from the command's exit (it exits right after committing): its node start is not Portier's delay.
    assert.ok(added < 200 && removed < 200, `added after ${added} ms, removed after ${removed} ms`);
  });
});
