const BUCKETS = 10;
const BUCKET_MS = 1000;
/** Latency samples kept per bucket; beyond that, reservoir sampling keeps them representative. */
const SAMPLES_PER_BUCKET = 512;

interface Bucket {
  start: number;
  total: number;
  networkErrors: number;
  codes: Map<number, number>;
  latencies: number[];
  seen: number;
}

function emptyBucket(start: number): Bucket {
  return { start, total: 0, networkErrors: 0, codes: new Map(), latencies: [], seen: 0 };
}

/**
 * Request outcomes over the last 10 seconds in 1-second buckets (oxy's RTMetrics window), from
 * which the circuit breaker expression reads its ratios and latency quantiles.
 */
export class RollingMetrics {
  private buckets: Bucket[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(status: number, latencyMs: number): void {
    const bucket = this.current();
    bucket.total++;
    // The transport answers 502/504 when the upstream could not be reached or timed out.
    if (status === 502 || status === 504) bucket.networkErrors++;
    bucket.codes.set(status, (bucket.codes.get(status) ?? 0) + 1);
    bucket.seen++;
    if (bucket.latencies.length < SAMPLES_PER_BUCKET) bucket.latencies.push(latencyMs);
    else {
      const slot = Math.floor(Math.random() * bucket.seen);
      if (slot < SAMPLES_PER_BUCKET) bucket.latencies[slot] = latencyMs;
    }
  }

  reset(): void {
    this.buckets = [];
  }

  requestCount(): number {
    return this.live().reduce((sum, bucket) => sum + bucket.total, 0);
  }

  networkErrorRatio(): number {
    const total = this.requestCount();
    return total === 0 ? 0 : this.live().reduce((sum, bucket) => sum + bucket.networkErrors, 0) / total;
  }

  /** Responses with codes in [from, to) over those in [divFrom, divTo); 0 when the latter is 0. */
  responseCodeRatio(from: number, to: number, divFrom: number, divTo: number): number {
    let matched = 0;
    let divisor = 0;
    for (const bucket of this.live()) {
      for (const [code, count] of bucket.codes) {
        if (code >= from && code < to) matched += count;
        if (code >= divFrom && code < divTo) divisor += count;
      }
    }
    return divisor === 0 ? 0 : matched / divisor;
  }

  /** Latency in milliseconds at `quantile` percent (50.0 = median); 0 without samples. */
  latencyAtQuantile(quantile: number): number {
    const samples = this.live()
      .flatMap((bucket) => bucket.latencies)
      .sort((a, b) => a - b);
    if (samples.length === 0) return 0;
    const index = Math.min(samples.length - 1, Math.max(0, Math.ceil((quantile / 100) * samples.length) - 1));
    return samples[index]!;
  }

  private current(): Bucket {
    const start = Math.floor(this.now() / BUCKET_MS) * BUCKET_MS;
    const last = this.buckets.at(-1);
    if (last?.start === start) return last;
    const bucket = emptyBucket(start);
    this.buckets = [...this.live(), bucket].slice(-BUCKETS);
    return bucket;
  }

  private live(): Bucket[] {
    const oldest = this.now() - BUCKETS * BUCKET_MS;
    return this.buckets.filter((bucket) => bucket.start > oldest);
  }
}
