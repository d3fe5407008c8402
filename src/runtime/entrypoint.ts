import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { parseDuration } from '../config/duration.js';
import { ENTRY_POINT_DEFAULTS } from '../config/static/entry-point-defaults.js';
import type { EntryPointConfig } from '../config/static/types.js';
import { logger } from '../observability/logger.js';
import type { RequestContext } from './context.js';
import { parseListenAddress } from './listen-address.js';
import { forwardedHeadersFilter } from './forwarded-trust.js';
import { createRequestContext, type EntryPointInfo } from './request-context.js';
import { ConnectionMux, type ConnectionTargets } from '../tls/connection-mux.js';
import { bodyBytesSent, CountedHttp2Response, CountedResponse } from './counted-response.js';
import type { TlsManager } from '../tls/tls-manager.js';
import type { OpenConnections } from '../tcp/open-connections.js';

export type Dispatch = (ctx: RequestContext) => void;
/** Called when a response has finished; `bytesSent` counts the body bytes of this request alone. */
export type RequestObserver = (ctx: RequestContext, status: number, bytesSent: number) => void;
/** Called for each accepted client connection; the returned function when it closes. */
export type ConnectionObserver = (entryPoint: string) => () => void;

/** Longest a client may take to send its first bytes and finish a TLS handshake. */
const MAX_HANDSHAKE_MS = 10_000;

/**
 * One listener, serving plain HTTP/1.1, h2c and TLS (HTTP/1.1 and h2) on the same port. It turns each request (plain, `Expect: 100-continue`, or Upgrade) into a
 * RequestContext and hands it to `dispatch`; on shutdown it stops accepting and lets in-flight
 * requests finish within the grace period.
 */
export class EntryPoint {
  private readonly server: Server;
  private readonly http2: Http2Server;
  private readonly http2Sessions = new Set<Http2Session>();
  private readonly sockets = new Set<Socket>();
  private readonly info: { name: string; scheme: 'http'; port: number };
  private readonly tlsInfo: { name: string; scheme: 'https'; port: number };
  private inFlight = 0;
  private draining = false;
  private readonly dropUntrustedForwarded: ReturnType<typeof forwardedHeadersFilter>;
  private drained: (() => void) | undefined;
  /** Connections TCP routers hold (set when the mux is in place). */
  private tcpConnections: OpenConnections | undefined;

