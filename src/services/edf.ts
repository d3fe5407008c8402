interface Entry<T> {
  readonly item: T;
  readonly weight: number;
  deadline: number;
  /** When it was last queued: equal deadlines are served first come, first served. */
  turn: number;
}

/**
 * Weighted round robin as an earliest-deadline-first scheduler, like Traefik v3: each entry waits
 * 1/weight after being picked, so picks are interleaved smoothly (3:1 gives a a b a a a b a…,
 * never long runs). A binary heap keeps a pick at O(log n).
 */
export class EdfScheduler<T> {
  private readonly heap: Entry<T>[] = [];
  private turns = 0;

  /** Entries with weight ≤ 0 never take traffic and are left out. */
  constructor(entries: readonly { item: T; weight: number }[]) {
    for (const { item, weight } of entries) {
      if (!(weight > 0)) continue;
      this.heap.push({ item, weight, deadline: 1 / weight, turn: this.turns++ });
      this.up(this.heap.length - 1);
    }
  }

  get size(): number {
    return this.heap.length;
  }

  /**
   * The next entry whose item `usable` accepts. Unusable ones are advanced as if picked, so they
   * do not pile up at the front, and once every entry was refused the answer is undefined.
   */
  next(usable: (item: T) => boolean): T | undefined {
    for (let tries = this.heap.length; tries > 0; tries--) {
      const top = this.heap[0]!;
      top.deadline += 1 / top.weight;
      top.turn = this.turns++;
      this.down(0);
      if (usable(top.item)) return top.item;
    }
    return undefined;
  }

  private up(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index]!, heap[parent]!)) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private down(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.turn < b.turn);
  }
}
