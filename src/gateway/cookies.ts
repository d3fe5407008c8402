import type { RequestContext } from '../runtime/context.js';

/** The value of one request cookie, or undefined. */
export function readCookie(ctx: RequestContext, name: string): string | undefined {
  for (const pair of cookiePairs(ctx)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** Removes a cookie from the request before it goes upstream (the upstream has no use for it). */
export function removeCookie(ctx: RequestContext, name: string): void {
  const kept = cookiePairs(ctx).filter((pair) => pair.slice(0, pair.indexOf('=')).trim() !== name);
  if (kept.length) ctx.req.headers.cookie = kept.join('; ');
  else delete ctx.req.headers.cookie;
}

function cookiePairs(ctx: RequestContext): string[] {
  const header = ctx.req.headers.cookie;
  return header
    ? header
        .split(';')
        .map((pair) => pair.trim())
        .filter(Boolean)
    : [];
}
