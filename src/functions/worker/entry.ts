/**
 * Runs inside a worker thread: loads one function version and answers invocations. It keeps
 * no reference to anything of the proxy: the code arrives as a string, the environment holds only
 * the function's own `env`, and console output is captured into the calling invocation's log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { compileRoute, type RouteMatcher } from '../route-pattern.js';
import { toResult, type ResultParts } from './to-result.js';
import type { FromWorker, InvokeMessage, LoadMessage, ToWorker, WorkerOutcome } from './protocol.js';

const MAX_LOG_LINES = 100;
const MAX_LOG_LINE = 2048;

type Entry = (request: Request, ctx: FunctionContext) => unknown;

interface FunctionContext {
  params: Record<string, string>;
  query: Record<string, string>;
  env: Readonly<Record<string, string>>;
  log: (...args: unknown[]) => void;
  requestId: string;
  consumer: string | undefined;
  signal: AbortSignal;
  functionName: string;
  version: string;
}

const port = parentPort;
if (!port) throw new Error('worker entry must run in a worker thread');

const currentLog = new AsyncLocalStorage<string[]>();
const loadLogs: string[] = [];
const aborts = new Map<number, AbortController>();
let entry: Entry | undefined;
let matchRoute: RouteMatcher = () => ({});
let loaded: LoadMessage | undefined;
let env: Readonly<Record<string, string>> = {};

function record(level: string, args: unknown[]): void {
  const lines = currentLog.getStore() ?? loadLogs;
  if (lines.length >= MAX_LOG_LINES) return;
  const text = args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' ');
  lines.push(`${level === 'log' ? '' : `[${level}] `}${text.slice(0, MAX_LOG_LINE)}`);
}

function safeInspect(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[level] = (...args: unknown[]) => record(level, args);
}

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function load(message: LoadMessage): Promise<void> {
  const started = performance.now();
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, message.env);
  closeProcessEscapes();
  env = Object.freeze({ ...message.env });
  loaded = message;
  try {
    const mod = (await import(`data:text/javascript,${encodeURIComponent(message.code)}`)) as Record<string, unknown>;
    entry = pickEntry(mod.default, env);
    matchRoute = compileRoute(mod.route);
    send({ type: 'loaded', initMs: performance.now() - started, logs: loadLogs.splice(0) });
  } catch (error) {
    send({ type: 'load-failed', message: describe(error), logs: loadLogs.splice(0) });
  }
}

/**
 * These reach past the worker into the whole process (native bindings, signals to Portier's own
 * pid). Honest function code never needs them; removing them is defence in depth, not a sandbox.
 */
function closeProcessEscapes(): void {
  const blocked = (name: string) => () => {
    throw new Error(`process.${name} is not available to functions`);
  };
  for (const name of ['binding', '_linkedBinding', 'dlopen', 'kill']) {
    Object.defineProperty(process, name, { value: blocked(name), configurable: false, writable: false });
  }
}

/** The default export is the handler, or an object with `fetch(request, env, ctx)` (Workers style). */
function pickEntry(exported: unknown, fetchEnv: Readonly<Record<string, string>>): Entry {
  if (typeof exported === 'function') return exported as Entry;
  const fetchMethod = (exported as { fetch?: unknown } | null)?.fetch;
  if (typeof fetchMethod === 'function') {
    return (request, ctx) => (fetchMethod as (...a: unknown[]) => unknown).call(exported, request, fetchEnv, ctx);
  }
  throw new Error(
    'the default export must be a function (request, ctx) or an object with a fetch(request, env, ctx) method',
  );
}

async function invoke(message: InvokeMessage): Promise<void> {
  const started = performance.now();
  const logs: string[] = [];
  const params = matchRoute(message.routePath);
  if (!entry || !loaded || !params) {
    const parts: ResultParts = {
      status: 404,
      headers: [['content-type', 'text/plain; charset=utf-8']],
      body: new TextEncoder().encode('no route matches this path\n'),
    };
    finish(message, 'no-route', parts, params ?? {}, logs, started);
    return;
  }
  const controller = new AbortController();
  aborts.set(message.id, controller);
  const url = new URL(message.url);
  const ctx: FunctionContext = {
    params,
    query: Object.fromEntries(url.searchParams),
    env,
    log: (...args) => record('log', args),
    requestId: message.requestId,
    consumer: message.consumer,
    signal: controller.signal,
    functionName: loaded.name,
    version: loaded.version,
  };
  const handler = entry;
  try {
    const parts = await currentLog.run(logs, async () => {
      const request = new Request(url, {
        method: message.method,
        headers: message.headers,
        body: message.body && message.method !== 'GET' && message.method !== 'HEAD' ? message.body : null,
      });
      return toResult(await handler(request, ctx));
    });
    if (parts.body.byteLength > message.maxResponseBytes) {
      const note = `response body of ${parts.body.byteLength} bytes exceeds the limit of ${message.maxResponseBytes}`;
      logs.push(`[error] ${note}`);
      finish(
        message,
        'response-too-large',
        { status: 502, headers: [], body: new Uint8Array() },
        params,
        logs,
        started,
        note,
      );
      return;
    }
    finish(message, 'ok', parts, params, logs, started);
  } catch (error) {
    const text = describe(error);
    logs.push(`[error] ${text}`);
    finish(message, 'error', { status: 500, headers: [], body: new Uint8Array() }, params, logs, started, text);
  } finally {
    aborts.delete(message.id);
  }
}

function finish(
  message: InvokeMessage,
  outcome: WorkerOutcome,
  parts: ResultParts,
  params: Record<string, string>,
  logs: string[],
  started: number,
  error?: string,
): void {
  const body = parts.body;
  const transfer =
    body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : [];
  send(
    {
      type: 'result',
      id: message.id,
      outcome,
      status: parts.status,
      headers: parts.headers,
      body,
      params,
      logs,
      runMs: performance.now() - started,
      ...(error ? { error } : {}),
    },
    transfer,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'load') void load(message);
  else if (message.type === 'invoke') void invoke(message);
  else aborts.get(message.id)?.abort(new DOMException('the function timed out', 'TimeoutError'));
});

/**
 * Node builds fetch's Request and Response on first use, which costs tens of milliseconds. Doing
 * it now, while this worker is still a spare, keeps that cost off the function's first call.
 */
async function warmUp(): Promise<void> {
  const request = new Request('http://localhost/', {
    method: 'POST',
    body: '{}',
    headers: [['content-type', 'application/json']],
  });
  await toResult(await request.json());
  await toResult(new Response('warm'));
}
void warmUp();
