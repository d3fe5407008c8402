import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { DockerSandbox, dockerReady } from '../helpers/docker-env.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';

const skip = await dockerReady();

/** A raw TCP server in the echo image: greets with its hostname, then echoes what it gets. */
const GREETING_ECHO = ['nc', '-ll', '-p', '9000', '-e', 'sh', '-c', 'echo "hello from $(hostname)"; exec cat'];
/** Echoes bytes unchanged: stands for a TLS server, since passthrough must not touch the stream. */
const PLAIN_ECHO = ['nc', '-ll', '-p', '9443', '-e', 'cat'];

/** Connects, sends `text`, and resolves with what arrived once it contains `text`, or rejects. */
function talk(port: number, text: string | Buffer, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no echo within ${timeoutMs} ms; got ${JSON.stringify(received.toString('latin1'))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.includes(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`closed; got ${JSON.stringify(received.toString('latin1'))}`));
    });
    socket.write(text);
  });
}

/** The first flight node:tls sends for `servername`: a real ClientHello, captured without a network. */
function clientHello(servername: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        resolve(Buffer.from(chunk));
        done();
        // The handshake writes while tlsConnect is still running: stop it once that returned.
        setImmediate(() => tls.destroy());
      },
    });
    const tls = tlsConnect({ socket: wire, servername });
    tls.on('error', () => undefined);
  });
}

describe('traefik.tcp.* labels on real containers', { skip }, () => {
  const sandbox = new DockerSandbox();
  let portier: RunningPortier;
  const ports = { raw: 0, edge: 0, guarded: 0, api: 0 };

  before(async () => {
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
    const dir = tempDir({
      'portier.yml': `entryPoints:
  raw: { address: "127.0.0.1:${ports.raw}" }
  edge: { address: "127.0.0.1:${ports.edge}" }
  guarded: { address: "127.0.0.1:${ports.guarded}" }
  traefik: { address: "127.0.0.1:${ports.api}" }
api: { insecure: true, dashboard: false }
providers:
  docker:
    exposedByDefault: false
    constraints: "${sandbox.constraint}"
`,
    });
    portier = await startPortier(['-c', `${dir}/portier.yml`]);
  });

  after(async () => {
    await portier?.stop();
    await sandbox.cleanup();
  });

  test('HostSNI(`*`) on a plain entry point reaches the containers of a TCP service, in turn', async () => {
    const labels = {
      'traefik.enable': 'true',
      'traefik.tcp.routers.echo.rule': 'HostSNI(`*`)',
      'traefik.tcp.routers.echo.entrypoints': 'raw',
      'traefik.tcp.routers.echo.service': 'echo',
      'traefik.tcp.services.echo.loadbalancer.server.port': '9000',
    };
    const ids = await Promise.all(
      ['tcp-a', 'tcp-b'].map((base) => sandbox.run(sandbox.name(base), { labels, command: GREETING_ECHO })),
    );
    const hostnames = new Set(ids.map((id) => id.slice(0, 12)));
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const answer = await talk(ports.raw, 'ping\n').catch(() => undefined);
        const host = answer && /hello from (\S+)/.exec(answer.toString())?.[1];
        if (host) seen.add(host);
        return seen.size === 2;
      },
      15_000,
      'both TCP containers answering through the raw entry point',
    );
    assert.deepEqual(seen, hostnames);
    const answer = (await talk(ports.raw, 'over TCP\n')).toString();
    assert.match(answer, /^hello from \S+\nover TCP\n$/);

    // A container with only TCP labels gets no HTTP router (as in Traefik).
    const routers = (await (await fetch(`http://127.0.0.1:${ports.api}/api/http/routers`)).json()) as {
      name: string;
    }[];
    assert.deepEqual(
      routers.filter((router) => router.name.endsWith('@docker')),
      [],
    );
    const service = (await (await fetch(`http://127.0.0.1:${ports.api}/api/tcp/services/echo@docker`)).json()) as {
      status: string;
      loadBalancer: { servers: { address: string }[] };
      usedBy: string[];
    };
    assert.equal(service.status, 'enabled');
    assert.equal(service.loadBalancer.servers.length, 2);
    assert.match(service.loadBalancer.servers[0]!.address, /^172\.\d+\.\d+\.\d+:9000$/);
    assert.deepEqual(service.usedBy, ['echo@docker']);
  });

  test('a TCP middleware from labels guards its router: ipAllowList cuts off clients outside the range', async () => {
    await sandbox.run(sandbox.name('tcp-guarded'), {
      command: GREETING_ECHO,
      labels: {
        'traefik.enable': 'true',
        'traefik.tcp.routers.guarded.rule': 'HostSNI(`*`)',
        'traefik.tcp.routers.guarded.entrypoints': 'guarded',
        'traefik.tcp.routers.guarded.middlewares': 'lan-only',
        'traefik.tcp.middlewares.lan-only.ipallowlist.sourcerange': '10.0.0.0/8, 192.168.0.0/16',
        'traefik.tcp.services.guarded.loadbalancer.server.port': '9000',
      },
    });
    await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${ports.api}/api/tcp/routers/guarded@docker`);
        return response.ok && ((await response.json()) as { status: string }).status === 'enabled';
      },
      15_000,
      'the guarded TCP router',
    );
    // Closed with nothing sent: neither the container's greeting nor an HTTP answer.
    await assert.rejects(talk(ports.guarded, 'ping\n'), /^Error: closed; got ""$|ECONNRESET/);
    const middleware = (await (
      await fetch(`http://127.0.0.1:${ports.api}/api/tcp/middlewares/lan-only@docker`)
    ).json()) as { type: string; ipAllowList: { sourceRange: string[] }; usedBy: string[] };
    assert.equal(middleware.type, 'ipallowlist');
    assert.deepEqual(middleware.ipAllowList.sourceRange, ['10.0.0.0/8', '192.168.0.0/16']);
    assert.deepEqual(middleware.usedBy, ['guarded@docker']);
  });

  test('TLS passthrough by SNI: the ClientHello reaches the container byte for byte', async () => {
    await sandbox.run(sandbox.name('tls-pass'), {
      command: PLAIN_ECHO,
      labels: {
        'traefik.enable': 'true',
        'traefik.tcp.routers.pass.rule': 'HostSNI(`pass.docker.test`)',
        'traefik.tcp.routers.pass.entrypoints': 'edge',
        'traefik.tcp.routers.pass.tls.passthrough': 'true',
        'traefik.tcp.services.pass.loadbalancer.server.port': '9443',
      },
    });
    const hello = await clientHello('pass.docker.test');
    let echoed: Buffer | undefined;
    await waitFor(
      async () => {
        echoed = await talk(ports.edge, hello).catch(() => undefined);
        return echoed !== undefined;
      },
      15_000,
      'the passthrough router to the container',
    );
    assert.ok(echoed!.equals(hello), 'the backend got exactly the client bytes');
    const router = (await (await fetch(`http://127.0.0.1:${ports.api}/api/tcp/routers/pass@docker`)).json()) as {
      status: string;
      tls: { passthrough: boolean };
      using: string[];
    };
    assert.deepEqual([router.status, router.tls.passthrough, router.using], ['enabled', true, ['edge']]);
  });
});
