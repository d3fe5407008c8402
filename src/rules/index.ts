/**
 * The rule language: one parser, three dialects. v3 (default) and v2 compile to matchers here;
 * v1 rules are translated to v3 text plus the middlewares their modifiers imply (see v1.ts).
 */
export { compileRule, type RuleSyntax } from './compile.js';
export { ruleDomains } from './domains.js';
// For other expression languages with the same grammar (Docker `constraints`) and Go regexps.
export { compileGoRegexp } from './go-regexp.js';
export { parseRule, type MatcherCall, type RuleNode } from './parser.js';
export { MatcherProblem } from './problem.js';
export { canonicalHost, normalizePath, splitTarget } from './normalize.js';
export type { CompiledRule, RoutingRequest } from './types.js';
export { translateV1Rule } from './v1.js';

/** Traefik's default router priority: the rule's length in bytes. */
export function defaultPriority(rule: string): number {
  return Buffer.byteLength(rule, 'utf8');
}
