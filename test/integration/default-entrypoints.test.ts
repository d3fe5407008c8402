import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

/** Starts Portier on `entryPoints` (name → extra settings) with the dynamic file given; resolves with each entry point's port. */
async function portierWith(
  entryPoints: Record<string, string>,
  dynamic: string[],
): Promise<{ portier: RunningPortier; ports: Record<string, number> }> {
  const ports: Record<string, number> = {};
  for (const name of Object.keys(entryPoints)) ports[name] = await freePort();
  const dir = tempDir({
    'portier.yml': [
      'entryPoints:',
      ...Object.entries(entryPoints).map(
        ([name, extra]) => `  ${name}: { address: "127.0.0.1:${ports[name]}"${extra ? `, ${extra}` : ''} }`,
      ),
      'providers:',
      '  file: { filename: dynamic.yml }',
      '',
    ].join('\n'),
    'dynamic.yml': [...dynamic, ''].join('\n'),
  });
  return { portier: await startPortier(['-c', join(dir, 'portier.yml')]), ports };
}

describe('HTTP routers without entryPoints', () => {
  let portier: RunningPortier | undefined;
  let upstream: Upstream | undefined;
  let ports: Record<string, number>;

  before(async () => {
    upstream = await startEchoUpstream('app');
    ({ portier, ports } = await portierWith(
      // traefik is declared but not used by an insecure API: still never a default for routers.
      { web: '', traefik: '' },
      [
        'http:',
        '  routers:',
        '    app:',
        '      rule: "PathPrefix(`/`)"',
        '      service: app',
        '  services:',
        '    app:',
        `      loadBalancer: { servers: [{ url: "${upstream.url}" }] }`,
      ],
    ));
  });

  after(async () => {
    await portier?.stop();
    await upstream?.close();
  });

  it('attach to every entry point but traefik, as in Traefik', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${ports.web}/`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${ports.traefik}/`)).status, 404);
  });
});

/** Sends `text` on a new connection to `port` and resolves with the first answer, or `closed`. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('error', () => resolve('closed'));
    socket.once('close', () => resolve('closed'));
  });
}

describe('TCP routers without entryPoints', () => {
  let portier: RunningPortier | undefined;
  let database: Server | undefined;
  let ports: Record<string, number>;

  before(async () => {
    database = createServer((socket) => socket.on('data', (data) => socket.write(`db:${data.toString()}`)));
    await new Promise<void>((done) => database!.listen(0, '127.0.0.1', done));
    const address = `127.0.0.1:${(database.address() as AddressInfo).port}`;
    ({ portier, ports } = await portierWith(
      // Once one entry point is marked asDefault, only the marked ones are defaults; traefik never is.
      { web: '', db: 'asDefault: true', traefik: 'asDefault: true' },
      [
        'tcp:',
        '  routers:',
        '    db:',
        '      rule: "HostSNI(`*`)"',
        '      service: db',
        '  services:',
        '    db:',
        `      loadBalancer: { servers: [{ address: "${address}" }] }`,
      ],
    ));
  });

  after(async () => {
    await portier?.stop();
    await new Promise((done) => database?.close(done));
  });

  it('attach to the entry points marked asDefault, never to traefik', async () => {
    assert.equal(await exchange(ports.db!, 'ping\r\n\r\n'), 'db:ping\r\n\r\n');
    assert.doesNotMatch(await exchange(ports.web!, 'ping\r\n\r\n'), /^db:/, 'not on an entry point left unmarked');
    assert.doesNotMatch(await exchange(ports.traefik!, 'ping\r\n\r\n'), /^db:/, 'not on traefik, even marked');
  });
});
