import type { OutgoingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { RequestContext } from '../context.js';
import { handleUpstreamFailure, type ForwardOptions, type ForwardOutcome } from './failure.js';
import { clientResponseHeaders } from './response-headers.js';
import { forwardHttp2, isGrpc } from './http2-forward.js';
import { forwardUpgrade } from './upgrade.js';
import { classifyUpstreamError } from './upstream-errors.js';
import { canResend, hasStreamedBody, upstreamHeaders, upstreamPath } from './upstream-request.js';
import type { OriginPool } from './origin-pool.js';
import type { UpstreamServer } from './upstreams.js';

export type { ForwardOptions, ForwardOutcome } from './failure.js';

class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

/**
 * Relays one upstream response to the client as undici delivers it: the head once, then the
 * body chunk by chunk, pausing the upstream socket whenever the client cannot keep up.
 */
class ResponseRelay implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private clientGone = false;
  private settled = false;
  private resent = false;
  /** The pool the request is counted in, until it ends. */
  private pool: OriginPool | undefined;
  private readonly request: UpstreamDispatch;
  private readonly resume = (): void => this.controller?.resume();

  constructor(
    private readonly ctx: RequestContext,
    private readonly server: UpstreamServer,
    private readonly options: ForwardOptions,
    private readonly resolve: (outcome: ForwardOutcome) => void,
  ) {
    // First in line, so that listeners such as the access log already see the 499.
    ctx.res.prependOnceListener('close', this.onClientClose);
    this.request = upstreamRequest(ctx, server, options);
  }

  start(): void {
    const pool = this.server.upstreams.pool(this.server.origin);
    this.pool = pool;
    this.request.reset = !pool.begin();
    try {
      pool.dispatcher.dispatch(this.request, this);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private readonly onClientClose = (): void => {
    if (this.settled || this.ctx.res.writableFinished) return;
    this.clientGone = true;
    // Traefik's 499 (client closed request), for the access log that reads it on close.
    if (!this.ctx.res.headersSent) this.ctx.res.statusCode = 499;
    this.controller?.abort(new ClientGoneError());
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new ClientGoneError());
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: OutgoingHttpHeaders): void {
    // 1xx informational answers (103 Early Hints…) are not relayed; the final one follows.
    if (statusCode < 200) return;
    try {
      this.ctx.res.writeHead(statusCode, clientResponseHeaders(this.ctx, statusCode, headers));
    } catch (error) {
      controller.abort(error as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.ctx.res.write(chunk)) {
      controller.pause();
      this.ctx.res.once('drain', this.resume);
    }
  }

  onResponseEnd(): void {
    this.ctx.res.end();
    this.finish(undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.leavePool();
    if (this.mayResend(error)) {
      this.resent = true;
      this.controller = undefined;
      this.start();
      return;
    }
    if (this.clientGone) {
      this.ctx.res.destroy();
      this.finish(undefined);
      return;
    }
    this.finish(handleUpstreamFailure(this.ctx, this.server, error, this.options));
  }

  /**
   * A kept-alive connection that the server closed just as the request went out fails with a
   * reset before any answer. Like Go's transport (Traefik), resend such a request once, when
   * that is safe, instead of answering 502 for a server that is fine.
   */
  private mayResend(error: Error): boolean {
    return (
      !this.resent &&
      !this.clientGone &&
      !this.ctx.res.headersSent &&
      classifyUpstreamError(error) === 'dropped' &&
      canResend(this.ctx)
    );
  }

  private leavePool(): void {
    this.pool?.end();
    this.pool = undefined;
  }

  private finish(outcome: ForwardOutcome): void {
    this.leavePool();
    this.settled = true;
    this.ctx.res.off('close', this.onClientClose);
    this.ctx.res.off('drain', this.resume);
    this.resolve(outcome);
  }
}

/**
 * Sends the request, as the middlewares left it, to one upstream server and streams the answer
 * back. Never rejects: every failure is answered (502/504), handed to `ctx.upstreamUnreachable`,
 * or, when `options.retryUnreachable` lets the caller try elsewhere, resolved with the dial error.
 */
export function forward(ctx: RequestContext, server: UpstreamServer, options: ForwardOptions): Promise<ForwardOutcome> {
  ctx.upstreamUrl = server.url;
  if (ctx.upgrade) return forwardUpgrade(ctx, server, options);
  if (server.h2c || (server.secure && server.upstreams.options.http2 && isGrpc(ctx))) {
    return forwardHttp2(ctx, server, options);
  }
  // The client may have left while middlewares were busy; then there is nobody to answer.
  if (ctx.req.socket.destroyed) return Promise.resolve(undefined);
  return new Promise((resolve) => new ResponseRelay(ctx, server, options, resolve).start());
}

/** undici reads `servername` (the SNI) per request, though its types do not list it. */
type UpstreamDispatch = Dispatcher.DispatchOptions & { servername?: string | undefined };

function upstreamRequest(ctx: RequestContext, server: UpstreamServer, options: ForwardOptions): UpstreamDispatch {
  const headers = upstreamHeaders(ctx, server, options.passHostHeader, false);
  let body: Dispatcher.DispatchOptions['body'] = null;
  if (ctx.body) {
    body = ctx.body;
    delete headers['transfer-encoding'];
    headers['content-length'] = String(ctx.body.length);
  } else if (hasStreamedBody(ctx)) {
    body = ctx.req;
  }
  return {
    path: upstreamPath(ctx, server),
    method: ctx.req.method as Dispatcher.HttpMethod,
    headers,
    body,
    servername: server.servername,
  };
}
