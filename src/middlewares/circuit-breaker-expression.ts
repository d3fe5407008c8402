import { ConfigError } from '../config/errors.js';
import type { RollingMetrics } from './circuit-breaker-metrics.js';

/** A compiled circuit breaker condition. */
export type Condition = (metrics: RollingMetrics) => boolean;
type Metric = (metrics: RollingMetrics) => number;

const METRICS: Record<string, { arity: number; build: (args: number[]) => Metric }> = {
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

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z]+)|(&&|\|\||>=|<=|==|!=|[<>(),]))/y;

const FIX = 'write it like "NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.25"';

/**
 * Compiles a circuit breaker expression (oxy's predicate language): metric calls compared with
 * numbers, combined with `&&` (binding tighter) and `||`, and parentheses.
 */
export function compileCondition(source: string, key = 'expression'): Condition {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  for (let match = TOKEN.exec(source); match; match = TOKEN.exec(source)) {
    tokens.push(match[1] ?? match[2] ?? match[3]!);
    position = TOKEN.lastIndex;
  }
  if (source.slice(position).trim() !== '') {
    throw new ConfigError(`unexpected "${source.slice(position).trim()}" in "${source}"; ${FIX}`, key);
  }
  let index = 0;
  const fail = (what: string): never => {
    const found = tokens[index] === undefined ? 'the end' : `"${tokens[index]}"`;
    throw new ConfigError(`expected ${what} but found ${found} in "${source}"; ${FIX}`, key);
  };
  const take = (expected?: string): string => {
    const token = tokens[index];
    if (token === undefined || (expected !== undefined && token !== expected)) return fail(expected ?? 'more');
    index++;
    return token;
  };
  const number = (): number => {
    const token = tokens[index];
    if (token === undefined || !/^\d/.test(token)) return fail('a number');
    index++;
    return Number(token);
  };

  const metric = (): Metric => {
    const name = take();
    const spec = METRICS[name];
    if (!spec) return fail(`one of ${Object.keys(METRICS).join(', ')}`);
    take('(');
    const args: number[] = [];
    while (tokens[index] !== ')') {
      if (args.length > 0) take(',');
      args.push(number());
    }
    take(')');
    if (args.length !== spec.arity) {
      throw new ConfigError(`${name} takes ${spec.arity} argument(s), got ${args.length} in "${source}"`, key);
    }
    return spec.build(args);
  };
  const comparison = (): Condition => {
    if (tokens[index] === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    const read = metric();
    const operator = take();
    const compare = COMPARE[operator];
    if (!compare) {
      index--;
      return fail('a comparison (>, >=, <, <=, ==, !=)');
    }
    const limit = number();
    return (m) => compare(read(m), limit);
  };
  const and = (): Condition => {
    const parts = [comparison()];
    while (tokens[index] === '&&') {
      take();
      parts.push(comparison());
    }
    return parts.length === 1 ? parts[0]! : (m) => parts.every((part) => part(m));
  };
  const or = (): Condition => {
    const parts = [and()];
    while (tokens[index] === '||') {
      take();
      parts.push(and());
    }
    return parts.length === 1 ? parts[0]! : (m) => parts.some((part) => part(m));
  };

  if (tokens.length === 0) throw new ConfigError(`is required; ${FIX}`, key);
  const condition = or();
  if (index < tokens.length) fail('"&&", "||" or the end');
  return condition;
}