  constructor(
    readonly name: string,
    private readonly config: EntryPointConfig,
    private readonly dispatch: Dispatch,
    private readonly hooks: {
      observe?: RequestObserver;
      observeConnection?: ConnectionObserver;
      tls?: TlsManager;
      /** Request headers only Portier may set (the gateway's consumer header): dropped from clients. */
      reservedHeaders?: readonly string[];
      /** TLS-ALPN-01 certificates of open ACME challenges. */
      acmeChallenge?: (serverName: string) => { cert: string; key: string } | undefined;
      /** The TCP routers of this entry point in the current configuration. */
      tcp?: ConnectionTargets['tcp'];
    } = {},
  ) {
    const { tls, observeConnection, acmeChallenge } = hooks;
    const timeouts = { ...ENTRY_POINT_DEFAULTS.transport.respondingTimeouts, ...config.transport?.respondingTimeouts };
    const key = `entryPoints.${name}.transport.respondingTimeouts`;
    const readTimeout = parseDuration(timeouts.readTimeout, `${key}.readTimeout`);
    const idleTimeout = parseDuration(timeouts.idleTimeout, `${key}.idleTimeout`);
    this.server = createServer({
      ServerResponse: CountedResponse,
      requestTimeout: readTimeout,
      keepAliveTimeout: idleTimeout,
      // node refuses a headers timeout longer than the whole-request one.
      headersTimeout: readTimeout > 0 ? Math.min(60_000, readTimeout) : 60_000,
    });
    this.info = { name, scheme: 'http', port: 0 };
    this.tlsInfo = { name, scheme: 'https', port: 0 };
    this.http2 = createHttp2Server({ Http2ServerResponse: CountedHttp2Response });
    // Idle HTTP/2 connections are closed like idle HTTP/1.1 ones.
    this.http2.setTimeout(idleTimeout);
    this.http2.on('request', (req, res) =>
      this.onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse),
    );
    this.http2.on('session', (session) => {
      this.http2Sessions.add(session);
      session.once('close', () => this.http2Sessions.delete(session));
    });
    if (tls) this.interceptConnections(tls, readTimeout, acmeChallenge, hooks.tcp);
    this.dropUntrustedForwarded = forwardedHeadersFilter(name, config, hooks.reservedHeaders);
    this.server.on('request', (req, res) => this.onRequest(req, res));
    if (observeConnection) {
      this.server.on('connection', (socket: Socket) => socket.once('close', observeConnection(name)));
    }
    // The http server only tracks HTTP/1.1 connections: TLS handshakes and TCP routes are ours to end.
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('checkContinue', (req, res) => {
      res.writeContinue();
      this.onRequest(req, res);
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
    this.server.on('clientError', (error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      logger.debug({ err: error, entryPoint: name }, 'malformed request');
    });
  }

  async listen(): Promise<void> {
    const { host, port } = parseListenAddress(this.config.address, `entryPoints.${this.name}.address`);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        // Accept failures (EMFILE under load…) must be logged, never crash the process.
        this.server.on('error', (error) => logger.error({ err: error, entryPoint: this.name }, 'listener error'));
        resolve();
      });
    });
    const bound = this.server.address();
    this.info.port = typeof bound === 'object' && bound ? bound.port : 0;
    this.tlsInfo.port = this.info.port;
  }

  get port(): number {
    return this.info.port;
  }

  /**
   * Stops accepting, waits up to `graceMs` for in-flight requests and for the connections TCP
   * routers hold (a proxied database session is not cut at SIGTERM, as in Traefik), then closes
   * what is left.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const session of this.http2Sessions) session.close();
    const tcpOpen = (this.tcpConnections?.size ?? 0) > 0;
    if (this.inFlight > 0 || tcpOpen) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([
          this.inFlight > 0 ? new Promise<void>((resolve) => (this.drained = resolve)) : undefined,
          this.tcpConnections?.allClosed(),
        ]),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    for (const session of this.http2Sessions) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /**
   * The http server still listens (its timeouts and connection tracking start with `listen`),
   * but each new socket first goes through the mux, which hands plain HTTP/1.1 back to the
   * server's own connection handler and TLS / h2 elsewhere.
   */
  private interceptConnections(
    tls: TlsManager,
    readTimeoutMs: number,
    acmeChallenge: ConnectionTargets['acmeChallenge'],
    tcp: ConnectionTargets['tcp'],
  ): void {
    const [serveHttp1] = this.server.listeners('connection') as ((socket: Duplex) => void)[];
    if (!serveHttp1) throw new Error('node:http server without a connection handler');
    this.server.removeAllListeners('connection');
    const mux = new ConnectionMux({
      http1: (socket) => serveHttp1.call(this.server, socket),
      http2: this.http2,
      tls,
      acmeChallenge,
      tcp,
      handshakeTimeoutMs: Math.min(readTimeoutMs || MAX_HANDSHAKE_MS, MAX_HANDSHAKE_MS),
      entryPoint: this.name,
    });
    this.tcpConnections = mux.tcpConnections;
    this.server.on('connection', mux.accept);
  }

  private infoFor(req: IncomingMessage): EntryPointInfo {
    return (req.socket as TLSSocket).encrypted ? this.tlsInfo : this.info;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.dropUntrustedForwarded(req.headers, req.socket.remoteAddress);
    if (req.httpVersionMajor === 2) adaptHttp2Request(req);
    const ctx = createRequestContext(req, res, this.infoFor(req));
    if (this.draining && req.httpVersionMajor < 2) res.setHeader('connection', 'close');
    this.track(ctx);
    this.dispatch(ctx);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.dropUntrustedForwarded(req.headers, req.socket.remoteAddress);
    const res = new CountedResponse(req);
    res.assignSocket(socket as Socket);
    const ctx = createRequestContext(req, res, this.infoFor(req));
    ctx.upgrade = { socket, head };
    this.track(ctx);
    this.dispatch(ctx);
  }

  private track(ctx: RequestContext): void {
    this.inFlight++;
    ctx.res.once('close', () => {
      this.hooks.observe?.(ctx, ctx.res.statusCode, bodyBytesSent(ctx.res, ctx.req.method));
      if (--this.inFlight === 0 && this.draining) this.drained?.();
    });
  }
}

/**
 * An HTTP/2 request carries its host in `:authority` and may stream a body without a length;
 * the router and the HTTP/1.1 transport read `host` and `transfer-encoding`, so give them those.
 */
function adaptHttp2Request(req: IncomingMessage): void {
  const h2 = req as unknown as { authority?: string; stream?: { endAfterHeaders?: boolean } };
  if (req.headers.host === undefined && h2.authority) req.headers.host = h2.authority;
  if (req.headers['content-length'] === undefined && h2.stream?.endAfterHeaders === false) {
    req.headers['transfer-encoding'] = 'chunked';
  }
}
