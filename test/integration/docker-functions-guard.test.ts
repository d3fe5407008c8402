/**
 * The insecure API has no auth, so through it function changes (deploy, removal, rollback) are
 * accepted from this machine only. Proven from a real non-loopback peer: a container on the
 * default bridge talks to a Portier whose API entry point listens on the bridge's gateway
 * address. A second Portier on the same function store, with its API on loopback, shows that a
 * loopback deploy works and what the container is allowed to read.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { docker, dockerReady, ECHO_IMAGE } from '../helpers/docker-env.js';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';

const skip = await dockerReady();

const SUM =
  'export const route = "/{a}/{b}";\nexport default (r: Request, ctx: any) => ({ result: Number(ctx.params.a) + Number(ctx.params.b) });';

interface RawResponse {
  status: number;
  body: string;
}

describe('function changes through the insecure API from a non-loopback peer', { skip }, () => {
  const container = `portier-guard-${process.pid}`;
  const dir = tempDir();
  const running: RunningPortier[] = [];
  let gateway: string;
  let bridgeApi: string;
  let loopbackApi: string;

  const apiConfig = (address: string) =>
    `entryPoints:\n  traefik: { address: "${address}" }\napi: { insecure: true, dashboard: false }\n` +
    `functions:\n  store: { directory: ${join(dir, 'store')} }\n`;

  async function start(address: string): Promise<void> {
    const configDir = tempDir({ 'portier.yml': apiConfig(address) });
    running.push(await startPortier(['-c', join(configDir, 'portier.yml')]));
    rmSync(configDir, { recursive: true, force: true });
  }

  /**
   * One HTTP/1.1 request written by busybox `nc` inside the container (busybox wget cannot PUT or
   * DELETE). nc reads its stdin from a FIFO kept open, because it stops reading the answer once
   * its stdin ends; it exits when Portier closes the connection.
   */
  async function fromContainer(method: string, path: string, body = ''): Promise<RawResponse> {
    const request =
      `${method} ${path} HTTP/1.1\r\nHost: ${bridgeApi}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`;
    const [host, port] = bridgeApi.split(':');
    const script = `f=/request.$$; mkfifo $f; nc ${host} ${port} < $f & exec 3> $f; printf '%s' "$REQUEST" >&3; wait $!; rm $f`;
    const raw = await docker(['exec', '-e', `REQUEST=${request}`, container, 'sh', '-c', script]);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
    return { status, body: raw.slice(raw.indexOf('\r\n\r\n') + 4) };
  }

  before(async () => {
    gateway = await docker(['network', 'inspect', 'bridge', '-f', '{{ (index .IPAM.Config 0).Gateway }}']);
    bridgeApi = `${gateway}:${await freePort()}`;
    loopbackApi = `127.0.0.1:${await freePort()}`;
    await start(bridgeApi);
    await start(loopbackApi);
    await docker(['run', '-d', '--name', container, '-l', 'portier.test=1', ECHO_IMAGE, 'sleep', '300']);
  });

  after(async () => {
    await docker(['rm', '-f', container]).catch(() => undefined);
    await Promise.all(running.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a deploy from loopback, and reads from the container', async () => {
    const deployed = await fetch(`http://${loopbackApi}/api/functions/sum`, { method: 'PUT', body: SUM });
    assert.equal(deployed.status, 201, await deployed.text());
    const list = await fromContainer('GET', '/api/functions');
    assert.equal(list.status, 200, list.body);
    assert.deepEqual(
      (JSON.parse(list.body) as { name: string }[]).map((f) => f.name),
      ['sum'],
    );
  });

  it('refuses deploys, removals and rollbacks from the container with a 403 that says why', async () => {
    const before = await fromContainer('GET', '/api/functions/sum');
    const attempts = [
      await fromContainer('PUT', '/api/functions/sum', 'export default () => "replaced";'),
      await fromContainer('PUT', '/api/functions/evil', 'export default () => "evil";'),
      await fromContainer('DELETE', '/api/functions/sum'),
      await fromContainer('POST', '/api/functions/sum/rollback'),
    ];
    for (const attempt of attempts) {
      assert.equal(attempt.status, 403, attempt.body);
      assert.match(attempt.body, /function changes through the insecure API are accepted from localhost only/);
    }
    const after = await fromContainer('GET', '/api/functions/sum');
    assert.equal(after.status, 200);
    const version = (body: string) => (JSON.parse(body) as { version: string }).version;
    assert.equal(version(after.body), version(before.body));
    assert.equal((await fromContainer('GET', '/api/functions/evil')).status, 404);
  });
});
