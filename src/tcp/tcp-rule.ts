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
  /** The names the rule's `HostSNI` matchers list (for choosing TLS options by name). */
  names: string[];
}

type Test = (facts: TcpConnectionFacts) => boolean;

/**
 * Compiles a TCP rule with the rule language's own parser: Traefik v3's `HostSNI` (`*` matches
 * every connection, `*.example.com` one label), `HostSNIRegexp` (Go regexp), `ClientIP` and
 * `ALPN`, combined with `&&`, `||`, `!` and parentheses. Throws ConfigError keyed `key`.
 */
export function compileTcpRule(rule: string, key: string): CompiledTcpRule {
  const names: string[] = [];
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
        return compileMatcher(node, names);
    }
  };
  try {
    return { match: compile(parseRule(rule)), names };
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.message, key);
    throw new ConfigError(`${(error as Error).message} in "${rule}"`, key);
  }
}

const MATCHERS = ['HostSNI', 'HostSNIRegexp', 'ClientIP', 'ALPN'];

function compileMatcher(call: MatcherCall, names: string[]): Test {
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
      const hosts = call.args.map((host) => host.toLowerCase());
      names.push(...hosts);
      return (facts) => hosts.some((host) => sniMatches(host, facts.serverName));
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

function sniMatches(host: string, serverName: string): boolean {
  if (host === '*') return true;
  if (host.startsWith('*.')) {
    const dot = serverName.indexOf('.');
    return dot > 0 && serverName.slice(dot) === host.slice(1);
  }
  return serverName === host;
}
