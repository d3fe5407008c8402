import type { StaticConfig } from '../config/static/types.js';
import type { RequestContext } from '../runtime/context.js';
import { parseListenAddress } from '../runtime/listen-address.js';
import { respond } from '../runtime/respond.js';

export type Redirect = (ctx: RequestContext) => void;

/**
 * `entryPoints.<n>.http.redirections.entryPoint`: every plain request on `<n>` is redirected to
 * the same host and path on entry point `to` (or a port), with `scheme` (https by default).
 * As in Traefik it outranks every router of the entry point; TLS requests are not redirected.
 */
export function entryPointRedirects(config: StaticConfig): Map<string, Redirect> {
  const redirects = new Map<string, Redirect>();
  for (const [name, entryPoint] of Object.entries(config.entryPoints)) {
    const rule = entryPoint.http?.redirections?.entryPoint;
    if (!rule?.to) continue;
    const key = `entryPoints.${name}.http.redirections.entryPoint`;
    const scheme = rule.scheme ?? 'https';
    const port = targetPort(config, rule.to, `${key}.to`);
    const portSuffix = (scheme === 'https' && port === 443) || (scheme === 'http' && port === 80) ? '' : `:${port}`;
    const permanent = rule.permanent ?? true;
    redirects.set(name, (ctx) => {
      const safe = ctx.req.method === 'GET' || ctx.req.method === 'HEAD';
      const status = permanent ? (safe ? 301 : 308) : safe ? 302 : 307;
      const host = ctx.host.includes(':') ? `[${ctx.host}]` : ctx.host;
      const target = `${scheme}://${host}${portSuffix}${ctx.req.url?.startsWith('/') ? ctx.req.url : '/'}`;
      respond(ctx, status, permanent ? 'Moved Permanently' : 'Found', { location: target });
    });
  }
  return redirects;
}

/** `to` names an entry point (its port is used) or is a port itself (`443` / `:443`). */
function targetPort(config: StaticConfig, to: string, key: string): number {
  const target = config.entryPoints[to];
  if (target) return parseListenAddress(target.address, `entryPoints.${to}.address`).port;
  const port = Number(to.replace(/^:/, ''));
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  throw new Error(`${key}: "${to}" is neither an entry point nor a port; name an entry point such as "websecure"`);
}
