import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { canonicalHost, normalizePath, splitTarget } from '../rules/normalize.js';
import type { RequestContext } from './context.js';

export interface EntryPointInfo {
  readonly name: string;
  readonly scheme: 'http' | 'https';
  readonly port: number;
}

function http2SessionOf(req: IncomingMessage): object {
  return (req as unknown as Http2ServerRequest).stream.session ?? req.socket;
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
    clientPort: req.socket.remotePort,
    connection: req.httpVersionMajor === 2 ? http2SessionOf(req) : req.socket,
    localPort: entryPoint.port,
    startTime: process.hrtime.bigint(),
  };
  return ctx;
}
