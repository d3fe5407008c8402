import type { MiddlewareDeps } from '../middlewares/types.js';
import type { RequestContext } from '../runtime/context.js';
import { reject } from './reject.js';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(ctx: RequestContext): string | undefined {
  const header = ctx.req.headers.authorization;
  const match = header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header) : null;
  return match?.[1];
}

/** RFC 6750 answers: 401 invalid_token (or no error when no token was sent), 403 insufficient_scope. */
export function rejectBearer(
  ctx: RequestContext,
  deps: MiddlewareDeps,
  problem: 'missing' | 'invalid_token' | 'insufficient_scope',
  reason: string,
  detail: Record<string, unknown> = {},
  scope?: readonly string[],
): void {
  const challenge =
    problem === 'missing'
      ? 'Bearer'
      : problem === 'invalid_token'
        ? 'Bearer error="invalid_token"'
        : `Bearer error="insufficient_scope"${scope?.length ? `, scope="${scope.join(' ')}"` : ''}`;
  const status = problem === 'insufficient_scope' ? 403 : 401;
  reject(ctx, deps, { status, reason, detail, headers: { 'www-authenticate': challenge } });
}

/** The authorization server or key source could not be reached: fail closed, and say when to retry. */
export function rejectUnavailable(ctx: RequestContext, deps: MiddlewareDeps, reason: string): void {
  reject(ctx, deps, { status: 503, reason, headers: { 'retry-after': '5' } });
}
