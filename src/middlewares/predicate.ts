import { ConfigError } from '../config/errors.js';

/*
 * The small predicate language of oxy that Traefik exposes in circuitBreaker.expression and
 * buffering.retryExpression: function calls with numeric arguments, compared with numbers
 * (or used alone when they are boolean), combined with `&&` (binding tighter), `||` and
 * parentheses. Each user supplies its own functions.
 */

/** A function of the language, evaluated against the caller's state `S`. */
export interface PredicateFunction<S> {
  arity: number;
  /** Boolean functions may stand alone; numeric ones must be compared with a number. */
  boolean?: boolean;
  build(args: number[]): (state: S) => number | boolean;
}

export type Predicate<S> = (state: S) => boolean;

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z]+)|(&&|\|\||>=|<=|==|!=|[<>(),]))/y;

function tokenize(source: string, key: string, fix: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  for (let match = TOKEN.exec(source); match; match = TOKEN.exec(source)) {
    tokens.push(match[1] ?? match[2] ?? match[3]!);
    position = TOKEN.lastIndex;
  }
  const rest = source.slice(position).trim();
  if (rest !== '') throw new ConfigError(`unexpected "${rest}" in "${source}"; ${fix}`, key);
  return tokens;
}

/** Compiles `source`; errors name `key` and end with `fix`, an example of a valid expression. */
export function compilePredicate<S>(
  source: string,
  functions: Record<string, PredicateFunction<S>>,
  key: string,
  fix: string,
): Predicate<S> {
  const tokens = tokenize(source, key, fix);
  let index = 0;
  const fail = (what: string): never => {
    const found = tokens[index] === undefined ? 'the end' : `"${tokens[index]}"`;
    throw new ConfigError(`expected ${what} but found ${found} in "${source}"; ${fix}`, key);
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

  const call = (): { read: (state: S) => number | boolean; boolean: boolean } => {
    const name = tokens[index] ?? '';
    const spec = functions[name];
    if (!spec) return fail(`one of ${Object.keys(functions).join(', ')}`);
    index++;
    take('(');
    const args: number[] = [];
    while (tokens[index] !== ')') {
      if (args.length > 0) take(',');
      args.push(number());
    }
    take(')');
    if (args.length !== spec.arity) {
      throw new ConfigError(`${name}() takes ${spec.arity} argument(s), got ${args.length} in "${source}"`, key);
    }
    return { read: spec.build(args), boolean: spec.boolean === true };
  };
  const term = (): Predicate<S> => {
    if (tokens[index] === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    const { read, boolean } = call();
    const compare = COMPARE[tokens[index] ?? ''];
    if (!compare) {
      if (boolean) return (state) => read(state) === true;
      return fail('a comparison (>, >=, <, <=, ==, !=)');
    }
    index++;
    const limit = number();
    return (state) => compare(Number(read(state)), limit);
  };
  const and = (): Predicate<S> => {
    const parts = [term()];
    while (tokens[index] === '&&') {
      index++;
      parts.push(term());
    }
    return parts.length === 1 ? parts[0]! : (state) => parts.every((part) => part(state));
  };
  const or = (): Predicate<S> => {
    const parts = [and()];
    while (tokens[index] === '||') {
      index++;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0]! : (state) => parts.some((part) => part(state));
  };

  if (tokens.length === 0) throw new ConfigError(`is required; ${fix}`, key);
  const predicate = or();
  if (index < tokens.length) fail('"&&", "||" or the end');
  return predicate;
}
