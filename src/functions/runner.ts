/**
 * The seam between the function runtime and whatever executes function code. The thread runner
 * (worker_threads) is the default; a process or container runner implements the same interface
 * and nothing else changes.
 */
import type { HeaderList } from './worker/protocol.js';

/** One deployed version as a runner needs it. `code` is read from the store only when loading. */
export interface FunctionSpec {
  name: string;
  version: string;
  env: Record<string, string>;
  code: () => Promise<string>;
  limits: FunctionLimits;
}

export interface FunctionLimits {
  timeoutMs: number;
  /** For top-level code: starting a worker on a busy machine must not count against `timeoutMs`. */
  loadTimeoutMs: number;
  memoryLimitMb: number;
  concurrency: number;
  maxBodyBytes: number;
}

/** A request as handed to a function: already read and size-checked. */
export interface InvocationCall {
  method: string;
  url: string;
  routePath: string;
  headers: HeaderList;
  body: Uint8Array | null;
  requestId: string;
  consumer?: string;
}

export type Outcome =
  | 'ok'
  | 'error'
  | 'no-route'
  | 'response-too-large'
  | 'timeout'
  | 'crash'
  | 'out-of-memory'
  | 'load-failed'
  | 'busy'
  | 'request-too-large';

export interface RunResult {
  outcome: Outcome;
  status: number;
  headers: HeaderList;
  body: Uint8Array;
  params: Record<string, string>;
  logs: string[];
  /** True when this call waited for the function to load. */
  cold: boolean;
  initMs: number;
  runMs: number;
  error?: string;
}

/** A call that produced no response of the function's own: refused, timed out or crashed. */
export function failedRun(outcome: Outcome, status: number, error: string, runMs = 0): RunResult {
  return {
    outcome,
    status,
    headers: [],
    body: new Uint8Array(),
    params: {},
    logs: [],
    cold: false,
    initMs: 0,
    runMs,
    error,
  };
}

export interface LoadInfo {
  initMs: number;
  logs: string[];
}

/** A function's top-level code failed (threw, timed out, or had no usable default export). */
export class LoadError extends Error {
  constructor(
    message: string,
    readonly logs: string[] = [],
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

export interface FunctionRunner {
  /** Runs one call, loading the version first if needed. Function faults come back as results, never throws. */
  invoke(spec: FunctionSpec, call: InvocationCall): Promise<RunResult>;
  /** Gets ready for a first load (the thread runner starts a spare worker); Portier calls it once functions exist. */
  warmUp(): void;
  /** Loads a version ahead of calls (deploy, push from another instance). Throws LoadError. */
  preload(spec: FunctionSpec): Promise<LoadInfo>;
  /** The versions of `name` loaded now. */
  loadedVersions(name: string): string[];
  /** Drops the versions of `name` other than `keepVersion`; calls in flight finish first. */
  unload(name: string, keepVersion?: string): void;
  /** Drops functions with no call for `idleMs`. */
  unloadIdle(idleMs: number): void;
  close(): Promise<void>;
}
