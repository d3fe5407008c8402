/**
 * The function platform's core: deploy, rollback and removal against the store, the name →
 * version cache kept current by the store's announcements, per-function concurrency, and one
 * record per invocation. HTTP adapters (service, API, dev server) sit on top of it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { COMPILER_ID, compileFunction } from './compiler.js';
import { FunctionsError } from './errors.js';
import { InvocationLog, type InvocationRecord } from './invocation-log.js';
import {
  failedRun,
  LoadError,
  type FunctionRunner,
  type FunctionSpec,
  type InvocationCall,
  type RunResult,
} from './runner.js';
import type { FunctionSettings } from './settings.js';
import {
  checkFunctionName,
  HISTORY_LIMIT,
  type FunctionPointer,
  type FunctionStore,
  type PointerEvent,
} from './store/types.js';

/** Source uploads above this are refused: functions are meant to be small. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

export interface DeployResult {
  name: string;
  version: string;
  previous?: string;
  unchanged: boolean;
  compileMs: number;
  initMs: number;
  logs: string[];
}

export interface FunctionSummary {
  name: string;
  version: string;
  versions: number;
  updatedAt: string;
  loaded: boolean;
}

export interface Invocation {
  record: InvocationRecord;
  result: RunResult;
}

type Listener = (record: InvocationRecord) => void;

export class FunctionRuntimeCore {
  private readonly current = new Map<string, string>();
  private readonly inFlight = new Map<string, number>();
  private readonly listeners = new Set<Listener>();
  private readonly stopWatching: () => void;
  private readonly idleTimer?: NodeJS.Timeout;
  readonly log = new InvocationLog();

  constructor(
    readonly store: FunctionStore,
    readonly runner: FunctionRunner,
    readonly settings: FunctionSettings,
  ) {
    this.stopWatching = store.watch((event) => this.onPointerChange(event));
    store.listPointers().then(
      (pointers) => pointers.length > 0 && runner.warmUp(),
      () => undefined,
    );
    if (settings.idleUnloadMs > 0) {
      this.idleTimer = setInterval(
        () => runner.unloadIdle(settings.idleUnloadMs),
        Math.min(settings.idleUnloadMs / 2, 30_000),
      );
      this.idleTimer.unref();
    }
  }

  /** Compiles, stores and test-loads `source`, then points `name` at it. Nothing changes on error. */
  async deploy(name: string, source: string, file = `${name}.ts`): Promise<DeployResult> {
    this.checkName(name);
    if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
      throw new FunctionsError(
        413,
        `the source is larger than ${MAX_SOURCE_BYTES} bytes; a function must be one small file`,
      );
    }
    const started = performance.now();
    const code = await compileFunction(source, file);
    const compileMs = performance.now() - started;
    const id = createHash('sha256').update(source).digest('hex');
    await this.store.putVersion({ id, source, code, file, compiler: COMPILER_ID, createdAt: new Date().toISOString() });
    const before = await this.store.getPointer(name);
    const previous = before?.history.at(-1);
    if (previous === id) return { name, version: id, previous, unchanged: true, compileMs, initMs: 0, logs: [] };
    let load;
    try {
      load = await this.runner.preload(this.spec(name, id));
    } catch (error) {
      if (error instanceof LoadError) {
        throw new FunctionsError(400, `the function failed to load: ${error.message}`, {
          kind: 'load',
          logs: error.logs,
        });
      }
      throw error;
    }
    await this.store.updatePointer(name, (pointer) => ({
      name,
      history: [...(pointer?.history ?? []).filter((v) => v !== id), id].slice(-HISTORY_LIMIT),
      updatedAt: new Date().toISOString(),
    }));
    return {
      name,
      version: id,
      ...(previous ? { previous } : {}),
      unchanged: false,
      compileMs,
      initMs: load.initMs,
      logs: load.logs,
    };
  }

  /** Points `name` back at the version before the current one. */
  async rollback(name: string): Promise<FunctionPointer> {
    this.checkName(name);
    let refusal: FunctionsError | undefined;
    const pointer = await this.store.updatePointer(name, (p) => {
      if (!p) refusal = new FunctionsError(404, `no function named "${name}"`);
      else if (p.history.length < 2)
        refusal = new FunctionsError(409, `"${name}" has no earlier version to roll back to`);
      if (refusal || !p) return p;
      return { name, history: p.history.slice(0, -1), updatedAt: new Date().toISOString() };
    });
    if (refusal) throw refusal;
    return pointer as FunctionPointer;
  }

  async remove(name: string): Promise<void> {
    this.checkName(name);
    let found = false;
    await this.store.updatePointer(name, (p) => {
      found = p !== undefined;
      return undefined;
    });
    if (!found) throw new FunctionsError(404, `no function named "${name}"`);
  }

  async list(): Promise<FunctionSummary[]> {
    const pointers = await this.store.listPointers();
    return pointers.map((p) => this.summary(p)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async info(name: string): Promise<(FunctionSummary & { history: string[] }) | undefined> {
    if (checkFunctionName(name)) return undefined;
    const pointer = await this.store.getPointer(name);
    return pointer ? { ...this.summary(pointer), history: pointer.history } : undefined;
  }

  /** Runs one call of the current version; undefined when no function has that name. */
  async invoke(name: string, call: InvocationCall): Promise<Invocation | undefined> {
    const version = await this.currentVersion(name);
    if (!version) return undefined;
    const spec = this.spec(name, version);
    const running = this.inFlight.get(name) ?? 0;
    let result: RunResult;
    if (running >= spec.limits.concurrency) {
      result = failedRun('busy', 429, `${running} calls already in flight, the limit is ${spec.limits.concurrency}`);
    } else {
      this.inFlight.set(name, running + 1);
      try {
        result = await this.runner.invoke(spec, call);
      } finally {
        this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
      }
    }
    return { record: this.record(name, version, call.requestId, result), result };
  }

  /** Records a call refused before it reached the function (e.g. a body over the size cap). */
  async refuse(name: string, requestId: string, result: RunResult): Promise<InvocationRecord | undefined> {
    const version = await this.currentVersion(name);
    return version ? this.record(name, version, requestId, result) : undefined;
  }

  async exists(name: string): Promise<boolean> {
    return (await this.currentVersion(name)) !== undefined;
  }

  onInvocation(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    this.stopWatching();
    await this.runner.close();
    await this.store.close();
  }

  private record(name: string, version: string, requestId: string, result: RunResult): InvocationRecord {
    const record: InvocationRecord = {
      requestId: requestId || randomUUID(),
      function: name,
      version,
      time: new Date().toISOString(),
      cold: result.cold,
      initMs: round(result.initMs),
      runMs: round(result.runMs),
      outcome: result.outcome,
      status: result.status,
      params: result.params,
      logs: result.logs,
      ...(result.error ? { error: result.error } : {}),
    };
    this.log.add(record);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  private async currentVersion(name: string): Promise<string | undefined> {
    const cached = this.current.get(name);
    if (cached || checkFunctionName(name)) return cached;
    const version = (await this.store.getPointer(name))?.history.at(-1);
    if (version) this.current.set(name, version);
    return version;
  }

  /**
   * Push: when a deploy, rollback or removal happens (here or on another instance), the old
   * version stops taking calls (its calls in flight finish) and a loaded function loads its new
   * version right away instead of on the next call.
   */
  private onPointerChange(event: PointerEvent): void {
    const version = event.pointer?.history.at(-1);
    const wasLoaded = this.runner.loadedVersions(event.name).length > 0;
    if (!version) {
      this.current.delete(event.name);
      this.runner.unload(event.name);
      this.log.forget(event.name);
      return;
    }
    this.current.set(event.name, version);
    this.runner.warmUp();
    this.runner.unload(event.name, version);
    if (wasLoaded) this.runner.preload(this.spec(event.name, version)).catch(() => undefined);
  }

  private spec(name: string, version: string): FunctionSpec {
    return {
      name,
      version,
      env: this.settings.env[name] ?? {},
      limits: this.settings.limits,
      code: async () => {
        const stored = await this.store.getVersion(version);
        if (!stored) throw new LoadError(`version ${version} of "${name}" is missing from the store`);
        return stored.code;
      },
    };
  }

  private summary(pointer: FunctionPointer): FunctionSummary {
    return {
      name: pointer.name,
      version: pointer.history.at(-1) ?? '',
      versions: pointer.history.length,
      updatedAt: pointer.updatedAt,
      loaded: this.runner.loadedVersions(pointer.name).length > 0,
    };
  }

  private checkName(name: string): void {
    const problem = checkFunctionName(name);
    if (problem) throw new FunctionsError(400, problem);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
