/**
 * The functions REST API, mounted by the API entry point:
 *   GET    /api/functions                     list
 *   PUT    /api/functions/{name}[?file=x.ts]  deploy (body: the source)
 *   GET    /api/functions/{name}              info
 *   DELETE /api/functions/{name}              remove
 *   POST   /api/functions/{name}/rollback     back one version
 *   GET    /api/functions/{name}/logs[?limit] recent invocations
 *   GET    /api/functions/{name}/versions     the versions kept for rollback, newest first
 *   GET    /api/functions/{name}/source[?version=id]  the uploaded source (current version by default)
 *   *      /api/functions/{name}/invoke/...   call it (for `portier functions invoke`)
 * The list and info answers carry each function's `activity` (counts, p50, failures) for the dashboard.
 */
import type { Handler, RequestContext } from '../runtime/context.js';
import { activityOf, type FunctionActivity } from './activity.js';
import { CompileError } from './compiler.js';
import { FunctionsError } from './errors.js';
import { MAX_SOURCE_BYTES, type FunctionRuntimeCore } from './function-runtime.js';
import { serveInvocation } from './http-invoke.js';
import { checkFunctionName } from './store/types.js';

const PATH = /^\/api\/functions(?:\/([^/]+)(?:\/(rollback|logs|versions|source|invoke)(\/.*)?)?)?\/?$/;

export function createFunctionsApi(runtime: FunctionRuntimeCore): Handler {
  // Created now, not on the first API call, so that every invocation is counted.
  const activity = activityOf(runtime);
  return async (ctx) => {
    const match = PATH.exec(ctx.path);
    if (!match) return sendJson(ctx, 404, { error: `no functions API at ${ctx.path}` });
    const [, name, action, rest] = match;
    try {
      await route(runtime, activity, ctx, ctx.req.method ?? 'GET', name, action, rest);
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
  activity: FunctionActivity,
  ctx: RequestContext,
  method: string,
  name: string | undefined,
  action: string | undefined,
  rest: string | undefined,
): Promise<void> {
  if (name === undefined) {
    if (method !== 'GET') return notAllowed(ctx, 'GET');
    const list = await runtime.list();
    return sendJson(
      ctx,
      200,
      list.map((summary) => ({ ...summary, activity: activity.view(summary.name) })),
    );
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
  if (action === 'versions' || action === 'source') {
    if (method !== 'GET') return notAllowed(ctx, 'GET');
    return action === 'versions' ? sendVersions(runtime, ctx, name) : sendSource(runtime, ctx, name);
  }
  if (method === 'GET') {
    const info = await runtime.info(name);
    return info
      ? sendJson(ctx, 200, { ...info, activity: activity.view(name) })
      : sendJson(ctx, 404, { error: `no function named "${name}"` });
  }
  if (method === 'DELETE') {
    await runtime.remove(name);
    return sendJson(ctx, 200, { name, removed: true });
  }
  if (method === 'PUT') {
    const source = await readSource(ctx);
    const file = new URLSearchParams(ctx.query).get('file') ?? `${name}.ts`;
    const result = await deployRecorded(runtime, activity, name, source, file);
    return sendJson(ctx, result.unchanged ? 200 : 201, result);
  }
  notAllowed(ctx, 'GET, PUT, DELETE');
}

/** A refused deploy is remembered (and announced) so the dashboard can show it next to the function. */
async function deployRecorded(
  runtime: FunctionRuntimeCore,
  activity: FunctionActivity,
  name: string,
  source: string,
  file: string,
) {
  try {
    const result = await runtime.deploy(name, source, file);
    activity.deploySucceeded(name);
    return result;
  } catch (error) {
    if (error instanceof CompileError)
      activity.deployFailed(name, { message: error.message, line: error.line, column: error.column });
    // A load failure is the function's; an invalid name is the caller's typo and names no function.
    else if (error instanceof FunctionsError && error.status === 400 && !checkFunctionName(name))
      activity.deployFailed(name, { message: error.message });
    throw error;
  }
}

async function sendVersions(runtime: FunctionRuntimeCore, ctx: RequestContext, name: string): Promise<void> {
  const info = await runtime.info(name);
  if (!info) return sendJson(ctx, 404, { error: `no function named "${name}"` });
  const current = info.history.at(-1);
  const versions = await Promise.all(
    [...info.history].reverse().map(async (id) => {
      const stored = await runtime.store.getVersion(id);
      return { version: id, createdAt: stored?.createdAt, file: stored?.file, current: id === current };
    }),
  );
  sendJson(ctx, 200, { name, versions });
}

async function sendSource(runtime: FunctionRuntimeCore, ctx: RequestContext, name: string): Promise<void> {
  const info = await runtime.info(name);
  if (!info) return sendJson(ctx, 404, { error: `no function named "${name}"` });
  const version = new URLSearchParams(ctx.query).get('version') ?? info.history.at(-1)!;
  // Only versions this function has had: a version id alone must not reveal another function's source.
  const stored = info.history.includes(version) ? await runtime.store.getVersion(version) : undefined;
  if (!stored) return sendJson(ctx, 404, { error: `"${name}" has no version ${version}` });
  sendJson(ctx, 200, { name, version, file: stored.file, createdAt: stored.createdAt, source: stored.source });
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
