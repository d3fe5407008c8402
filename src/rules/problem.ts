import { ConfigError } from '../config/errors.js';

/**
 * A problem with one matcher's arguments, raised while building it. The compiler adds where the
 * matcher sits in the rule before turning it into a ConfigError.
 */
export class MatcherProblem extends Error {
  override readonly name = 'MatcherProblem';
}

/** A ConfigError about a rule: keyed `rule`, as the router field it comes from. */
export function ruleError(message: string): ConfigError {
  return new ConfigError(message, 'rule');
}
