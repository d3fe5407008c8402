import { ConfigError } from '../config/errors.js';
import { parseRule } from '../rules/parser.js';
import type { RuleNode } from '../rules/parser.js';

/**
 * The server names a TCP rule matches: ``HostSNI(`a`, `b`) || HostSNI(`*`)``, parsed with the
 * rule language's own parser (so syntax errors read as they do for HTTP rules). Other TCP
 * matchers (HostSNIRegexp, ClientIP, ALPN) and `&&`/`!` are not supported yet: refused by name.
 */
export function hostSniNames(rule: string, key: string): string[] {
  let tree: RuleNode;
  try {
    tree = parseRule(rule);
  } catch (error) {
    throw new ConfigError((error as Error).message, key);
  }
  const names: string[] = [];
  const visit = (node: RuleNode): void => {
    if (node.kind === 'or') {
      visit(node.left);
      visit(node.right);
    } else if (node.kind === 'matcher' && node.name.toLowerCase() === 'hostsni' && node.args.length > 0) {
      names.push(...node.args.map((name) => name.toLowerCase()));
    } else {
      const what = node.kind === 'matcher' ? `"${node.name}"` : `"${node.kind === 'not' ? '!' : '&&'}"`;
      throw new ConfigError(
        `${what} in "${rule}" is not supported in TCP rules; write HostSNI(\`name\`) (joined with ||) or HostSNI(\`*\`)`,
        key,
      );
    }
  };
  visit(tree);
  return names;
}
