import type { Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, createServer as createTlsServer, TLSSocket, type Server as TlsServer } from 'node:tls';
import { OpenConnections } from '../tcp/open-connections.js';
import type { TcpRoute, TcpTable } from '../tcp/tcp-routing.js';
import { logger } from '../observability/logger.js';
import { parseClientHello, TLS_HANDSHAKE } from './client-hello.js';
import { clientCertificateAccepted, requestsClientCertificate, type CompiledTlsOptions } from './options.js';
import type { PemPair } from './self-signed.js';
import type { TlsManager } from './tls-manager.js';

/** The HTTP/2 connection preface a client with prior knowledge (h2c) starts with. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const MAX_HELLO_BYTES = 16_384 + 5;
/** RFC 8737: the ALPN protocol of TLS-ALPN-01 validation connections. */
const ACME_TLS_ALPN = 'acme-tls/1';

export interface ConnectionTargets {
  /** Serves a plain HTTP/1.1 connection (or one already decrypted). */
  http1: (socket: Duplex) => void;
  http2: Http2Server;
  tls: TlsManager;
  /** The TLS-ALPN-01 certificate for a name while an ACME challenge for it is open. */
  acmeChallenge?: (serverName: string) => { cert: string; key: string } | undefined;
  /** Time a client gets to send its first bytes and finish the TLS handshake. */
  handshakeTimeoutMs: number;
  entryPoint: string;
  /** The entry point's TCP routers in the current configuration. */
  tcp?: () => TcpTable | undefined;
}

/**
 * One port, as in Traefik, serves plain HTTP/1.1, h2c with prior knowledge, and TLS (HTTP/1.1 or
 * h2 by ALPN): the first bytes tell them apart. For TLS the ClientHello is read first so that
 * the server name picks the TLS options (client auth, versions) before the handshake starts.
 */
export class ConnectionMux {
  /**
   * One TLS server per (options, certificate) in use. The certificate is picked from the SNI name
   * before the handshake rather than in an SNICallback: OpenSSL keeps the first context's key
   * type when switching, so an RSA certificate behind an EC default would not be served.
   */
  private readonly tlsServerFor = cachedPerPair((options: CompiledTlsOptions, certificate: PemPair) =>
    this.createTlsServer(options, certificate),
  );
  /** Building a context parses the key and certificate: once per pair, not once per TCP connection. */
  private readonly secureContextFor = cachedPerPair((options: CompiledTlsOptions, certificate: PemPair) =>
    createSecureContext({ ...options.context, ...certificate }),
  );

  /** Connections handed to TCP routers, which shutdown lets finish within graceTimeOut. */
  readonly tcpConnections = new OpenConnections();

  constructor(private readonly targets: ConnectionTargets) {}

  readonly accept = (socket: Socket): void => {
    socket.on('error', () => socket.destroy());
    const plainTcp = this.targets.tcp?.()?.matchBeforeFirstBytes(socket.remoteAddress ?? '');
    if (plainTcp) {
      this.serveTcp(plainTcp, socket, socket);
      return;
    }
    socket.setTimeout(this.targets.handshakeTimeoutMs, () => socket.destroy());
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
      const plainTcp = this.targets.tcp?.()?.matchPlain(socket.remoteAddress ?? '');
      if (plainTcp) {
        this.serveTcp(plainTcp, socket, socket);
        return true;
      }
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
    socket.setTimeout(0);
    if (hello.complete && hello.serverName && hello.alpn.includes(ACME_TLS_ALPN)) {
      const challenge = this.targets.acmeChallenge?.(hello.serverName);
      if (challenge) {
        answerAcmeChallenge(socket, challenge);
        return true;
      }
    }
    const serverName = hello.complete ? hello.serverName : undefined;
    const tcpRoute = this.targets.tcp?.()?.matchTls({
      serverName: serverName?.toLowerCase() ?? '',
      clientIp: socket.remoteAddress ?? '',
      alpn: hello.complete ? hello.alpn : [],
    });
    if (tcpRoute?.passthrough) {
      this.serveTcp(tcpRoute, socket, socket);
      return true;
    }
    // A TCP router's own options, whatever its rule matched on: its client-certificate check holds.
    const choice = this.targets.tls.choose(serverName, tcpRoute?.tlsOptions);
    if (!choice.certificate) {
      socket.destroy();
      return true;
    }
    if (tcpRoute) {
      this.terminateForTcp(socket, choice.options, choice.certificate, tcpRoute);
      return true;
    }
    // node's http server accepts half-open sockets; a TLS client that hangs up mid-handshake
    // (it refused the certificate) would then leave its socket in CLOSE-WAIT, holding shutdown.
    socket.allowHalfOpen = false;
    this.tlsServerFor(choice.options, choice.certificate).emit('connection', socket);
    return true;
  }

  private createTlsServer(options: CompiledTlsOptions, certificate: PemPair): TlsServer {
    const server = createTlsServer({
      ...options.context,
      ...certificate,
      ALPNProtocols: options.alpnProtocols ?? ['h2', 'http/1.1'],
      handshakeTimeout: this.targets.handshakeTimeoutMs,
      requestCert: requestsClientCertificate(options),
      rejectUnauthorized: false,
    });
    server.on('secureConnection', (socket: TLSSocket) => this.onSecure(socket, options));
    server.on('tlsClientError', (error, socket) => {
      logger.debug({ err: error, entryPoint: this.targets.entryPoint }, 'TLS handshake failed');
      // node leaves the socket open after a handshake timeout.
      socket.destroy();
    });
    return server;
  }

  /** A TCP router with `tls` (no passthrough): decrypt here, send the plain stream on. */
  private terminateForTcp(socket: Socket, options: CompiledTlsOptions, certificate: PemPair, route: TcpRoute): void {
    const secure = new TLSSocket(socket, {
      isServer: true,
      secureContext: this.secureContextFor(options, certificate),
      requestCert: requestsClientCertificate(options),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => secure.destroy(), this.targets.handshakeTimeoutMs);
    secure.once('secure', () => {
      clearTimeout(timer);
      // The same client authentication as HTTPS on these options (mTLS for TCP services).
      if (clientCertificateAccepted(secure, options)) this.serveTcp(route, socket, secure);
      else secure.destroy();
    });
    secure.on('error', () => {
      clearTimeout(timer);
      secure.destroy();
    });
  }

  /** `stream` is `socket` itself, or the TLS session decrypting it. */
  private serveTcp(route: TcpRoute, socket: Socket, stream: Duplex): void {
    this.tcpConnections.add(socket);
    route.serve(stream, socket.remoteAddress);
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

/** Memoises `make` per (first, second) pair, holding neither key alive once a new configuration drops it. */
function cachedPerPair<A extends object, B extends object, V>(make: (a: A, b: B) => V): (a: A, b: B) => V {
  const cache = new WeakMap<A, WeakMap<B, V>>();
  return (a, b) => {
    let byB = cache.get(a);
    if (!byB) cache.set(a, (byB = new WeakMap()));
    let value = byB.get(b);
    if (value === undefined) byB.set(b, (value = make(a, b)));
    return value;
  };
}

/** RFC 8737: the validation server only completes the handshake with the challenge certificate. */
function answerAcmeChallenge(socket: Socket, challenge: { cert: string; key: string }): void {
  const server = createTlsServer({ ...challenge, ALPNProtocols: [ACME_TLS_ALPN] });
  server.on('secureConnection', (secure: TLSSocket) => secure.end());
  server.on('tlsClientError', () => socket.destroy());
  server.emit('connection', socket);
}
