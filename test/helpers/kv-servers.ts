/**
 * Throwaway etcd, Redis and ZooKeeper servers for the KV tests: each on free loopback ports, with
 * its data in a temp directory that survives `restart()` (so a test can show routes coming back).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './portier.js';

export type KvServerKind = 'etcd' | 'redis' | 'zookeeper';

export interface KvServer {
  kind: KvServerKind;
  /** `127.0.0.1:port`, as `providers.<kind>.endpoints` takes it. */
  endpoint: string;
  /** Kills the server (SIGKILL) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Kills it, leaving it down until `start()`. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Recipe {
  command: string;
  args: string[];
  /** The line the server answers a one-line request with once it serves. */
  probe: { send: string; expect: RegExp };
}

function recipe(kind: KvServerKind, dir: string, port: number, peerPort: number): Recipe {
  switch (kind) {
    case 'etcd': {
      const peer = `http://127.0.0.1:${peerPort}`;
      const client = `http://127.0.0.1:${port}`;
      return {
        command: 'etcd',
        args: [
          ...['--name', 'kv-test', '--data-dir', join(dir, 'data'), '--log-level', 'error'],
          ...['--listen-client-urls', client, '--advertise-client-urls', client],
          ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer],
          ...['--initial-cluster', `kv-test=${peer}`],
        ],
        probe: { send: 'GET /health HTTP/1.0\r\n\r\n', expect: /"health":\s*"true"/ },
      };
    }
    case 'redis':
      return {
        command: 'redis-server',
        args: [
          ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
          ...['--appendonly', 'yes', '--appendfsync', 'always'],
        ],
        probe: { send: 'PING\r\n', expect: /PONG/ },
      };
    case 'zookeeper': {
      const config = join(dir, 'zoo.cfg');
      writeFileSync(
        config,
        [
          'tickTime=500',
          `dataDir=${join(dir, 'data')}`,
          `clientPort=${port}`,
          'clientPortAddress=127.0.0.1',
          'admin.enableServer=false',
          '4lw.commands.whitelist=ruok',
        ].join('\n'),
      );
      return {
        command: 'java',
        args: [
          '-Xmx128m',
          '-cp',
          '/etc/zookeeper/conf:/usr/share/java/zookeeper.jar',
          'org.apache.zookeeper.server.ZooKeeperServerMain',
          config,
        ],
        probe: { send: 'ruok', expect: /imok/ },
      };
    }
  }
}

/** `extraArgs` go to the server's command line (e.g. Redis `--rename-command CONFIG ""`). */
export async function startKvServer(kind: KvServerKind, extraArgs: string[] = []): Promise<KvServer> {
  const dir = mkdtempSync(join(tmpdir(), `portier-kv-${kind}-`));
  const port = await freePort();
  const peerPort = await freePort();
  const { command, args: baseArgs, probe } = recipe(kind, dir, port, peerPort);
  const args = [...baseArgs, ...extraArgs];
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const current = child;
    await waitFor(
      async () => {
        if (current.exitCode !== null) throw new Error(`${kind} exited: ${output}`);
        return probe.expect.test(await ask(port, probe.send));
      },
      20_000,
      `${kind} to serve on ${port}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
  };
  const kill = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    await new Promise<void>((done) => {
      current.once('exit', () => done());
      current.kill('SIGKILL');
    });
  };
  await start();
  return {
    kind,
    endpoint: `127.0.0.1:${port}`,
    start,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends one request on a fresh connection and returns what came back before the server closed or 500 ms. */
function ask(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), 500);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (/PONG|imok|\}/.test(answer)) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}
