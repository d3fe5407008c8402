import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseDuration } from '../config/duration.js';
import type { EntryPointConfig } from '../config/static/types.js';
import { logger } from '../observability/logger.js';
import type { RequestContext } from './context.js';
import { parseListenAddress } from './listen-address.js';
import { forwardedHeadersFilter } from './forwarded-trust.js';
import { createRequestContext } from './request-context.js';

export type Dispatch = (ctx: RequestContext) => void;
export type RequestObserver = (ctx: RequestContext, status: number, bytesSent: number) => void;

/**
 * One listener. It turns each request (plain, `Expect: 100-continue`, or Upgrade) into a
 * RequestContext and hands it to `dispatch`; on shutdown it stops accepting and lets in-flight
 * requests finish within the grace period.
 */
export class EntryPoint {
  private readonly server: Server;
  private readonly info: { name: string; scheme: 'http'; port: number };
  private inFlight = 0;
  private draining = false;
  private readonly dropUntrustedForwarded: ReturnType<typeof forwardedHeadersFilter>;
  private drained: (() => void) | undefined;

  constructor(
    readonly name: string,
    private readonly config: EntryPointConfig,
    private readonly dispatch: Dispatch,
    private readonly observe?: RequestObserver,
  ) {
    const timeouts = config.transport?.respondingTimeouts ?? {};
    const key = `entryPoints.${name}.transport.respondingTimeouts`;
    this.server = createServer({
      requestTimeout: parseDuration(timeouts.readTimeout ?? '60s', `${key}.readTimeout`),
      keepAliveTimeout: parseDuration(timeouts.idleTimeout ?? '180s', `${key}.idleTimeout`),
      headersTimeout: 60_000,
    });
    this.info = { name, scheme: 'http', port: 0 };
    this.dropUntrustedForwarded = forwardedHeadersFilter(name, config);
    this.server.on('request', (req, res) => this.onRequest(req, res));
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
        resolve();
      });
    });
    const bound = this.server.address();
    this.info.port = typeof bound === 'object' && bound ? bound.port : 0;
  }

  get port(): number {
    return this.info.port;
  }

  /** Stops accepting, waits for in-flight requests up to `graceMs`, then closes what is left. */
  async shutdown(graceMs: number): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    this.server.closeAllConnections();
    await closed;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.dropUntrustedForwarded(req.headers, req.socket.remoteAddress);
    const ctx = createRequestContext(req, res, this.info);
    if (this.draining) res.setHeader('connection', 'close');
    this.track(ctx);
    this.dispatch(ctx);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.dropUntrustedForwarded(req.headers, req.socket.remoteAddress);
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    const ctx = createRequestContext(req, res, this.info);
    ctx.upgrade = { socket, head };
    this.track(ctx);
    this.dispatch(ctx);
  }

  private track(ctx: RequestContext): void {
    this.inFlight++;
    const socket = ctx.req.socket;
    const bytesBefore = socket.bytesWritten;
    ctx.res.once('close', () => {
      this.observe?.(ctx, ctx.res.statusCode, socket.bytesWritten - bytesBefore);
      if (--this.inFlight === 0 && this.draining) this.drained?.();
    });
  }
}
