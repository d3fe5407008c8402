/**
 * Runs inside a worker thread: loads one function version and answers invocations. It keeps
 * no reference to anything of the proxy: the code arrives as a string, the environment holds only
 * the function's own `env`, and console output is captured into the calling invocation's log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { compileRoute, type RouteMatcher } from '../route-pattern.js';
import { lazyRequest } from './lazy-request.js';
import {
  packHeaders,
  transferable,
  unpackHeaders,
  type FromWorker,
  type InvokeBatch,
  type InvokeMessage,
  type LoadMessage,
  type ResultBatch,
  type ResultMessage,
  type ToWorker,
  type WorkerOutcome,
} from './protocol.js';
import { toResult, type ResultParts } from './to-result.js';

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
/** Calls in flight, so that an abort finds its signal; the AbortController is made only if the function asks for it. */
const inFlight = new Map<number, { controller?: AbortController; abortReason?: DOMException }>();
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

let results: ResultBatch = [];
let resultTransfer: ArrayBuffer[] = [];
/** Set while runBatch starts the calls of a batch: synchronous functions answer during it. */
let inBatch = false;

/**
 * While a batch is being started or other calls are in flight, answers leave together at the end
 * of this turn of the event loop (see runBatch). A lone call's answer leaves at once: nothing
 * would share its message.
 */
function sendResult(result: ResultMessage, transfer: ArrayBuffer[]): void {
  if (results.length === 0 && inFlight.size <= 1 && !inBatch) return send([result], transfer);
  if (results.push(result) === 1) setImmediate(flushResults);
  for (const buffer of transfer) resultTransfer.push(buffer);
}

function flushResults(): void {
  if (results.length === 0) return;
  send(results, resultTransfer);
  results = [];
  resultTransfer = [];
}

const encoder = new TextEncoder();

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
  const [id, method, url, routePath, requestId, consumer, maxResponseBytes, body, headers] = message;
  const logs: string[] = [];
  const params = matchRoute(routePath);
  if (!entry || !loaded || !params) {
    const parts: ResultParts = {
      status: 404,
      headers: [['content-type', 'text/plain; charset=utf-8']],
      body: encoder.encode('no route matches this path\n'),
    };
    finish(id, 'no-route', parts, params ?? {}, logs, started);
    return;
  }
  const call: { controller?: AbortController; abortReason?: DOMException } = {};
  inFlight.set(id, call);
  const ctx: FunctionContext = {
    params,
    query: queryOf(url),
    env,
    log: (...args) => record('log', args),
    requestId,
    consumer,
    get signal() {
      if (!call.controller) {
        call.controller = new AbortController();
        if (call.abortReason) call.controller.abort(call.abortReason);
      }
      return call.controller.signal;
    },
    functionName: loaded.name,
    version: loaded.version,
  };
  const request = lazyRequest(
    () =>
      new Request(url, {
        method,
        headers: unpackHeaders(headers),
        body: body && method !== 'GET' && method !== 'HEAD' ? body : null,
      }),
  );
  const handler = entry;
  try {
    // The function's async continuations inherit the log context from run(); nothing else needs it.
    // A synchronous function's value is used as it is: each await costs a promise and a turn of
    // the microtask queue, which the log context's promise hooks make dearer.
    const returned = currentLog.run(logs, handler, request, ctx);
    const value = isThenable(returned) ? await returned : returned;
    // Reading a returned Response's body runs the function's stream code: its logs belong to this call.
    const produced = currentLog.run(logs, toResult, value);
    const parts = produced instanceof Promise ? await produced : produced;
    if (parts.body.byteLength > maxResponseBytes) {
      const note = `response body of ${parts.body.byteLength} bytes exceeds the limit of ${maxResponseBytes}`;
      logs.push(`[error] ${note}`);
      finish(
        id,
        'response-too-large',
        { status: 502, headers: [], body: new Uint8Array() },
        params,
        logs,
        started,
        note,
      );
      return;
    }
    finish(id, 'ok', parts, params, logs, started);
  } catch (error) {
    const text = describe(error);
    logs.push(`[error] ${text}`);
    finish(id, 'error', { status: 500, headers: [], body: new Uint8Array() }, params, logs, started, text);
  } finally {
    inFlight.delete(id);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Most calls have no query string: they skip URL parsing altogether. */
function queryOf(url: string): Record<string, string> {
  const start = url.indexOf('?');
  return start < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(start + 1)));
}

function finish(
  id: number,
  outcome: WorkerOutcome,
  parts: ResultParts,
  params: Record<string, string>,
  logs: string[],
  started: number,
  error?: string,
): void {
  const { body } = parts;
  sendResult(
    [id, outcome, parts.status, performance.now() - started, body, packHeaders(parts.headers), params, logs, error],
    transferable(body),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

port.on('message', (message: ToWorker) => {
  if (Array.isArray(message)) runBatch(message, 0);
  else if (message.type === 'load') void load(message);
  else abort(message.id);
});

/** A batch's functions run in one turn, unless they take longer than this together. */
const BATCH_TURN_MS = 1;

/**
 * Quick functions (most) run back to back and their answers go back in one message. Once a
 * turn has run BATCH_TURN_MS of function code, the rest waits for the next turn, after the
 * answers so far have been sent: an answer is held back by at most one slow function of its batch.
 */
function runBatch(batch: InvokeBatch, from: number): void {
  flushResults();
  const started = performance.now();
  inBatch = batch.length - from > 1;
  try {
    for (let i = from; i < batch.length; i++) {
      void invoke(batch[i] as InvokeMessage);
      if (i + 1 < batch.length && performance.now() - started > BATCH_TURN_MS) {
        setImmediate(runBatch, batch, i + 1);
        return;
      }
    }
  } finally {
    inBatch = false;
  }
}

function abort(id: number): void {
  const call = inFlight.get(id);
  if (!call) return;
  call.abortReason = new DOMException('the function timed out', 'TimeoutError');
  call.controller?.abort(call.abortReason);
}

/**
 * Node builds fetch's Request and Response on first use, which costs tens of milliseconds. Doing
 * it now, while this worker is still a spare, keeps that cost off the function's first call.
 */
async function warmUp(): Promise<void> {
  const request = new Request('http://localhost/', {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  await toResult(await request.json());
  await toResult(new Response('warm'));
}
void warmUp();
