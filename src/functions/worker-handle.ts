/**
 * One worker thread seen from the proxy: spawns it with memory limits, loads a function version,
 * runs calls with a wall-clock timeout, and turns the worker's death (crash, out of memory,
 * terminate) into results for every call it still owed.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { failedRun, LoadError, type InvocationCall, type LoadInfo, type RunResult } from './runner.js';
import {
  packHeaders,
  transferable,
  unpackHeaders,
  type FromWorker,
  type InvokeBatch,
  type InvokeMessage,
  type LoadMessage,
  type ResultMessage,
} from './worker/protocol.js';

/**
 * Built, the worker runs dist/functions/worker/entry.js. From source (tests, `tsx`, dev) the entry
 * is TypeScript: it is bundled once with esbuild into a data: URL, which starts far faster in
 * each worker than a TypeScript loader would.
 */
let entryUrl: URL | undefined;
function workerEntry(): URL {
  if (entryUrl) return entryUrl;
  if (!import.meta.url.endsWith('.ts')) return (entryUrl = new URL('./worker/entry.js', import.meta.url));
  const entryPath = fileURLToPath(new URL('./worker/entry.ts', import.meta.url));
  const built = buildSync({
    entryPoints: [entryPath],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
  });
  return (entryUrl = new URL(`data:text/javascript,${encodeURIComponent(built.outputFiles[0]?.text ?? '')}`));
}

interface Pending {
  resolve: (result: RunResult) => void;
  started: number;
  deadline: number;
  timeoutMs: number;
}

export class FunctionWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private loadWaiter?: { resolve: (info: LoadInfo) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
  private deathCause?: Error & { code?: string };
  private retired = false;
  private exited = false;
  private readonly exitListeners: (() => void)[] = [];
  /**
   * One timer for the timeouts of all calls in flight, armed for the earliest deadline, instead
   * of a setTimeout and a clearTimeout per call. It holds the process open only while calls are pending.
   */
  private deadlineTimer?: NodeJS.Timeout;
  private deadlineArmedFor = Infinity;
  private outbox: InvokeBatch = [];
  private outboxTransfer: ArrayBuffer[] = [];
  lastUsed = performance.now();

  constructor(readonly memoryLimitMb: number) {
    this.worker = new Worker(workerEntry(), {
      execArgv: [],
      env: {},
      // console.* is captured into invocation logs inside the worker; raw writes to the worker's
      // stdout/stderr are dropped so they cannot mix into Portier's access log or its own log.
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: memoryLimitMb,
        maxYoungGenerationSizeMb: Math.max(2, Math.min(16, Math.floor(memoryLimitMb / 8))),
        stackSizeMb: 4,
      },
    });
    this.worker.unref();
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    this.worker.on('message', (message: FromWorker) => this.onMessage(message));
    this.worker.on('error', (error) => (this.deathCause ??= error));
    this.worker.on('exit', () => this.onExit());
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get alive(): boolean {
    return !this.exited && !this.retired;
  }

