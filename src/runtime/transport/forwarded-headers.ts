import { hostname } from 'node:os';
import type { RequestContext } from '../context.js';

const SERVER_NAME = hostname();

/**
 * Adds the X-Forwarded-* and X-Real-Ip headers. The For chain is extended; the others keep a
 * value that is already there, since an entry point only lets such headers through from
 * trusted proxies (it strips them otherwise), and those know the original request best.
 */
export function addForwardedHeaders(
  ctx: RequestContext,
  headers: Record<string, string | string[]>,
  websocket: boolean,
): void {
  const incoming = ctx.req.headers;
  const previousFor = incoming['x-forwarded-for'];
  headers['x-forwarded-for'] = previousFor ? `${previousFor}, ${ctx.clientIp}` : ctx.clientIp;
  const secure = ctx.scheme === 'https';
  headers['x-forwarded-proto'] ??= websocket ? (secure ? 'wss' : 'ws') : ctx.scheme;
  const host = incoming.host;
  if (host !== undefined) headers['x-forwarded-host'] ??= host;
  headers['x-forwarded-port'] ??= String(ctx.localPort);
  headers['x-forwarded-server'] = SERVER_NAME;
  headers['x-real-ip'] ??= ctx.clientIp;
}
