import type { RollingMetrics } from './circuit-breaker-metrics.js';
import { compilePredicate, type Predicate, type PredicateFunction } from './predicate.js';

/** A compiled circuit breaker condition. */
export type Condition = Predicate<RollingMetrics>;

const METRICS: Record<string, PredicateFunction<RollingMetrics>> = {
  NetworkErrorRatio: { arity: 0, build: () => (m) => m.networkErrorRatio() },
  ResponseCodeRatio: {
    arity: 4,
    build:
      ([from, to, divFrom, divTo]) =>
      (m) =>
        m.responseCodeRatio(from!, to!, divFrom!, divTo!),
  },
  LatencyAtQuantileMS: {
    arity: 1,
    build:
      ([quantile]) =>
      (m) =>
        m.latencyAtQuantile(quantile!),
  },
  RequestThreshold: { arity: 0, build: () => (m) => m.requestCount() },
};

/** Compiles a circuit breaker expression such as `NetworkErrorRatio() > 0.5`. */
export function compileCondition(source: string, key = 'expression'): Condition {
  return compilePredicate(
    source,
    METRICS,
    key,
    'write it like "NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.25"',
  );
}
