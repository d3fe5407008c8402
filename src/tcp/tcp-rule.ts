import { ConfigError } from '../config/errors.js';
import { clientIpTest } from '../rules/client-ip.js';
import { compileGoRegexp } from '../rules/go-regexp.js';
import { parseRule, type MatcherCall, type RuleNode } from '../rules/parser.js';

/** What is known of a connection when it is routed: plain connections have no name and no ALPN. */
export interface TcpConnectionFacts {
  /** The SNI name, lower case; '' for plain connections and TLS clients that send none. */
  serverName: string;
  clientIp: string;
  alpn: readonly string[];
}

export interface CompiledTcpRule {
  match: (facts: TcpConnectionFacts) => boolean;
  /**
   * Set when the rule is only `HostSNI` names joined by `||`: the lower-case names (exact, or
   * `*.suffix`), so a table can find the router by name instead of testing it. `*` is a name too.
   */
  sniNames?: readonly string[];
}

type Test = (facts: TcpConnectionFacts) => boolean;

const MATCHERS = ['HostSNI', 'HostSNIRegexp', 'ClientIP', 'ALPN'];

/**
 * Compiles a TCP rule with the rule language's own parser: Traefik v3's `HostSNI` (`*` matches
 * every connection, `*.example.com` one label), `HostSNIRegexp` (Go regexp), `ClientIP` and
 * `ALPN`, combined with `&&`, `||`, `!` and parentheses. Throws ConfigError keyed `key`.
 */
export function compileTcpRule(rule: string, key: string): CompiledTcpRule {
  const compile = (node: RuleNode): Test => {
    switch (node.kind) {
      case 'and': {
        const [left, right] = [compile(node.left), compile(node.right)];
        return (facts) => left(facts) && right(facts);
      }
      case 'or': {
        const [left, right] = [compile(node.left), compile(node.right)];
        return (facts) => left(facts) || right(facts);
      }
      case 'not': {
        const operand = compile(node.operand);
        return (facts) => !operand(facts);
      }
      case 'matcher':
        return compileMatcher(node);
    }
  };
  try {
    const tree = parseRule(rule);
    const match = compile(tree);
    const sniNames = hostSniDisjunction(tree);
    return sniNames ? { match, sniNames: [...new Set(sniNames)] } : { match };
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.message, key);
    throw new ConfigError(`${(error as Error).message} in "${rule}"`, key);
  }
}

/**
 * The names a TCP rule asks for (lower case), for certificates and TLS options: those of its
 * `HostSNI` matchers outside any `!` (a negated name is one the router refuses). Walks the parse
 * tree without compiling; a rule that does not compile has none (the TCP builder reports it).
 */
export function tcpRuleNames(rule: string): string[] {
  let tree: RuleNode;
  try {
    tree = parseRule(rule);
  } catch {
    return [];
  }
  const names = new Set<string>();
  let valid = true;
  const walk = (node: RuleNode, negated: boolean): void => {
    if (node.kind === 'not') return walk(node.operand, !negated);
    if (node.kind !== 'matcher') {
      walk(node.left, negated);
      walk(node.right, negated);
      return;
    }
    const name = MATCHERS.find((known) => known.toLowerCase() === node.name.toLowerCase());
    if (!name) valid = false;
    else if (name === 'HostSNI' && !negated) for (const host of node.args) names.add(host.toLowerCase());
  };
  walk(tree, false);
  return valid ? [...names] : [];
}

/** The names of a rule made only of `HostSNI` matchers and `||`; undefined for any other rule. */
function hostSniDisjunction(node: RuleNode): string[] | undefined {
  if (node.kind === 'or') {
    const [left, right] = [hostSniDisjunction(node.left), hostSniDisjunction(node.right)];
    return left && right ? [...left, ...right] : undefined;
  }
  if (node.kind === 'matcher' && node.name.toLowerCase() === 'hostsni') return node.args.map((h) => h.toLowerCase());
  return undefined;
}

function compileMatcher(call: MatcherCall): Test {
  const name = MATCHERS.find((known) => known.toLowerCase() === call.name.toLowerCase());
  if (!name) {
    throw new ConfigError(`"${call.name}" is not a TCP matcher; use ${MATCHERS.join(', ')} (e.g. HostSNI(\`*\`))`);
  }
  if (call.args.length === 0 || (name !== 'HostSNI' && call.args.length > 1)) {
    throw new ConfigError(`${name} takes one argument, as in ${name}(\`${name === 'ClientIP' ? '10.0.0.0/8' : 'x'}\`)`);
  }
  const [arg] = call.args as [string];
  switch (name) {
    case 'HostSNI': {
      const tests = call.args.map((host) => sniTest(host.toLowerCase()));
      return (facts) => tests.some((test) => test(facts.serverName));
    }
    case 'HostSNIRegexp': {
      const regexp = compileGoRegexp(arg);
      return (facts) => facts.serverName !== '' && regexp.test(facts.serverName);
    }
    case 'ClientIP': {
      const test = clientIpTest(arg);
      return (facts) => test(facts.clientIp);
    }
    default:
      if (arg === 'acme-tls/1') throw new ConfigError('ALPN(`acme-tls/1`) is reserved for ACME challenges');
      return (facts) => facts.alpn.includes(arg);
  }
}

/** `*` takes every connection, `*.suffix` names of one more label; the rest compare exactly. */
function sniTest(host: string): (serverName: string) => boolean {
  if (host === '*') return () => true;
  if (host.startsWith('*.')) {
    const suffix = host.slice(1);
    return (serverName) => {
      const dot = serverName.indexOf('.');
      return dot > 0 && serverName.length - dot === suffix.length && serverName.startsWith(suffix, dot);
    };
  }
  return (serverName) => serverName === host;
}
