/**
 * One HTTP request → one function call → one HTTP response. Shared by the `functions@internal`
 * service, the API's invoke path and `portier functions dev`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FunctionInvocationSummary } from '../runtime/context.js';
import type { FunctionRuntimeCore } from './function-runtime.js';
import type { InvocationRecord } from './invocation-log.js';
import { failedRun, type InvocationCall, type RunResult } from './runner.js';
import type { HeaderList } from './worker/protocol.js';

/** What the adapters know about the request. */
export interface HttpExchange {
  req: IncomingMessage;
  res: ServerResponse;
  scheme: 'http' | 'https';
  host: string;
  /** Path the function's Request URL shows. */
  path: string;
  query: string;
  /** Already read by a middleware, if so. */
  body?: Buffer;
  consumer?: string;
  responseHeaders?: OutgoingHttpHeaders;
  onResponseHeaders?: ((status: number, headers: OutgoingHttpHeaders) => void)[];
  /** Receives the call's record before the answer is written, so the access log can show it. */
  invocation?: FunctionInvocationSummary;
}

/** The call's result, and its record unless the function vanished meanwhile. */
export interface ServedInvocation {
  record?: InvocationRecord;
  result: RunResult;
}

/** Headers about this hop, not the message: a function neither sees nor sets them. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

const FAILURE_TEXT: Partial<Record<RunResult['outcome'], string>> = {
  error: 'the function failed',
  timeout: 'the function timed out',
  crash: 'the function crashed',
  'out-of-memory': 'the function ran out of memory',
  'load-failed': 'the function could not be loaded',
  busy: 'too many calls to this function in flight',
  'request-too-large': 'the request body is too large',
  'response-too-large': 'the function response is too large',
};

/** Runs `name` for this request and writes the answer. Returns undefined (nothing written) for an unknown name. */
export async function serveInvocation(
  runtime: FunctionRuntimeCore,
  name: string,
  routePath: string,
  exchange: HttpExchange,
): Promise<ServedInvocation | undefined> {
  if (!(await runtime.exists(name))) return undefined;
  const requestId = headerValue(exchange.req, 'x-request-id') ?? randomUUID();
  const max = runtime.settings.limits.maxBodyBytes;
  const body = await readBody(exchange, max);
  if (body === 'too-large') {
    const result = failedRun('request-too-large', 413, `the request body is over the ${max}-byte limit`);
    writeResult(exchange, result, requestId);
    const record = await runtime.refuse(name, requestId, result);
    exchange.invocation = record;
    return record ? { record, result } : { result };
  }
  const call: InvocationCall = {
    method: exchange.req.method ?? 'GET',
    url: `${exchange.scheme}://${exchange.host || 'localhost'}${exchange.path}${exchange.query ? `?${exchange.query}` : ''}`,
    routePath,
    headers: requestHeaders(exchange.req),
    body,
    requestId,
    ...(exchange.consumer ? { consumer: exchange.consumer } : {}),
  };
  const invocation = await runtime.invoke(name, call);
  if (!invocation) return undefined;
  exchange.invocation = invocation.record;
  writeResult(exchange, invocation.result, requestId);
  return invocation;
}

async function readBody(exchange: HttpExchange, max: number): Promise<Uint8Array | null | 'too-large'> {
  if (exchange.body) return exchange.body.length > max ? 'too-large' : new Uint8Array(exchange.body);
  const { req } = exchange;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return 'too-large';
  if (!req.headers['content-length'] && !req.headers['transfer-encoding']) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return 'too-large';
    chunks.push(chunk);
  }
  return size === 0 ? null : new Uint8Array(Buffer.concat(chunks, size));
}

function requestHeaders(req: IncomingMessage): HeaderList {
  const list: HeaderList = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = (raw[i] ?? '').toLowerCase();
    if (!HOP_BY_HOP.has(key)) list.push([key, raw[i + 1] ?? '']);
  }
  return list;
}

function writeResult(exchange: HttpExchange, result: RunResult, requestId: string): void {
  const { req, res } = exchange;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  let body = result.body;
  const headers: OutgoingHttpHeaders = { ...exchange.responseHeaders };
  const failure = FAILURE_TEXT[result.outcome];
  if (failure) {
    body = new TextEncoder().encode(`${failure}\n`);
    headers['content-type'] = 'text/plain; charset=utf-8';
    if (result.outcome === 'busy') headers['retry-after'] = '1';
  } else {
    for (const [key, value] of result.headers) {
      if (HOP_BY_HOP.has(key)) continue;
      const existing = headers[key];
      if (existing === undefined || key !== 'set-cookie') headers[key] = value;
      else headers[key] = [...(Array.isArray(existing) ? existing : [String(existing)]), value];
    }
  }
  headers['x-request-id'] ??= requestId;
  if (result.status !== 204 && result.status !== 304) headers['content-length'] = body.byteLength;
  for (const hook of exchange.onResponseHeaders ?? []) hook(result.status, headers);
  res.writeHead(result.status, headers);
  res.end(req.method === 'HEAD' || result.status === 204 || result.status === 304 ? undefined : body);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
