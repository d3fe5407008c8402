import type { ProviderSnapshot } from '../../src/providers/types.js';

/** Records what a provider emits and waits for a snapshot that satisfies a condition. */
export class SnapshotRecorder {
  readonly snapshots: ProviderSnapshot[] = [];
  private waiters: (() => void)[] = [];

  readonly emit = (snapshot: ProviderSnapshot): void => {
    this.snapshots.push(snapshot);
    for (const wake of this.waiters.splice(0)) wake();
  };

  get latest(): ProviderSnapshot | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  /** Resolves with the first snapshot (already recorded or future) that satisfies `test`. */
  async waitFor(test: (snapshot: ProviderSnapshot) => boolean, timeoutMs = 3000): Promise<ProviderSnapshot> {
    const deadline = Date.now() + timeoutMs;
    for (let checked = 0; ;) {
      for (; checked < this.snapshots.length; checked++) {
        const snapshot = this.snapshots[checked]!;
        if (test(snapshot)) return snapshot;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching snapshot; latest: ${JSON.stringify(this.latest)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }
}
