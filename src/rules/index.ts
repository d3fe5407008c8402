/**
 * The rule language: one parser, three dialects. v3 (default) and v2 compile to matchers here;
 * v1 rules are translated to v3 text plus the middlewares their modifiers imply (see v1.ts).
 */
export { compileRule, type RuleSyntax } from './compile.js';
export { ruleDomains } from './domains.js';

/** Traefik's default router priority: the rule's length in bytes. */
export function defaultPriority(rule: string): number {
  return Buffer.byteLength(rule, 'utf8');
}
