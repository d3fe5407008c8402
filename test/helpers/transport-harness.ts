import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { ServersTransportConfig, ServiceConfig } from '../../src/config/dynamic/types.js';
import type { StaticConfig } from '../../src/config/static/types.js';
import { ServiceBuilder } from '../../src/runtime/build-services.js';
import type { ServiceLayer } from '../../src/runtime/portier.js';
import { createServiceLayer } from '../../src/runtime/service-layer.js';
import type { ConnectionTracker } from '../../src/runtime/transport/connection-tracking.js';
import { startProxy, type Running } from './proxy-harness.js';
import type { TestCert } from './tls-certs.js';

/** What an https test upstream saw of one request's connection. */
export interface TlsRequestSeen {
  /** SNI the proxy sent ('' for none). */
  servername: string;
  /** CN of the client certificate, '' without one. */
  clientCn: string;
}

/** A test upstream that counts its connections. */
export interface CountedUpstream extends Running {
  seen: TlsRequestSeen[];
  /** TCP connections accepted so far, and those still open. */
  accepted: number;
  open: number;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
const answerOk: Listener = (_req, res) => res.end('ok');

/** A real https upstream on loopback that records SNI and client certificates; `handler` answers. */
export function startHttpsUpstream(options: ServerOptions, handler = answerOk): Promise<CountedUpstream> {
  const seen: TlsRequestSeen[] = [];
  const server = createHttpsServer(options, (req, res) => {
    const socket = req.socket as TLSSocket;
    const cn = socket.getPeerCertificate()?.subject?.CN;
    seen.push({ servername: socket.servername || '', clientCn: typeof cn === 'string' ? cn : '' });
    handler(req, res);
  });
  return listenCounted(server, 'https', seen);
}

/** A real https upstream that also speaks HTTP/2 (by ALPN); `handler` answers. */
export function startHttp2Upstream(options: ServerOptions, handler = answerOk): Promise<CountedUpstream> {
  const server = createSecureServer({ ...options, allowHTTP1: true }, handler as never);
  return listenCounted(server, 'https', []);
}

/** A server certificate for `localhost` whose only other name is the URI SAN `uri` (SPIFFE style). */
export function makeUriLeaf(dir: string, ca: TestCert, name: string, uri: string): TestCert {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:localhost,URI:${uri}\nextendedKeyUsage=serverAuth\n`);
  run(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]),
  );
  run(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'].concat([
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ]),
  );
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** A real plain-HTTP upstream on loopback; `handler` answers. */
export function startCountedUpstream(handler = answerOk): Promise<CountedUpstream> {
  return listenCounted(createHttpServer(handler), 'http', []);
}

async function listenCounted(server: Server, scheme: string, seen: TlsRequestSeen[]): Promise<CountedUpstream> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    upstream.accepted++;
    upstream.open++;
    sockets.add(socket);
    socket.once('close', () => {
      upstream.open--;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstream: CountedUpstream = {
    server: server as Running['server'],
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    seen,
    accepted: 0,
    open: 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  return upstream;
}

/** The real service layer, building one configuration's services the way the runtime does. */
export interface TransportRig {
  layer: ServiceLayer;
  /** Builds `services` with `transports` (names qualified `@file`) and swaps them in; returns a proxy per service. */
  apply(
    services: Record<string, ServiceConfig>,
    transports?: Record<string, ServersTransportConfig>,
  ): Promise<Record<string, { url?: string; error?: string }>>;
  close(): Promise<void>;
}

/** `trackConnection` is handed to the service layer as the metrics would be. */
export function transportRig(config: Partial<StaticConfig> = {}, trackConnection?: ConnectionTracker): TransportRig {
  const layer = createServiceLayer({ entryPoints: {}, providers: {}, ...config }, () => undefined, trackConnection);
  const proxies: Running[] = [];
  return {
    layer,
    apply: async (services, transports = {}) => {
      const built = new ServiceBuilder(services, new Map(), layer.build, transports).all();
      layer.retain(services);
      const result: Record<string, { url?: string; error?: string }> = {};
      for (const [name, { service, error }] of built) {
        if (!service) {
          result[name] = { error };
          continue;
        }
        const proxy = await startProxy((ctx) => service.handle(ctx));
        proxies.push(proxy);
        result[name] = { url: proxy.url };
      }
      return result;
    },
    close: async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await layer.close();
    },
  };
}
