import type { RequestContext } from '../runtime/context.js';

/** Granted scopes from `scope` (space-separated, RFC 9068/7662) or `scp` (array, some IdPs). */
export function grantedScopes(claims: Record<string, unknown>): Set<string> {
  const { scope, scp } = claims;
  if (typeof scope === 'string') return new Set(scope.split(' ').filter(Boolean));
  if (Array.isArray(scp)) return new Set(scp.filter((s): s is string => typeof s === 'string'));
  if (typeof scp === 'string') return new Set(scp.split(' ').filter(Boolean));
  return new Set();
}

export function missingScopes(claims: Record<string, unknown>, required: readonly string[]): string[] {
  const granted = grantedScopes(claims);
  return required.filter((scope) => !granted.has(scope));
}

/**
 * Sets `header → claim` request headers for the upstream. Client-sent copies are removed first
 * even when the claim is absent, so a client cannot pose as carrying a claim.
 */
export function forwardClaims(
  ctx: RequestContext,
  claims: Record<string, unknown>,
  mapping: Record<string, string>,
): void {
  for (const [header, claim] of Object.entries(mapping)) {
    const name = header.toLowerCase();
    delete ctx.req.headers[name];
    const value = claims[claim];
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : JSON.stringify(value);
    // Header values cannot carry line breaks or other control characters.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    ctx.req.headers[name] = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  }
}

/** The consumer an OAuth2 client is named by: `client_id`, else `sub`. */
export function tokenConsumer(claims: Record<string, unknown>): string | undefined {
  const id = claims.client_id ?? claims.sub;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
