import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startUdpEcho, udpClient, udpExchange, type UdpEcho } from '../helpers/udp-echo.js';

let portier: RunningPortier;
let dir: string;
const echoes: Record<'a' | 'b' | 'c', UdpEcho | undefined> = { a: undefined, b: undefined, c: undefined };
const clients: Socket[] = [];
const ports = { rr: 0, idle: 0, reload: 0, both: 0, spare: 0, api: 0 };

/** The answer's server tag and the source port it saw (one upstream socket per session). */
function parse(answer: string): { server: string; session: string } {
  const [server = '', session = ''] = answer.split(':');
  return { server, session };
}

async function client(): Promise<Socket> {
  const socket = await udpClient();
  clients.push(socket);
  return socket;
}

function dynamicConfig(reloadServers: ('a' | 'b' | 'c')[]): string {
  const servers = (names: ('a' | 'b' | 'c')[]) =>
    `{ loadBalancer: { servers: [${names.map((n) => `{ address: "127.0.0.1:${echoes[n]!.port}" }`).join(', ')}] } }`;
  return `udp:
  routers:
    rr: { entryPoints: [rr], service: rr-pair }
    idle: { entryPoints: [idle], service: idle-pair }
    reload: { entryPoints: [reload], service: reloaded }
    both: { entryPoints: [both-udp], service: only-c }
    broken: { entryPoints: [spare], service: only-cc-typo }
  services:
    rr-pair: ${servers(['a', 'b'])}
    idle-pair: ${servers(['a', 'b'])}
    reloaded: ${servers(reloadServers)}
    only-c: ${servers(['c'])}
    only-cc: ${servers(['c'])}
`;
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${ports.api}${path}`);
  assert.equal(response.status, 200, `${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The ports of the `reloaded` service's servers, as the API shows them now. */
async function reloadedServers(): Promise<number[]> {
  const service = await api<{ loadBalancer: { servers: { address: string }[] } }>('/api/udp/services/reloaded@file');
  return service.loadBalancer.servers.map((server) => Number(server.address.split(':')[1]));
}

before(async () => {
  echoes.a = await startUdpEcho('A');
  echoes.b = await startUdpEcho('B');
  echoes.c = await startUdpEcho('C');
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  dir = tempDir({ 'dynamic.yml': dynamicConfig(['a', 'b']) });
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:
  rr: { address: "127.0.0.1:${ports.rr}/udp" }
  idle: { address: "127.0.0.1:${ports.idle}/udp", udp: { timeout: 300ms } }
  reload: { address: "127.0.0.1:${ports.reload}/udp", udp: { timeout: 10s } }
  both-udp: { address: "127.0.0.1:${ports.both}/udp" }
  both-tcp: { address: "127.0.0.1:${ports.both}" }
  spare: { address: "127.0.0.1:${ports.spare}/udp" }
  traefik: { address: "127.0.0.1:${ports.api}" }
api: { insecure: true, dashboard: false }
providers:
  file: { filename: dynamic.yml, watch: true }
`,
  );
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  for (const socket of clients) socket.close();
  await portier?.stop();
  await Promise.all(Object.values(echoes).flatMap((echo) => (echo ? [echo.close()] : [])));
});

test('each client gets its own session: the same server while it talks, the next server for the next client', async () => {
  const first = await client();
  const second = await client();
  const one = parse(await udpExchange(first, ports.rr, 'one'));
  const two = parse(await udpExchange(second, ports.rr, 'two'));
  assert.notEqual(one.server, two.server, 'two sessions alternate between the two servers');
  assert.deepEqual(new Set([one.server, two.server]), new Set(['A', 'B']));
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(parse(await udpExchange(first, ports.rr, `again${i}`)), one, 'answers stay in the session');
    assert.deepEqual(parse(await udpExchange(second, ports.rr, `again${i}`)), two);
  }
  assert.match(await udpExchange(first, ports.rr, 'payload kept'), /^[AB]:\d+:payload kept$/);
});

test('a session idle for udp.timeout ends: the next datagram opens a new one on the next server', async () => {
  const socket = await client();
  const opened = parse(await udpExchange(socket, ports.idle, 'hello'));
  // Talking more often than the timeout keeps the session.
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(parse(await udpExchange(socket, ports.idle, 'still here')), opened);
  }
  await new Promise((resolve) => setTimeout(resolve, 600));
  const reopened = parse(await udpExchange(socket, ports.idle, 'back'));
  assert.notEqual(reopened.session, opened.session, 'a new upstream socket after the idle timeout');
  assert.notEqual(reopened.server, opened.server, 'the new session is balanced again');
});

test('a reload keeps sessions whose server is still configured and ends those whose server left', async () => {
  const socket = await client();
  const before = parse(await udpExchange(socket, ports.reload, 'before'));
  const kept = before.server === 'A' ? 'a' : 'b';
  writeFileSync(join(dir, 'dynamic.yml'), dynamicConfig([kept, 'c']));
  await waitFor(async () => (await reloadedServers()).includes(echoes.c!.port), 5000, 'the first reload');
  assert.deepEqual(parse(await udpExchange(socket, ports.reload, 'after')), before, 'same server, same session');

  writeFileSync(join(dir, 'dynamic.yml'), dynamicConfig(['c']));
  await waitFor(async () => (await reloadedServers()).length === 1, 5000, 'the second reload');
  assert.equal(parse(await udpExchange(socket, ports.reload, 'moved')).server, 'C', 'its server left: a new session');
});

test('a TCP and a UDP entry point on the same port number serve side by side', async () => {
  const socket = await client();
  assert.equal(parse(await udpExchange(socket, ports.both, 'dgram')).server, 'C');
  const response = await fetch(`http://127.0.0.1:${ports.both}/`);
  assert.equal(response.status, 404, 'the TCP entry point answers HTTP (no HTTP router there)');
  await response.arrayBuffer();
});

test('a UDP router naming a missing service is disabled with a did-you-mean; the others keep serving', async () => {
  const broken = await api<{ status: string; error: string[] }>('/api/udp/routers/broken@file');
  assert.equal(broken.status, 'disabled');
  assert.match(broken.error.join('\n'), /"only-cc-typo@file" does not exist \(did you mean "only-cc@file"\?\)/);
  const routers = await api<{ name: string; status: string }[]>('/api/udp/routers?status=enabled');
  assert.deepEqual(routers.map((r) => r.name).sort(), ['both@file', 'idle@file', 'reload@file', 'rr@file']);
  await assert.rejects(udpExchange(await client(), ports.spare, 'nobody', 300), /no UDP answer/);
  assert.match(await udpExchange(await client(), ports.rr, 'still'), /^[AB]:/);
  const overview = await api<{ udp: { routers: { total: number; errors: number } } }>('/api/overview');
  assert.deepEqual(overview.udp.routers, { total: 5, warnings: 0, errors: 1 });
  assert.match(portier.logs(), /UDP router broken@file: .*does not exist/);
});

test('portier check reports the broken UDP router with its did-you-mean', async () => {
  const bin = resolve(import.meta.dirname, '../../bin/portier.js');
  const run = promisify(execFile)(process.execPath, [bin, 'check', '-c', join(dir, 'portier.yml')], { cwd: dir });
  const failure = (await run.then(
    () => assert.fail('check passed a configuration with a broken UDP router'),
    (error: unknown) => error,
  )) as { code: number; stdout: string; stderr: string };
  assert.equal(failure.code, 1);
  assert.match(failure.stdout + failure.stderr, /broken@file: the UDP service "only-cc-typo@file" does not exist/);
});
