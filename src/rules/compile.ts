import { closestKey } from '../config/did-you-mean.js';
import type { BuiltMatcher, Dialect, MatcherSpec } from './dialect.js';
import { v2 } from './matchers-v2.js';
import { v3 } from './matchers-v3.js';
import { parseRule, type MatcherCall, type RuleNode } from './parser.js';
import { MatcherProblem, ruleError } from './problem.js';
import type { CompiledRule } from './types.js';

export type RuleSyntax = 'v3' | 'v2';

const dialects: Record<RuleSyntax, Dialect> = { v3, v2 };

/**
 * Compiles a router rule once into a closure tree. Throws ConfigError naming the problem, where it
 * is in the rule, and how to fix it.
 */
export function compileRule(rule: string, syntax: RuleSyntax = 'v3'): CompiledRule {
  // Labels and files may spell it `V2`.
  const dialect = dialects[String(syntax).toLowerCase() as RuleSyntax] as Dialect | undefined;
  if (!dialect) throw ruleError(`unknown rule syntax "${String(syntax)}"; use "v3" (default) or "v2"`);
  const built = build(parseRule(rule), dialect);
  // Each host once: the router table files the rule under every host listed.
  return built.hosts
    ? { source: rule, match: built.test, hosts: [...new Set(built.hosts)] }
    : { source: rule, match: built.test };
}

function build(node: RuleNode, dialect: Dialect): BuiltMatcher {
  switch (node.kind) {
    case 'matcher':
      return buildMatcher(node, dialect);
    case 'not': {
      const operand = build(node.operand, dialect).test;
      return { test: (request) => !operand(request) };
    }
    case 'and': {
      const left = build(node.left, dialect);
      const right = build(node.right, dialect);
      const a = left.test;
      const b = right.test;
      // Both sides must hold, so either side's host list bounds the rule (both: their overlap).
      const hosts =
        left.hosts && right.hosts ? left.hosts.filter((h) => right.hosts!.includes(h)) : (left.hosts ?? right.hosts);
      return withHosts((request) => a(request) && b(request), hosts);
    }
    case 'or': {
      const left = build(node.left, dialect);
      const right = build(node.right, dialect);
      const a = left.test;
      const b = right.test;
      const hosts = left.hosts && right.hosts ? [...left.hosts, ...right.hosts] : undefined;
      return withHosts((request) => a(request) || b(request), hosts);
    }
  }
}

function withHosts(test: BuiltMatcher['test'], hosts: readonly string[] | undefined): BuiltMatcher {
  return hosts ? { test, hosts } : { test };
}

function buildMatcher(call: MatcherCall, dialect: Dialect): BuiltMatcher {
  const name = resolveName(call, dialect);
  const spec = dialect.matchers[name]!;
  checkArguments(call, name, spec, dialect);
  try {
    return spec.build(call.args);
  } catch (error) {
    if (error instanceof MatcherProblem) throw ruleError(`${name} at column ${call.column}: ${error.message}`);
    throw error;
  }
}

/** Traefik accepts a matcher name in exactly four casings: Host, host, HOST, Hostregexp-style Title. */
function resolveName(call: MatcherCall, dialect: Dialect): string {
  const written = call.name;
  for (const canonical of Object.keys(dialect.matchers)) {
    const lower = canonical.toLowerCase();
    if (
      written === canonical ||
      written === lower ||
      written === canonical.toUpperCase() ||
      written === lower[0]!.toUpperCase() + lower.slice(1)
    ) {
      return canonical;
    }
  }
  const at = `at column ${call.column}`;
  const sameLetters = Object.keys(dialect.matchers).find((k) => k.toLowerCase() === written.toLowerCase());
  if (sameLetters) {
    throw ruleError(`matcher "${written}" ${at} is not in an accepted casing; write "${sameLetters}"`);
  }
  const other = dialect.name === 'v3' ? v2 : v3;
  const otherName = Object.keys(other.matchers).find((k) => k.toLowerCase() === written.toLowerCase());
  if (otherName) {
    const equivalent = closestKey(otherName, Object.keys(dialect.matchers));
    const instead = equivalent ? `use ${dialect.matchers[equivalent]!.usage}, or ` : '';
    throw ruleError(
      `matcher "${written}" ${at} exists only in the ${other.name} rule syntax; ${instead}set the router's ruleSyntax to ${other.name}`,
    );
  }
  const suggestion = closestKey(written, Object.keys(dialect.matchers));
  throw ruleError(
    `unknown matcher "${written}" ${at}; ` +
      (suggestion ? `did you mean "${suggestion}"?` : `known matchers are ${Object.keys(dialect.matchers).join(', ')}`),
  );
}

function checkArguments(call: MatcherCall, name: string, spec: MatcherSpec, dialect: Dialect): void {
  const count = call.args.length;
  const expected = spec.arity === 'many' ? count >= 1 : spec.arity.includes(count);
  if (!expected) {
    const wanted = spec.arity === 'many' ? 'at least 1' : spec.arity.join(' or ');
    const hint =
      dialect.name === 'v3' && count > 1 && spec.arity !== 'many' && spec.arity.length === 1 && spec.arity[0] === 1
        ? `; combine several with ||, e.g. ${name}(\`a\`) || ${name}(\`b\`)`
        : `; write e.g. ${spec.usage}`;
    throw ruleError(
      `${name} at column ${call.column} takes ${wanted} argument${wanted === '1' ? '' : 's'} but got ${count}${hint}`,
    );
  }
  const empty = call.args.indexOf('');
  if (empty >= 0) {
    throw ruleError(`${name} at column ${call.column}: argument ${empty + 1} is empty; write e.g. ${spec.usage}`);
  }
}