  onDeath(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  load(message: Omit<LoadMessage, 'type'>, timeoutMs: number): Promise<LoadInfo> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.loadWaiter = undefined;
        reject(new LoadError(`loading took longer than ${timeoutMs} ms`));
        void this.terminate();
      }, timeoutMs);
      this.loadWaiter = { resolve, reject, timer };
      this.worker.postMessage({ type: 'load', ...message });
    });
  }

  invoke(call: InvocationCall, timeoutMs: number, maxResponseBytes: number): Promise<RunResult> {
    this.lastUsed = performance.now();
    const id = this.nextId++;
    if (this.exited) return Promise.resolve(failedRun('crash', 502, 'the worker had already stopped'));
    return new Promise((resolve) => {
      const started = performance.now();
      this.pending.set(id, { resolve, started, deadline: started + timeoutMs, timeoutMs });
      if (this.pending.size === 1) this.deadlineTimer?.ref();
      this.armDeadline(started + timeoutMs);
      const message: InvokeMessage = [
        id,
        call.method,
        call.url,
        call.routePath,
        call.requestId,
        call.consumer,
        maxResponseBytes,
        call.body,
        packHeaders(call.headers),
      ];
      this.send(message, transferable(call.body));
    });
  }

  /** Calls made in the same event-loop turn leave together, in one message, when the turn ends. */
  private send(message: InvokeMessage, transfer: ArrayBuffer[]): void {
    if (this.outbox.push(message) === 1) setImmediate(this.flushOutbox);
    for (const buffer of transfer) this.outboxTransfer.push(buffer);
  }

  private readonly flushOutbox = (): void => {
    const batch: InvokeBatch = this.outbox;
    const transfer = this.outboxTransfer;
    this.outbox = [];
    this.outboxTransfer = [];
    this.worker.postMessage(batch, transfer);
  };

  /** Takes no new calls; terminates once the calls in flight are answered. */
  retire(): void {
    this.retired = true;
    if (this.pending.size === 0) void this.terminate();
  }

  async terminate(): Promise<void> {
    this.retired = true;
    await this.worker.terminate();
  }

  private armDeadline(deadline: number): void {
    if (deadline >= this.deadlineArmedFor) return;
    clearTimeout(this.deadlineTimer);
    this.deadlineArmedFor = deadline;
    this.deadlineTimer = setTimeout(() => this.timeOutExpired(), Math.max(0, deadline - performance.now()));
  }

  /** A timer may fire a fraction of a millisecond early: calls not yet due re-arm it. */
  private timeOutExpired(): void {
    this.deadlineTimer = undefined;
    this.deadlineArmedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [id, call] of this.pending) {
      if (call.deadline <= now) this.timeOut(id, call);
      else next = Math.min(next, call.deadline);
    }
    if (next < Infinity) this.armDeadline(next);
  }

  /**
   * The caller gets its 504 now. Runaway code (a loop, a hung await) cannot be stopped from
   * outside except by ending the thread, so the worker is retired: calls already in it finish or
   * time out on their own, and the next call gets a fresh worker.
   */
  private timeOut(id: number, call: Pending): void {
    this.pending.delete(id);
    this.worker.postMessage({ type: 'abort', id });
    call.resolve(
      failedRun(
        'timeout',
        504,
        `the function ran longer than its ${call.timeoutMs} ms timeout`,
        performance.now() - call.started,
      ),
    );
    this.retire();
  }

  private onMessage(message: FromWorker): void {
    if (Array.isArray(message)) {
      for (const result of message) this.settle(result);
      return;
    }
    const waiter = this.loadWaiter;
    if (!waiter) return;
    this.loadWaiter = undefined;
    clearTimeout(waiter.timer);
    if (message.type === 'loaded') waiter.resolve({ initMs: message.initMs, logs: message.logs });
    else waiter.reject(new LoadError(message.message, message.logs));
  }

  private settle([id, outcome, status, runMs, body, headers, params, logs, error]: ResultMessage): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.deadlineTimer?.unref();
    const result: RunResult = {
      outcome,
      status,
      headers: unpackHeaders(headers),
      body,
      params,
      logs,
      cold: false,
      initMs: 0,
      runMs,
    };
    if (error) result.error = error;
    call.resolve(result);
    if (this.retired && this.pending.size === 0) void this.terminate();
  }

  private onExit(): void {
    this.exited = true;
    const cause = this.deathCause;
    const outOfMemory = cause?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const reason = cause ? (cause.stack ?? cause.message) : 'the worker was stopped';
    clearTimeout(this.deadlineTimer);
    for (const call of this.pending.values()) {
      call.resolve(failedRun(outOfMemory ? 'out-of-memory' : 'crash', 502, reason, performance.now() - call.started));
    }
    this.pending.clear();
    if (this.loadWaiter) {
      clearTimeout(this.loadWaiter.timer);
      this.loadWaiter.reject(new LoadError(`the worker died while loading: ${reason}`));
      this.loadWaiter = undefined;
    }
    for (const listener of this.exitListeners) listener();
  }
}
