import type { RoutingRequest } from './types.js';

export type Predicate = (request: RoutingRequest) => boolean;

export interface BuiltMatcher {
  test: Predicate;
  /** Set when the matcher only accepts these exact canonical hosts. */
  hosts?: readonly string[];
}

export interface MatcherSpec {
  /** Accepted argument counts; `many` = one or more. */
  arity: readonly number[] | 'many';
  /** An example call, shown in errors as the fix. */
  usage: string;
  /** Builds the matcher; throws MatcherProblem for bad arguments. */
  build(args: string[]): BuiltMatcher;
}

/** One flavour of the rule language: its matchers, keyed by canonical name. */
export interface Dialect {
  readonly name: 'v3' | 'v2';
  readonly matchers: Readonly<Record<string, MatcherSpec>>;
}
