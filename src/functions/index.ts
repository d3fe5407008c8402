/**
 * Functions ("lambdas"): small TS/JS handlers uploaded at run time and served behind routes by
 * the `functions@internal` service. See `createFunctionRuntime` for what the integrator wires.
 *
 * Isolation, honestly: each function version runs in its own worker thread with a memory limit,
 * a wall-clock timeout, its own `env` only, and imports limited to harmless built-ins. That
 * contains mistakes (loops, leaks, crashes) and keeps Portier's memory, config and secrets out
 * of reach of honest code. Worker threads share the process, so they are NOT a security boundary
 * against hostile code (Node internals, V8 bugs): run untrusted code in a
 * process or container runner (the `FunctionRunner` interface) instead.
 */
import type { StaticConfig } from '../config/static/types.js';
import type { Handler } from '../runtime/context.js';
import type { Service } from '../services/types.js';
import { createFunctionsApi } from './api.js';
import { FunctionRuntimeCore } from './function-runtime.js';
import type { FunctionRunner } from './runner.js';
import { createFunctionService } from './service.js';
import { resolveSettings } from './settings.js';
import { DirectoryStore } from './store/directory-store.js';
import type { FunctionStore } from './store/types.js';
import { ThreadRunner } from './thread-runner.js';

export interface FunctionRuntime {
  /** The `functions@internal` service. */
  readonly service: Service;
  /** Serves `/api/functions…` on the API entry point. */
  readonly apiHandler: Handler;
  /** Deploy, rollback, list, logs and per-invocation hooks (metrics, access log). */
  readonly core: FunctionRuntimeCore;
  close(): Promise<void>;
}

export interface FunctionRuntimeParts {
  /** Another store (Redis, etcd…); default: the directory from `functions.store.directory`. */
  store?: FunctionStore;
  /** Another runner (process, container…); default: worker threads. */
  runner?: FunctionRunner;
}

/** Reads the `functions` static section (relative paths against `baseDir`). Throws ConfigError. */
export function createFunctionRuntime(
  config: StaticConfig['functions'],
  baseDir: string,
  parts: FunctionRuntimeParts = {},
): FunctionRuntime {
  const settings = resolveSettings(config, baseDir);
  const store = parts.store ?? new DirectoryStore(settings.storeDirectory);
  const runner = parts.runner ?? new ThreadRunner({ defaultMemoryLimitMb: settings.limits.memoryLimitMb });
  const core = new FunctionRuntimeCore(store, runner, settings);
  return {
    service: createFunctionService(core),
    apiHandler: createFunctionsApi(core),
    core,
    close: () => core.close(),
  };
}

export { CompileError, compileFunction } from './compiler.js';
export { FunctionsError } from './errors.js';
export type { DeployResult, FunctionSummary, Invocation } from './function-runtime.js';
export { FunctionRuntimeCore } from './function-runtime.js';
export { serveInvocation, type HttpExchange, type ServedInvocation } from './http-invoke.js';
export type { InvocationRecord } from './invocation-log.js';
export type {
  FunctionLimits,
  FunctionRunner,
  FunctionSpec,
  InvocationCall,
  LoadInfo,
  Outcome,
  RunResult,
} from './runner.js';
export { LoadError } from './runner.js';
export { DirectoryStore } from './store/directory-store.js';
export { MemoryStore } from './store/memory-store.js';
export type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from './store/types.js';
export { ThreadRunner } from './thread-runner.js';
