import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDockerProvider } from '../../src/providers/docker/docker-provider.js';
import { SnapshotRecorder, serverUrls } from '../helpers/docker-env.js';

/*
 * Odd daemon answers, from a fake Engine API on a unix socket: a version newer than any this
 * code knew of, a listing that fails, and an event stream the provider must follow.
 */
const API_VERSION = '1.52';
const dir = mkdtempSync(join(tmpdir(), 'portier-fake-engine-'));
const socket = join(dir, 'docker.sock');
const containers = new Map<string, object>();
const paths: string[] = [];
let failListing = false;
let events: ServerResponse | undefined;
let server: Server;

function inspect(id: string, ip: string) {
  return {
    Id: id,
    Name: `/${id}`,
    Config: {
      Labels: { [`traefik.http.routers.r-${id}.rule`]: `Host(\`${id}.test\`)` },
      ExposedPorts: { '80/tcp': {} },
    },
    State: { Running: true },
    HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: { bridge: { IPAddress: ip } } },
  };
}

before(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '';
    paths.push(url.split('?')[0]!);
    if (url === '/_ping') {
      response.writeHead(200, { 'API-Version': API_VERSION, 'Content-Type': 'text/plain' }).end('OK');
      return;
    }
    const path = url.replace(`/v${API_VERSION}`, '');
    if (!url.startsWith(`/v${API_VERSION}/`)) {
      response.writeHead(400).end(JSON.stringify({ message: 'client version too old' }));
    } else if (path.startsWith('/events')) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.flushHeaders();
      events = response;
    } else if (path.startsWith('/containers/json')) {
      if (failListing) response.writeHead(500).end(JSON.stringify({ message: 'daemon busy' }));
      else response.writeHead(200).end(JSON.stringify([...containers.keys()].map((Id) => ({ Id, State: 'running' }))));
    } else {
      const id = /^\/containers\/([^/]+)\/json/.exec(path)?.[1] ?? '';
      const found = containers.get(id);
      response.writeHead(found ? 200 : 404).end(JSON.stringify(found ?? { message: 'no such container' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

after(async () => {
  events?.end();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('negotiates the API version, follows events, and reports a failing daemon without losing routes', async () => {
  containers.set('one', inspect('one', '10.9.0.2'));
  const recorder = new SnapshotRecorder(createDockerProvider({ endpoint: `unix://${socket}` }));
  try {
    await recorder.start();
    assert.deepEqual(serverUrls(recorder.latest!, 'one'), ['http://10.9.0.2:80']);
    assert.ok(paths.includes(`/v${API_VERSION}/containers/json`), `versioned paths: ${paths.join(' ')}`);

    containers.set('two', inspect('two', '10.9.0.3'));
    events!.write(`${JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'two' } })}\n`);
    await recorder.waitFor((s) => serverUrls(s, 'two').length === 1, 'the started container');

    // Health-check execs change nothing and cause no listing.
    const listings = paths.filter((path) => path.endsWith('/containers/json')).length;
    events!.write(
      `${JSON.stringify({ Type: 'container', Action: 'exec_start: test -e /ready', Actor: { ID: 'two' } })}\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(paths.filter((path) => path.endsWith('/containers/json')).length, listings);

    failListing = true;
    events!.write(`${JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'two' } })}\n`);
    const failing = await recorder.waitFor((s) => s.issues.length > 0, 'the listing failure');
    assert.match(failing.issues[0]!.message, /cannot read Docker at unix:.*500.*daemon busy; retrying/);
    assert.equal(serverUrls(failing, 'two').length, 1, 'the last known routes stay');

    failListing = false;
    containers.delete('two');
    events!.write(`${JSON.stringify({ Type: 'container', Action: 'destroy', Actor: { ID: 'two' } })}\n`);
    const recovered = await recorder.waitFor((s) => s.issues.length === 0, 'recovery');
    assert.deepEqual(Object.keys(recovered.config.http.routers), ['r-one']);
  } finally {
    await recorder.provider.stop();
  }
});
