import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalHost, normalizePath, splitTarget } from '../rules/normalize.js';
import type { RequestContext } from './context.js';

export interface EntryPointInfo {
  readonly name: string;
  readonly scheme: 'http' | 'https';
  readonly port: number;
}

/**
 * Builds the per-request context: the one allocation every request pays for. The host comes from
 * an absolute-form request target when there is one (it wins over the Host header, as in RFC 9112).
 */
export function createRequestContext(req: IncomingMessage, res: ServerResponse, entryPoint: EntryPointInfo) {
  const target = splitTarget(req.url ?? '/');
  const ctx: RequestContext = {
    req,
    res,
    entryPoint: entryPoint.name,
    scheme: entryPoint.scheme,
    host: canonicalHost(target.authority ?? req.headers.host),
    path: normalizePath(target.path),
    query: target.query,
    clientIp: req.socket.remoteAddress ?? '',
    localPort: entryPoint.port,
    startTime: process.hrtime.bigint(),
  };
  return ctx;
}
