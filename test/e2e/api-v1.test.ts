import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';

/** An old Traefik v1 file: `[web]` is where the API and the dashboard live. */
describe('API and dashboard from a v1 [web] section', () => {
  let portier: RunningPortier;
  let apiUrl: string;
  before(async () => {
    const [webPort, apiPort] = await Promise.all([freePort(), freePort()]);
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const dir = tempDir({
      'traefik.toml': `defaultEntryPoints = ["http"]
[entryPoints]
  [entryPoints.http]
  address = "127.0.0.1:${webPort}"
[web]
address = "127.0.0.1:${apiPort}"
[file]
watch = true
filename = "rules.toml"
`,
      'rules.toml': `[backends]
  [backends.backend1]
    [backends.backend1.servers.server1]
    url = "http://127.0.0.1:9"
[frontends]
  [frontends.frontend1]
  backend = "backend1"
    [frontends.frontend1.routes.test_1]
    rule = "Host:test.localhost"
`,
    });
    portier = await startPortier(['-c', join(dir, 'traefik.toml')], { readyPattern: /portier started/ });
  });
  after(() => portier?.stop());

  it('lists the v1 frontend as a router on the v1 entry point', async () => {
    const router = (await (await fetch(`${apiUrl}/api/http/routers/frontend1@file`)).json()) as Record<string, unknown>;
    assert.equal(router.rule, 'Host(`test.localhost`)');
    assert.equal(router.service, 'backend1', 'the backend name, as the translated configuration writes it');
    assert.deepEqual(router.using, ['http']);
    assert.equal(router.status, 'enabled');
  });

  it('serves the dashboard there', async () => {
    const root = await fetch(`${apiUrl}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/dashboard/');
    const index = await fetch(`${apiUrl}/dashboard/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="app">/);
  });
});
