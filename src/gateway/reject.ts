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

/**
 * A flood of bad credentials or a client over its rate limit must not become a flood of log
 * lines: each middleware logs at most this many rejections a second and counts the rest.
 */
const LOGGED_PER_SECOND = 20;
const logBudgets = new Map<string, { second: number; logged: number; suppressed: number }>();

function mayLog(middleware: string): { ok: boolean; suppressed: number } {
  const second = Math.floor(Date.now() / 1000);
  let budget = logBudgets.get(middleware);
  if (!budget) logBudgets.set(middleware, (budget = { second, logged: 0, suppressed: 0 }));
  if (budget.second !== second) {
    const suppressed = budget.suppressed;
    Object.assign(budget, { second, logged: 0, suppressed: 0 });
    budget.logged++;
    return { ok: true, suppressed };
  }
  if (budget.logged < LOGGED_PER_SECOND) {
    budget.logged++;
    return { ok: true, suppressed: 0 };
  }
  budget.suppressed++;
  return { ok: false, suppressed: 0 };
}

/** Answers with a generic message and logs the precise reason with the request's identity. */
export function reject(ctx: RequestContext, deps: MiddlewareDeps, rejection: Rejection): void {
  const budget = mayLog(deps.name);
  if (budget.ok) {
    deps.log.warn(
      {
        middleware: deps.name,
        status: rejection.status,
        reason: rejection.reason,
        clientIp: ctx.clientIp,
        method: ctx.req.method,
        path: ctx.path,
        ...(budget.suppressed ? { suppressedBefore: budget.suppressed } : {}),
        ...rejection.detail,
      },
      'gateway rejected request',
    );
  }
  const body = PUBLIC_TEXT[rejection.status] ?? 'Request rejected';
  // An unread request body cannot be trusted to end soon: close instead of draining it.
  const close: Record<string, string> = hasRequestBody(ctx) && !ctx.req.complete ? { connection: 'close' } : {};
  respond(ctx, rejection.status, body, { ...close, ...rejection.headers });
}
