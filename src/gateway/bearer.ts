import type { MiddlewareDeps } from '../middlewares/types.js';
import type { RequestContext } from '../runtime/context.js';
import { forwardClaims, missingScopes, tokenConsumer } from './claims.js';
import { setConsumer } from './consumers.js';
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

/**
 * Lets through a request whose token the caller has verified: required scopes checked (403
 * otherwise), chosen claims forwarded as headers, and the token's client recorded as consumer.
 * Returns false when it answered the request itself.
 */
export function admitClaims(
  ctx: RequestContext,
  deps: MiddlewareDeps,
  claims: Record<string, unknown>,
  policy: { requiredScopes: readonly string[]; forwardClaims?: Record<string, string> },
  detail: Record<string, unknown> = {},
): boolean {
  const consumer = tokenConsumer(claims);
  const missing = missingScopes(claims, policy.requiredScopes);
  if (missing.length) {
    const reason = `missing scopes ${missing.join(' ')}`;
    rejectBearer(ctx, deps, 'insufficient_scope', reason, { consumer, ...detail }, policy.requiredScopes);
    return false;
  }
  if (policy.forwardClaims) forwardClaims(ctx, claims, policy.forwardClaims);
  if (consumer) setConsumer(ctx, consumer, consumer);
  return true;
}
