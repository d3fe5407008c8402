import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './portier.js';
import { makeLeaf, type TestCert } from './tls-certs.js';

export interface Pebble {
  /** The ACME directory URL. */
  directory: string;
  /** Pebble's (per-run) root CA, which signs the certificates it issues. */
  root(): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's pebble (Let's Encrypt's test CA) on loopback, validating challenges against
 * `httpPort` / `tlsPort` on 127.0.0.1: its DNS lookups go to pebble-challtestsrv, which answers
 * 127.0.0.1 for every name. `ca` signs pebble's own HTTPS certificate (the client must trust it).
 */
export async function startPebble(dir: string, ca: TestCert, ports: { httpPort: number; tlsPort: number }) {
  const [acmePort, managementPort, dnsPort, dnsManagementPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const listener = makeLeaf(dir, ca, 'pebble', ['localhost', 'IP:127.0.0.1']);
  const config = join(dir, 'pebble.json');
  writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: listener.certFile,
        privateKey: listener.keyFile,
        httpPort: ports.httpPort,
        tlsPort: ports.tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  let output = '';
  const children: ChildProcess[] = [
    spawn(
      'pebble-challtestsrv',
      ['-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv6', ''].concat([
        '-management',
        `127.0.0.1:${dnsManagementPort}`,
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
    spawn('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], {
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ];
  for (const child of children) {
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }
  await waitFor(() => /Listening on/.test(output), 10_000, `pebble to start:\n${output}`);
  const management = `https://127.0.0.1:${managementPort}`;
  return {
    directory: `https://127.0.0.1:${acmePort}/dir`,
    root: async () => {
      const { request } = await import('node:https');
      return new Promise<string>((resolve, reject) => {
        request(`${management}/roots/0`, { ca: ca.cert }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
    },
    logs: () => output,
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  } satisfies Pebble;
}
