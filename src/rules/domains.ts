import { parseRule, type RuleNode } from './parser.js';

const HOST_MATCHERS = new Set(['host', 'hostheader']);

/**
 * The names a rule's Host matchers mention, lower-cased, for TLS certificate requests (ACME reads
 * Host only, never HostRegexp). Like Traefik, negations are not looked at: it lists what is
 * written. A rule that does not parse names nothing.
 */
export function ruleDomains(rule: string): string[] {
  const domains: string[] = [];
  try {
    collect(parseRule(rule), domains);
  } catch {
    // A rule that does not parse names no domain; its router already carries the error.
    return [];
  }
  return [...new Set(domains)];
}

function collect(node: RuleNode, domains: string[]): void {
  if (node.kind === 'matcher') {
    if (HOST_MATCHERS.has(node.name.toLowerCase())) {
      for (const arg of node.args) domains.push(arg.toLowerCase().replace(/\.$/, ''));
    }
  } else if (node.kind === 'not') {
    collect(node.operand, domains);
  } else {
    collect(node.left, domains);
    collect(node.right, domains);
  }
}
