import type { MiddlewareDeps } from '../middlewares/types.js';
import type { RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import { hasRequestBody } from '../runtime/request-body.js';

const PUBLIC_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export interface Rejection {
  status: number;
  /** The precise reason: logged, never sent to the client. */
  reason: string;
  /** Extra log fields (keyid, consumer…); never secrets. */
  detail?: Record<string, unknown>;
  headers?: Record<string, string | number | string[]>;
}

/** Answers with a generic message and logs the precise reason with the request's identity. */
export function reject(ctx: RequestContext, deps: MiddlewareDeps, rejection: Rejection): void {
  deps.log.warn(
    {
      middleware: deps.name,
      status: rejection.status,
      reason: rejection.reason,
      clientIp: ctx.clientIp,
      method: ctx.req.method,
      path: ctx.path,
      ...rejection.detail,
    },
    'gateway rejected request',
  );
  const body = PUBLIC_TEXT[rejection.status] ?? 'Request rejected';
  // An unread request body cannot be trusted to end soon: close instead of draining it.
  const close: Record<string, string> = hasRequestBody(ctx) && !ctx.req.complete ? { connection: 'close' } : {};
  respond(ctx, rejection.status, body, { ...close, ...rejection.headers });
}
