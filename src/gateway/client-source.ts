import type { RequestContext } from '../runtime/context.js';

/** Traefik's `sourceCriterion`, plus Portier's `consumer` (the authenticated gateway consumer). */
export interface SourceCriterion {
  ipStrategy?: { depth?: number; excludedIPs?: string[] };
  requestHeaderName?: string;
  requestHost?: boolean;
  consumer?: boolean;
}

/**
 * The identity a request is counted under. Without a usable consumer or header value, requests
 * are counted per client IP, so an unauthenticated flood still meets a limit.
 */
export function requestSource(ctx: RequestContext, criterion: SourceCriterion = {}): string {
  if (criterion.consumer && ctx.consumer) return `consumer:${ctx.consumer}`;
  if (criterion.requestHost) return `host:${ctx.host}`;
  if (criterion.requestHeaderName) {
    const value = ctx.req.headers[criterion.requestHeaderName.toLowerCase()];
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text) return `header:${text}`;
  }
  return `ip:${clientIp(ctx, criterion.ipStrategy)}`;
}

/**
 * Traefik's ipStrategy: `depth` picks the n-th address from the right of X-Forwarded-For;
 * `excludedIPs` skips listed addresses from the right. Falls back to the TCP peer.
 */
function clientIp(ctx: RequestContext, strategy: SourceCriterion['ipStrategy']): string {
  const depth = strategy?.depth ?? 0;
  const excluded = strategy?.excludedIPs ?? [];
  if (depth <= 0 && excluded.length === 0) return ctx.clientIp;
  const header = ctx.req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((ip) => ip.trim())
    .filter(Boolean);
  if (depth > 0) return chain[chain.length - depth] ?? ctx.clientIp;
  for (let i = chain.length - 1; i >= 0; i--) if (!excluded.includes(chain[i]!)) return chain[i]!;
  return ctx.clientIp;
}
