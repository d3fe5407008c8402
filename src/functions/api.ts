/**
 * The functions REST API, mounted by the API entry point:
 *   GET    /api/functions                     list
 *   PUT    /api/functions/{name}[?file=x.ts]  deploy (body: the source)
 *   GET    /api/functions/{name}              info
 *   DELETE /api/functions/{name}              remove
 *   POST   /api/functions/{name}/rollback     back one version
 *   GET    /api/functions/{name}/logs[?limit] recent invocations
 *   *      /api/functions/{name}/invoke/...   call it (for `portier functions invoke`)
 */
import type { Handler, RequestContext } from '../runtime/context.js';
import { CompileError } from './compiler.js';
import { FunctionsError } from './errors.js';
import { MAX_SOURCE_BYTES, type FunctionRuntimeCore } from './function-runtime.js';
import { serveInvocation } from './http-invoke.js';

const PATH = /^\/api\/functions(?:\/([^/]+)(?:\/(rollback|logs|invoke)(\/.*)?)?)?\/?$/;

export function createFunctionsApi(runtime: FunctionRuntimeCore): Handler {
  return async (ctx) => {
    const match = PATH.exec(ctx.path);
    if (!match) return sendJson(ctx, 404, { error: `no functions API at ${ctx.path}` });
    const [, name, action, rest] = match;
    try {
      await route(runtime, ctx, ctx.req.method ?? 'GET', name, action, rest);
    } catch (error) {
      if (error instanceof CompileError) return sendJson(ctx, 400, error.toJSON());
      if (error instanceof FunctionsError)
        return sendJson(ctx, error.status, { error: error.message, ...error.details });
      throw error;
    }
  };
}

async function route(
  runtime: FunctionRuntimeCore,
  ctx: RequestContext,
  method: string,
  name: string | undefined,
  action: string | undefined,
  rest: string | undefined,
): Promise<void> {
  if (name === undefined) {
    if (method !== 'GET') return notAllowed(ctx, 'GET');
    return sendJson(ctx, 200, await runtime.list());
  }
  if (action === 'invoke') {
    const served = await serveInvocation(runtime, name, rest ?? '/', { ...ctx, path: rest ?? '/' });
    if (!served) sendJson(ctx, 404, { error: `no function named "${name}"` });
    return;
  }
  if (action === 'rollback') {
    if (method !== 'POST') return notAllowed(ctx, 'POST');
    const pointer = await runtime.rollback(name);
    return sendJson(ctx, 200, { name, version: pointer.history.at(-1), versions: pointer.history.length });
  }
  if (action === 'logs') {
    if (method !== 'GET') return notAllowed(ctx, 'GET');
    const limit = Number(new URLSearchParams(ctx.query).get('limit') ?? '') || undefined;
    return sendJson(ctx, 200, { name, invocations: runtime.log.recent(name, limit) });
  }
  if (method === 'GET') {
    const info = await runtime.info(name);
    return info ? sendJson(ctx, 200, info) : sendJson(ctx, 404, { error: `no function named "${name}"` });
  }
  if (method === 'DELETE') {
    await runtime.remove(name);
    return sendJson(ctx, 200, { name, removed: true });
  }
  if (method === 'PUT') {
    const source = await readSource(ctx);
    const file = new URLSearchParams(ctx.query).get('file') ?? `${name}.ts`;
    const result = await runtime.deploy(name, source, file);
    return sendJson(ctx, result.unchanged ? 200 : 201, result);
  }
  notAllowed(ctx, 'GET, PUT, DELETE');
}

async function readSource(ctx: RequestContext): Promise<string> {
  if (ctx.body) return ctx.body.toString('utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SOURCE_BYTES)
      throw new FunctionsError(
        413,
        `the source is larger than ${MAX_SOURCE_BYTES} bytes; a function must be one small file`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function notAllowed(ctx: RequestContext, allow: string): void {
  sendJson(ctx, 405, { error: `method ${ctx.req.method} is not allowed here; use ${allow}` }, { allow });
}

function sendJson(ctx: RequestContext, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${JSON.stringify(value)}\n`);
  ctx.res.writeHead(status, {
    ...ctx.responseHeaders,
    ...headers,
    'content-type': 'application/json',
    'content-length': body.length,
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
}
