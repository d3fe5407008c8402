/**
 * The default runner: each loaded function version lives in its own worker thread, so a loop,
 * a crash or an out-of-memory error ends only that thread. Once functions exist, one spare worker
 * is kept started, so a cold start only has to import the function's code.
 */
import { performance } from 'node:perf_hooks';
import { FunctionWorker } from './worker-handle.js';
import type { FunctionRunner, FunctionSpec, InvocationCall, LoadInfo, RunResult } from './runner.js';

const SPARE_REFILL_DELAY_MS = 250;

interface Slot {
  name: string;
  version: string;
  worker?: FunctionWorker;
  loading?: Promise<{ worker: FunctionWorker; info: LoadInfo }>;
  lastUsed: number;
}

export interface ThreadRunnerOptions {
  /** Memory limit of the spare worker; functions with another limit get a worker of their own. */
  defaultMemoryLimitMb: number;
}

export class ThreadRunner implements FunctionRunner {
  private readonly slots = new Map<string, Slot>();
  private spare?: FunctionWorker;
  private refillTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ThreadRunnerOptions) {}

  warmUp(): void {
    this.scheduleRefill();
  }

  async invoke(spec: FunctionSpec, call: InvocationCall): Promise<RunResult> {
    const slot = this.slotFor(spec);
    slot.lastUsed = performance.now();
    let cold = false;
    let initMs = 0;
    let worker = slot.worker;
    if (!worker?.alive) {
      cold = true;
      try {
        const loaded = await this.ensureLoaded(slot, spec);
        worker = loaded.worker;
        initMs = loaded.info.initMs;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const logs = (error as { logs?: string[] }).logs ?? [];
        return {
          outcome: 'load-failed',
          status: 502,
          headers: [],
          body: new Uint8Array(),
          params: {},
          logs,
          cold,
          initMs,
          runMs: 0,
          error: message,
        };
      }
    }
    const result = await worker.invoke(call, spec.limits.timeoutMs, spec.limits.maxBodyBytes);
    result.cold = cold;
    result.initMs = initMs;
    return result;
  }

  async preload(spec: FunctionSpec): Promise<LoadInfo> {
    const slot = this.slotFor(spec);
    slot.lastUsed = performance.now();
    if (slot.worker?.alive) return { initMs: 0, logs: [] };
    return (await this.ensureLoaded(slot, spec)).info;
  }

  loadedVersions(name: string): string[] {
    return [...this.slots.values()].filter((s) => s.name === name && s.worker?.alive).map((s) => s.version);
  }

  unload(name: string, keepVersion?: string): void {
    for (const [key, slot] of this.slots) {
      if (slot.name === name && slot.version !== keepVersion) this.drop(key, slot);
    }
  }

  unloadIdle(idleMs: number): void {
    const now = performance.now();
    for (const [key, slot] of this.slots) {
      if (now - slot.lastUsed >= idleMs && !slot.loading && (slot.worker?.inFlight ?? 0) === 0) this.drop(key, slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    const workers = [...this.slots.values()].map((s) => s.worker).filter((w) => w !== undefined);
    if (this.spare) workers.push(this.spare);
    this.slots.clear();
    this.spare = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /**
   * Versions of one function have slots of their own, so a deploy loads the new version while
   * the old one still serves; the runtime then unloads the old one, whose calls in flight finish.
   */
  private slotFor(spec: FunctionSpec): Slot {
    const key = `${spec.name}@${spec.version}`;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { name: spec.name, version: spec.version, lastUsed: performance.now() }));
    return slot;
  }

  private drop(key: string, slot: Slot): void {
    this.slots.delete(key);
    slot.worker?.retire();
  }

  /** Concurrent first calls share one load. */
  private ensureLoaded(slot: Slot, spec: FunctionSpec): Promise<{ worker: FunctionWorker; info: LoadInfo }> {
    slot.loading ??= this.load(slot, spec).finally(() => (slot.loading = undefined));
    return slot.loading;
  }

  private async load(slot: Slot, spec: FunctionSpec): Promise<{ worker: FunctionWorker; info: LoadInfo }> {
    const started = performance.now();
    const code = await spec.code();
    const worker = this.takeWorker(spec.limits.memoryLimitMb);
    try {
      const info = await worker.load(
        { name: spec.name, version: spec.version, code, env: spec.env },
        spec.limits.loadTimeoutMs,
      );
      slot.worker = worker;
      slot.lastUsed = performance.now();
      worker.onDeath(() => {
        if (slot.worker === worker) slot.worker = undefined;
      });
      // Unloaded while loading (a newer deploy, close): the calls that waited for this load still
      // run on it (they resume before setImmediate), then the worker ends.
      if (this.slots.get(`${spec.name}@${spec.version}`) !== slot || this.closed) setImmediate(() => worker.retire());
      return { worker, info: { ...info, initMs: performance.now() - started } };
    } catch (error) {
      void worker.terminate();
      throw error;
    }
  }

  private takeWorker(memoryLimitMb: number): FunctionWorker {
    const spare = this.spare;
    if (spare?.alive && spare.memoryLimitMb === memoryLimitMb) {
      this.spare = undefined;
      this.scheduleRefill();
      return spare;
    }
    return new FunctionWorker(memoryLimitMb);
  }

  /** Not at once: starting a worker takes CPU that a just-loaded function's first calls need more. */
  private scheduleRefill(): void {
    if (this.refillTimer || this.spare?.alive) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.refillSpare();
    }, SPARE_REFILL_DELAY_MS);
    this.refillTimer.unref();
  }

  private refillSpare(): void {
    if (this.closed || this.spare?.alive) return;
    this.spare = new FunctionWorker(this.options.defaultMemoryLimitMb);
  }
}
