import type { EtcdConnection, Versioned } from '../cluster/etcd-connection.js';
import { StoreUnavailable } from '../cluster/store-unavailable.js';
import { gcra, type GcraDecision, type GcraLimit } from './gcra.js';
import type { RateLimitStore } from './rate-limit-stores.js';
import { gatewayClock } from './settings.js';

/** Each lost race means another request was admitted, so this bounds only pathological churn. */
const MAX_ATTEMPTS = 200;
const SWEEP_MS = 30_000;

/**
 * GCRA over etcd. The new TAT is written in a transaction that only succeeds if the key is still
 * at the revision the decision was based on; a lost race decides again on the value the
 * transaction hands back, so exactly `burst` requests pass however many instances race.
 *
 * The last TAT this instance wrote or saw is kept, so an admission usually costs one transaction
 * and no read. A refusal is only given on a value just read from etcd: a remembered one may be
 * stale (an operator may have deleted the key to lift a limit). etcd lends no clock, so each
 * instance uses its own: keep them in NTP sync.
 */
export class EtcdRateLimitStore implements RateLimitStore {
  private readonly seen = new Map<string, Versioned>();
  private nextSweep = 0;

  constructor(private readonly etcd: () => EtcdConnection) {}

  async take(key: string, limit: GcraLimit): Promise<GcraDecision> {
    const etcd = this.etcd();
    const stored = `portier:rl:${key}`;
    let current = this.seen.get(stored);
    let fresh = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = gatewayClock.now();
      if (now >= this.nextSweep) this.sweep(now);
      const decision = gcra(current && Number(current.value), now, limit);
      if (!decision.allowed && fresh) {
        this.remember(stored, current);
        return decision;
      }
      if (!decision.allowed) {
        current = await etcd.read(stored);
        fresh = true;
        continue;
      }
      const value = String(decision.tat);
      const outcome = await etcd.swap(stored, current, value, decision.tat - now + 1);
      if (outcome.swapped) {
        this.seen.set(stored, { value, modRevision: outcome.revision });
        return decision;
      }
      current = outcome.current;
      fresh = true;
    }
    throw new StoreUnavailable(`etcd: rate-limit key "${key}" changed by other requests too often`);
  }

  private remember(stored: string, current: Versioned | undefined): void {
    if (current) this.seen.set(stored, current);
    else this.seen.delete(stored);
  }

  /** A TAT in the past decides like no TAT at all. */
  private sweep(now: number): void {
    for (const [stored, { value }] of this.seen) if (Number(value) <= now) this.seen.delete(stored);
    this.nextSweep = now + SWEEP_MS;
  }
}
