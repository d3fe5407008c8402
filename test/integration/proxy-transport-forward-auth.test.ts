import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { get } from '../helpers/http.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { makeCa, makeLeaf } from '../helpers/tls-certs.js';
import { startHttpsUpstream, type CountedUpstream } from '../helpers/transport-harness.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let dir: string;
let base: string;
let auth: CountedUpstream;
let app: Upstream;
let portier: RunningPortier | undefined;

/** The dynamic file: the `app` router, behind a forwardAuth over TLS or not; `version` tells the builds apart. */
function save(version: number, withAuth: boolean): void {
  const middlewares = withAuth
    ? `  middlewares:\n    auth:\n      forwardAuth:\n        address: "${auth.url}/check"\n        tls: { ca: '${join(dir, 'ca.crt')}' }\n`
    : '';
  const text = `http:
  routers:
    app:
      rule: "Host(\`app.test\`)"
      service: app
${withAuth ? '      middlewares: [auth]\n' : ''}    v${version}:
      rule: "Host(\`v${version}.test\`)"
      service: app
${middlewares}  services:
    app:
      loadBalancer:
        servers: [{ url: "${app.url}" }]
`;
  writeFileSync(join(dir, 'dynamic.tmp'), text);
  renameSync(join(dir, 'dynamic.tmp'), join(dir, 'dynamic.yml'));
}

before(async () => {
  dir = tempDir();
  const ca = makeCa(dir);
  const leaf = makeLeaf(dir, ca, 'auth', ['localhost', 'IP:127.0.0.1']);
  auth = await startHttpsUpstream({ cert: leaf.cert, key: leaf.key }, (_req, res) => res.end());
  // A long keep-alive, announced to the client: only closing the agent can end the idle connection.
  auth.server.keepAliveTimeout = 60_000;
  app = await startEchoUpstream('app');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'portier.toml'),
    `[entryPoints.web]\naddress = "127.0.0.1:${port}"\n[providers.file]\nfilename = "${join(dir, 'dynamic.yml')}"\nwatch = true\n`,
  );
  save(1, true);
  portier = await startPortier(['-c', join(dir, 'portier.toml')], { cwd: dir });
});

after(async () => {
  await portier?.stop();
  await Promise.all([auth?.close(), app?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('a rebuild that removes the last TLS forwardAuth closes its connection to the auth server', async () => {
  assert.equal((await get(`${base}/`, { headers: { host: 'app.test' } })).status, 200);
  assert.equal(auth.accepted, 1, 'the request was checked by the auth server');
  assert.equal(auth.open, 1, 'the connection is kept alive');

  save(2, false);
  await waitFor(async () => (await get(`${base}/`, { headers: { host: 'v2.test' } })).status === 200, 5000, 'v2');
  assert.equal((await get(`${base}/`, { headers: { host: 'app.test' } })).status, 200);
  await waitFor(() => auth.open === 0, 3000, 'the auth connection to close');
});
