import { clientIpTest } from './client-ip.js';
import type { BuiltMatcher, Dialect, MatcherSpec, Predicate } from './dialect.js';
import { compileGoRegexp } from './go-regexp.js';
import { assertAscii, canonicalRuleHost } from './host-matcher.js';
import { requireLeadingSlash } from './matchers-v3.js';
import { hasTemplate, templateToRegexp } from './mux-template.js';
import { MatcherProblem } from './problem.js';
import { equalTo, headerValueTest, matching, queryValues, queryValueTest, routingPath } from './request-parts.js';

/**
 * Traefik v2 matchers (`ruleSyntax: v2`): each takes several arguments (any of them may match,
 * except Headers/Query pairs, which must all match) and Host/Path accept gorilla/mux templates.
 */
const host: MatcherSpec = {
  arity: 'many',
  usage: 'Host(`a.example.com`, `b.example.com`)',
  build: (args) => {
    const exact: string[] = [];
    const tests = args.map((value): Predicate => {
      if (hasTemplate(value)) {
        assertAscii(value, 'Host');
        const re = compileGoRegexp('(?i)' + templateToRegexp(value, 'host'));
        return (request) => re.test(request.host);
      }
      if (value.includes('*')) {
        throw new MatcherProblem(
          `wildcard "${value}" needs the v3 rule syntax; in v2 write HostRegexp(\`{sub:[a-z0-9-]+}.example.com\`)`,
        );
      }
      const name = canonicalRuleHost(value, 'Host');
      exact.push(name);
      return (request) => request.host === name;
    });
    const test = any(tests);
    return exact.length === args.length ? { test, hosts: exact } : { test };
  },
};

export const v2: Dialect = {
  name: 'v2',
  matchers: {
    Host: host,
    HostHeader: host,
    HostRegexp: {
      arity: 'many',
      usage: 'HostRegexp(`{subdomain:[a-z]+}.example.com`)',
      build: (args) =>
        anyOf(args, (value) => {
          assertAscii(value, 'HostRegexp');
          const re = compileGoRegexp('(?i)' + templateToRegexp(value, 'host'));
          return (request) => re.test(request.host);
        }),
    },
    Path: {
      arity: 'many',
      usage: 'Path(`/articles/{id:[0-9]+}`)',
      build: (args) => anyOf(args, (value) => pathTest(value, 'Path', false)),
    },
    PathPrefix: {
      arity: 'many',
      usage: 'PathPrefix(`/api`)',
      build: (args) => anyOf(args, (value) => pathTest(value, 'PathPrefix', true)),
    },
    Method: {
      arity: 'many',
      usage: 'Method(`GET`, `POST`)',
      build: (args) =>
        anyOf(args, (value) => {
          const method = value.toUpperCase();
          return (request) => request.req.method === method;
        }),
    },
    Headers: {
      arity: 'many',
      usage: 'Headers(`Content-Type`, `application/json`)',
      build: (args) => allPairs(args, 'Headers', (name, value) => headerValueTest(name, equalTo(value))),
    },
    HeadersRegexp: {
      arity: 'many',
      usage: 'HeadersRegexp(`Content-Type`, `application/(json|yaml)`)',
      build: (args) =>
        allPairs(args, 'HeadersRegexp', (name, pattern) => headerValueTest(name, matching(compileGoRegexp(pattern)))),
    },
    Query: {
      arity: 'many',
      usage: 'Query(`mobile=true`)',
      build: (args) => {
        const pairs = args.flatMap((arg) => {
          const eq = arg.indexOf('=');
          if (eq < 0) throw new MatcherProblem(`Query argument "${arg}" must be key=value; write \`${arg}=\``);
          return [arg.slice(0, eq), arg.slice(eq + 1)];
        });
        return allPairs(pairs, 'Query', queryTest);
      },
    },
    ClientIP: {
      arity: 'many',
      usage: 'ClientIP(`10.0.0.0/8`, `::1`)',
      build: (args) =>
        anyOf(args, (range) => {
          const contains = clientIpTest(range);
          return (request) => contains(request.clientIp);
        }),
    },
  } satisfies Record<string, MatcherSpec>,
};

function pathTest(value: string, matcher: string, prefix: boolean): Predicate {
  requireLeadingSlash(value, matcher);
  if (hasTemplate(value)) {
    const re = compileGoRegexp(templateToRegexp(value, 'path', prefix));
    return (request) => re.test(routingPath(request.path));
  }
  return prefix
    ? (request) => routingPath(request.path).startsWith(value)
    : (request) => routingPath(request.path) === value;
}

/** mux semantics: an empty value only requires the key; a template value is matched whole. */
function queryTest(key: string, value: string): Predicate {
  if (value === '') return (request) => queryValues(request.query).has(key);
  const test = hasTemplate(value) ? matching(compileGoRegexp(templateToRegexp(value, 'query'))) : equalTo(value);
  return queryValueTest(key, test);
}

function anyOf(args: string[], build: (value: string) => Predicate): BuiltMatcher {
  return { test: any(args.map(build)) };
}

function any(tests: Predicate[]): Predicate {
  if (tests.length === 1) return tests[0]!;
  return (request) => {
    for (const test of tests) if (test(request)) return true;
    return false;
  };
}

function allPairs(args: string[], matcher: string, build: (key: string, value: string) => Predicate): BuiltMatcher {
  if (args.length % 2 !== 0) {
    throw new MatcherProblem(
      `${matcher} takes key/value pairs but got ${args.length} arguments; add the missing value`,
    );
  }
  const tests: Predicate[] = [];
  for (let i = 0; i < args.length; i += 2) tests.push(build(args[i]!, args[i + 1]!));
  return {
    test: (request) => {
      for (const test of tests) if (!test(request)) return false;
      return true;
    },
  };
}
