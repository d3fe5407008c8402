import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { echo, get } from '../helpers/http.js';
import { freePort, startPortier, tempDir } from '../helpers/portier.js';
import { startEchoUpstream } from '../helpers/upstream.js';

const BIN = resolve(import.meta.dirname, '../../bin/portier.js');
const run = promisify(execFile);

async function portier(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('version and --help on every command', async () => {
  assert.match((await portier(['version'])).stdout, /^portier \d+\.\d+\.\d+/);
  for (const command of [[], ['check'], ['run'], ['functions']]) {
    const { code, stdout } = await portier([...command, '--help']);
    assert.equal(code, 0, command.join(' '));
    assert.match(stdout, /Usage: portier/);
  }
});

test('check reports every error with its key, file:line and a fix, and exits 1', async () => {
  const dir = tempDir({
    'portier.toml':
      '[entryPoints.web]\naddress = ":8000"\n[providers.file]\nfilename = "dynamic.yml"\n[api]\ninsecur = true\n',
    'dynamic.yml': [
      'http:',
      '  routers:',
      '    web:',
      '      rule: "Host(`a.test`)"',
      '      servce: app',
      '    bad-rule:',
      '      rule: "PathPrefix(`/x`"',
      '      service: app',
      '    missing:',
      '      rule: "Path(`/m`)"',
      '      service: nowhere',
      '  services:',
      '    app:',
      '      loadBalancer:',
      '        servers: [{ url: "http://127.0.0.1:1" }]',
      '',
    ].join('\n'),
  });
  const { code, stdout } = await portier(['check', '-c', join(dir, 'portier.toml')]);
  assert.equal(code, 1);
  assert.match(stdout, /portier\.toml:6:\d+.*api\.insecur.*did you mean "insecure"/);
  assert.match(stdout, /dynamic\.yml:5:\d+.*servce.*did you mean "service"/);
  assert.match(stdout, /bad-rule@file.*\)/);
  assert.match(stdout, /missing@file.*the service "nowhere@file" does not exist/);
});

test('check accepts a good configuration', async () => {
  const { code, stdout } = await portier([
    'check',
    '-c',
    resolve(import.meta.dirname, '../../examples/quickstart/portier.toml'),
  ]);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /configuration OK/);
});

test('a v1 file from the old guides serves its frontends, and [web] serves the API', async () => {
  const upstream = await startEchoUpstream('v1');
  const [port, apiPort] = [await freePort(), await freePort()];
  const dir = tempDir({
    'traefik.toml': `port = "127.0.0.1:${port}"
debug = true
[web]
address = "127.0.0.1:${apiPort}"
[file]
[backends]
  [backends.backend1]
    [backends.backend1.servers.server1]
    url = "${upstream.url}"
[frontends]
  [frontends.frontend1]
  backend = "backend1"
    [frontends.frontend1.routes.test_1]
    rule = "Host:old.test;PathPrefixStrip:/app"
`,
  });
  const running = await startPortier(['-c', join(dir, 'traefik.toml')]);
  try {
    const reply = await echo(`http://127.0.0.1:${port}/app/page`, { host: 'old.test' });
    assert.equal(reply.url, '/page');
    const routers = JSON.parse((await get(`http://127.0.0.1:${apiPort}/api/http/routers`)).body) as { name: string }[];
    assert.ok(
      routers.some((r) => r.name === 'frontend1@file'),
      JSON.stringify(routers),
    );
  } finally {
    await running.stop();
    await upstream.close();
  }
});

test('flags override env, env overrides the file', async () => {
  const [filePort, envPort, flagPort] = [await freePort(), await freePort(), await freePort()];
  const dir = tempDir({ 'portier.yml': `entryPoints:\n  web:\n    address: "127.0.0.1:${filePort}"\n` });
  const running = await startPortier(
    [
      '-c',
      join(dir, 'portier.yml'),
      `--entryPoints.web.address=127.0.0.1:${flagPort}`,
      '--ping=true',
      `--entryPoints.traefik.address=127.0.0.1:${envPort}`,
    ],
    { env: { PORTIER_ENTRYPOINTS_WEB_ADDRESS: `127.0.0.1:${envPort}` }, readyPattern: /portier started/ },
  );
  try {
    assert.equal((await get(`http://127.0.0.1:${flagPort}/`)).status, 404);
    assert.equal((await get(`http://127.0.0.1:${envPort}/ping`)).body, 'OK');
  } finally {
    await running.stop();
  }
});

test('SIGTERM lets an in-flight request finish and /ping answers 503 while draining', async () => {
  const slowPort = await freePort();
  const { createServer } = await import('node:http');
  const slow = createServer((_req, res) => setTimeout(() => res.end('slow done'), 1000));
  await new Promise<void>((done) => slow.listen(slowPort, '127.0.0.1', done));
  const [port, pingPort] = [await freePort(), await freePort()];
  const dir = tempDir({
    'portier.yml': `entryPoints:\n  web:\n    address: "127.0.0.1:${port}"\n  traefik:\n    address: "127.0.0.1:${pingPort}"\n    transport:\n      lifeCycle:\n        requestAcceptGraceTimeout: 500ms\nping: {}\nproviders:\n  file:\n    filename: dynamic.yml\n`,
    'dynamic.yml': `http:\n  routers:\n    slow:\n      rule: "PathPrefix(\`/\`)"\n      entryPoints: [web]\n      service: slow\n  services:\n    slow:\n      loadBalancer:\n        servers: [{ url: "http://127.0.0.1:${slowPort}" }]\n`,
  });
  const running = await startPortier(['-c', join(dir, 'portier.yml')]);
  try {
    const inFlight = get(`http://127.0.0.1:${port}/`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await get(`http://127.0.0.1:${pingPort}/ping`)).status, 200);
    const exit = running.stop();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await get(`http://127.0.0.1:${pingPort}/ping`)).status, 503);
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.equal(response.body, 'slow done');
    assert.equal(await exit, 0);
  } finally {
    slow.close();
  }
});
