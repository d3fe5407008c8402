import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let upstream: Upstream;
let web: string;
let internal: string;

before(async () => {
  upstream = await startEchoUpstream('app');
  const [webPort, internalPort] = [await freePort(), await freePort()];
  web = `http://127.0.0.1:${webPort}`;
  internal = `http://127.0.0.1:${internalPort}`;
  const dir = tempDir({
    'portier.yml': [
      'entryPoints:',
      `  web: { address: "127.0.0.1:${webPort}" }`,
      // Declared but not used by an insecure API: still never a default for routers.
      `  traefik: { address: "127.0.0.1:${internalPort}" }`,
      'providers:',
      '  file: { filename: dynamic.yml }',
      '',
    ].join('\n'),
    'dynamic.yml': [
      'http:',
      '  routers:',
      '    app:',
      '      rule: "PathPrefix(`/`)"',
      '      service: app',
      '  services:',
      '    app:',
      `      loadBalancer: { servers: [{ url: "${upstream.url}" }] }`,
      '',
    ].join('\n'),
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
  await upstream?.close();
});

describe('routers without entryPoints', () => {
  it('attach to every entry point but traefik, as in Traefik', async () => {
    assert.equal((await fetch(`${web}/`)).status, 200);
    assert.equal((await fetch(`${internal}/`)).status, 404);
  });
});
