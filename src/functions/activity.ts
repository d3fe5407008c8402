/**
 * What the dashboard shows about each function beyond its pointer: invocation counts since this
 * instance started, the median run time of the recent calls, the last failure, a deploy that was
 * refused, and a change event for every deploy, rollback, removal or refused deploy.
 */
import type { FunctionRuntimeCore } from './function-runtime.js';
import type { InvocationRecord } from './invocation-log.js';
import type { Outcome } from './runner.js';
import type { PointerEvent } from './store/types.js';

/** Outcomes that are the function's own fault; `no-route`, `busy` and `request-too-large` are not. */
const FAULTS = new Set<Outcome>(['error', 'crash', 'timeout', 'out-of-memory', 'load-failed', 'response-too-large']);

export interface DeployFailure {
  time: string;
  message: string;
  /** Set for compile errors: where in the uploaded source. */
  line?: number;
  column?: number;
}

export interface InvocationFailure {
  time: string;
  requestId: string;
  outcome: Outcome;
  error?: string;
}

export interface FunctionActivityView {
  invocations: number;
  /** Calls that ended in one of the function's own faults (see FAULTS). */
  errors: number;
  /** Median run time of the calls still in the invocation log, in ms; absent before the first call. */
  p50Ms?: number;
  lastInvocationAt?: string;
  lastFailure?: InvocationFailure;
  /** The last deploy of this name was refused; cleared by the next successful deploy. */
  deployFailure?: DeployFailure;
  /** `failing`: the latest call was a fault. `deploy-failed` wins over it. */
  state: 'ok' | 'failing' | 'deploy-failed';
}

export type FunctionChange = 'deployed' | 'rolled-back' | 'removed' | 'deploy-failed';

/** Sent on `/api/events` as `event: function`. */
export interface FunctionEvent {
  type: 'function';
  name: string;
  change: FunctionChange;
  /** The current version after the change (absent after a removal or a refused first deploy). */
  version?: string;
}

interface Counters {
  invocations: number;
  errors: number;
  lastInvocationAt?: string;
  lastFailure?: InvocationFailure;
  latestWasFault: boolean;
}

type Listener = (event: FunctionEvent) => void;

export class FunctionActivity {
  private readonly counters = new Map<string, Counters>();
  private readonly deployFailures = new Map<string, DeployFailure>();
  private readonly histories = new Map<string, string[]>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly core: FunctionRuntimeCore) {
    core.onInvocation((record) => this.count(record));
    core.store.watch((event) => this.onPointerChange(event));
    // Seeded so that the first change after a start is told apart as a deploy or a rollback.
    core.store.listPointers().then(
      (pointers) => pointers.forEach((p) => !this.histories.has(p.name) && this.histories.set(p.name, p.history)),
      () => undefined,
    );
  }

  view(name: string): FunctionActivityView {
    const counters = this.counters.get(name);
    const deployFailure = this.deployFailures.get(name);
    const runTimes = this.core.log
      .recent(name)
      .map((r) => r.runMs)
      .sort((a, b) => a - b);
    return {
      invocations: counters?.invocations ?? 0,
      errors: counters?.errors ?? 0,
      ...(runTimes.length ? { p50Ms: runTimes[Math.floor((runTimes.length - 1) / 2)] } : {}),
      ...(counters?.lastInvocationAt ? { lastInvocationAt: counters.lastInvocationAt } : {}),
      ...(counters?.lastFailure ? { lastFailure: counters.lastFailure } : {}),
      ...(deployFailure ? { deployFailure } : {}),
      state: deployFailure ? 'deploy-failed' : counters?.latestWasFault ? 'failing' : 'ok',
    };
  }

  deploySucceeded(name: string): void {
    this.deployFailures.delete(name);
  }

  deployFailed(name: string, failure: Omit<DeployFailure, 'time'>): void {
    this.deployFailures.set(name, { time: new Date().toISOString(), ...failure });
    const version = this.histories.get(name)?.at(-1);
    this.emit({ type: 'function', name, change: 'deploy-failed', ...(version ? { version } : {}) });
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private count(record: InvocationRecord): void {
    let counters = this.counters.get(record.function);
    if (!counters)
      this.counters.set(record.function, (counters = { invocations: 0, errors: 0, latestWasFault: false }));
    counters.invocations++;
    counters.lastInvocationAt = record.time;
    counters.latestWasFault = FAULTS.has(record.outcome);
    if (!counters.latestWasFault) return;
    counters.errors++;
    counters.lastFailure = {
      time: record.time,
      requestId: record.requestId,
      outcome: record.outcome,
      ...(record.error ? { error: record.error } : {}),
    };
  }

  private onPointerChange({ name, pointer }: PointerEvent): void {
    const before = this.histories.get(name);
    if (!pointer) {
      this.histories.delete(name);
      this.counters.delete(name);
      this.deployFailures.delete(name);
      this.emit({ type: 'function', name, change: 'removed' });
      return;
    }
    // Unchanged histories are announced too (a refused rollback writes the pointer back, the
    // cluster stores replay every pointer after an outage): no news.
    if (before && sameVersions(before, pointer.history)) return;
    this.histories.set(name, pointer.history);
    const version = pointer.history.at(-1);
    // A new version resets "failing": its calls have yet to show whether it is fixed.
    const counters = this.counters.get(name);
    if (counters) counters.latestWasFault = false;
    this.emit({
      type: 'function',
      name,
      change: isRollback(before, pointer.history) ? 'rolled-back' : 'deployed',
      version,
    });
  }

  private emit(event: FunctionEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function sameVersions(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => b[i] === v);
}

/** A rollback drops the newest version and keeps the rest, so the new history is a prefix of the old one. */
function isRollback(before: string[] | undefined, after: string[]): boolean {
  return before !== undefined && after.length < before.length && after.every((v, i) => before[i] === v);
}

const byCore = new WeakMap<FunctionRuntimeCore, FunctionActivity>();

/**
 * One tracker per function runtime, shared by the functions API (which records refused deploys)
 * and the event stream (which forwards the changes), without widening the runtime's interface.
 */
export function activityOf(core: FunctionRuntimeCore): FunctionActivity {
  let activity = byCore.get(core);
  if (!activity) byCore.set(core, (activity = new FunctionActivity(core)));
  return activity;
}
