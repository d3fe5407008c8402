import type { Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { logger } from '../observability/logger.js';
import { parseClientHello, TLS_HANDSHAKE } from './client-hello.js';
import { clientCertificateAccepted, requestsClientCertificate, type CompiledTlsOptions } from './options.js';
import type { TlsManager } from './tls-manager.js';

/** The HTTP/2 connection preface a client with prior knowledge (h2c) starts with. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const MAX_HELLO_BYTES = 16_384 + 5;

export interface ConnectionTargets {
  /** Serves a plain HTTP/1.1 connection (or one already decrypted). */
  http1: (socket: Duplex) => void;
  http2: Http2Server;
  tls: TlsManager;
  /** Time a client gets to send its first bytes and finish the TLS handshake. */
  handshakeTimeoutMs: number;
  entryPoint: string;
}

/**
 * One port, as in Traefik, serves plain HTTP/1.1, h2c with prior knowledge, and TLS (HTTP/1.1 or
 * h2 by ALPN): the first bytes tell them apart. For TLS the ClientHello is read first so that
 * the server name picks the TLS options (client auth, versions) before the handshake starts.
 */
export class ConnectionMux {
  private readonly tlsServers = new WeakMap<CompiledTlsOptions, TlsServer>();

  constructor(private readonly targets: ConnectionTargets) {}

  readonly accept = (socket: Socket): void => {
    socket.setTimeout(this.targets.handshakeTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length ? Buffer.concat([seen, chunk]) : chunk;
      const decided = this.route(socket, seen);
      if (decided) socket.off('data', onData);
    };
    socket.on('data', onData);
  };

  /** Hands the socket on once its first bytes say what it is; false while more bytes are needed. */
  private route(socket: Socket, seen: Buffer): boolean {
    if (seen[0] !== TLS_HANDSHAKE) {
      if (seen.length < H2_PREFACE.length && H2_PREFACE.subarray(0, seen.length).equals(seen)) return false;
      socket.pause();
      socket.unshift(seen);
      socket.setTimeout(0);
      const h2c = seen.subarray(0, H2_PREFACE.length).equals(H2_PREFACE);
      // The HTTP/2 session reads what was put back itself; the HTTP/1.1 parser needs a push.
      if (h2c) this.targets.http2.emit('connection', socket);
      else {
        this.targets.http1(socket);
        socket.resume();
      }
      return true;
    }
    const hello = parseClientHello(seen);
    if (!hello.complete && seen.length < MAX_HELLO_BYTES) return false;
    socket.pause();
    socket.unshift(seen);
    const choice = this.targets.tls.choose(hello.complete ? hello.serverName : undefined);
    if (choice.options.sniStrict && !(hello.complete && hello.serverName)) {
      socket.destroy();
      return true;
    }
    socket.setTimeout(0);
    this.tlsServerFor(choice.options, choice.defaultCertificate).emit('connection', socket);
    return true;
  }

  private tlsServerFor(options: CompiledTlsOptions, defaultCertificate: { cert: string; key: string }): TlsServer {
    let server = this.tlsServers.get(options);
    if (server) return server;
    server = createTlsServer({
      ...options.context,
      ...defaultCertificate,
      ALPNProtocols: options.alpnProtocols ?? ['h2', 'http/1.1'],
      handshakeTimeout: this.targets.handshakeTimeoutMs,
      requestCert: requestsClientCertificate(options),
      rejectUnauthorized: false,
      SNICallback: (name, done) => {
        const context = this.targets.tls.choose(name).secureContext(name);
        if (context) done(null, context);
        else done(new Error(`no certificate for "${name}" and sniStrict is set`));
      },
    });
    server.on('secureConnection', (socket: TLSSocket) => this.onSecure(socket, options));
    server.on('tlsClientError', (error) =>
      logger.debug({ err: error, entryPoint: this.targets.entryPoint }, 'TLS handshake failed'),
    );
    this.tlsServers.set(options, server);
    return server;
  }

  private onSecure(socket: TLSSocket, options: CompiledTlsOptions): void {
    if (!clientCertificateAccepted(socket, options)) {
      logger.debug({ entryPoint: this.targets.entryPoint, options: options.name }, 'client certificate refused');
      socket.destroy();
      return;
    }
    if (socket.alpnProtocol === 'h2') this.targets.http2.emit('connection', socket);
    else this.targets.http1(socket);
  }
}
