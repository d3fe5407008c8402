import { logger } from '../../observability/logger.js';
import type { RequestContext } from '../context.js';
import { respond } from '../respond.js';
import { classifyUpstreamError } from './upstream-errors.js';
import type { UpstreamServer } from './upstreams.js';

export interface ForwardOptions {
  passHostHeader: boolean;
  /**
   * When nothing reached the upstream (refused, dial failure), resolve with the error and leave
   * the response untouched, so that the caller can send the request to another server.
   */
  retryUnreachable?: boolean;
}

/** The dial error when the caller may retry elsewhere (see `retryUnreachable`), else undefined. */
export type ForwardOutcome = Error | undefined;

/** Answers the client after an upstream failure, or hands the error back for a retry. */
export function handleUpstreamFailure(
  ctx: RequestContext,
  server: UpstreamServer,
  error: Error,
  options: ForwardOptions,
): ForwardOutcome {
  const kind = classifyUpstreamError(error);
  logger.debug({ upstream: server.url, err: error.message, kind }, 'upstream request failed');
  if (ctx.res.headersSent) {
    // The status line is gone already: cutting the connection is the only honest signal left.
    ctx.res.destroy();
    return undefined;
  }
  if (kind === 'unreachable') {
    if (options.retryUnreachable) return error;
    if (ctx.upstreamUnreachable?.(error)) return undefined;
  }
  if (kind === 'timeout') respond(ctx, 504, 'Gateway Timeout');
  else respond(ctx, 502, 'Bad Gateway');
  return undefined;
}
