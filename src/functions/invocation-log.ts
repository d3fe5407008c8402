/** The last invocations of each function, for `portier functions logs` and the API. */
import type { Outcome } from './runner.js';

export interface InvocationRecord {
  requestId: string;
  function: string;
  version: string;
  time: string;
  cold: boolean;
  initMs: number;
  runMs: number;
  outcome: Outcome;
  status: number;
  params: Record<string, string>;
  logs: string[];
  error?: string;
}

export class InvocationLog {
  private readonly rings = new Map<string, InvocationRecord[]>();

  constructor(private readonly capacity = 100) {}

  add(record: InvocationRecord): void {
    let ring = this.rings.get(record.function);
    if (!ring) this.rings.set(record.function, (ring = []));
    ring.push(record);
    if (ring.length > this.capacity) ring.shift();
  }

  /** Newest last. */
  recent(name: string, limit = this.capacity): InvocationRecord[] {
    return (this.rings.get(name) ?? []).slice(-limit);
  }

  forget(name: string): void {
    this.rings.delete(name);
  }
}
