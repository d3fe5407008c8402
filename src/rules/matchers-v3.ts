import { clientIpTest } from './client-ip.js';
import type { Dialect, MatcherSpec } from './dialect.js';
import { compileGoRegexp } from './go-regexp.js';
import { assertAscii, hostPattern } from './host-matcher.js';
import { rejectV2Template } from './mux-template.js';
import { MatcherProblem } from './problem.js';
import { equalTo, headerValueTest, matching, queryValueTest, routingPath } from './request-parts.js';

/** Traefik v3 matchers: one argument each, two for Header*, one or two for Query*. */
export const v3: Dialect = {
  name: 'v3',
  matchers: {
    Host: {
      arity: [1],
      usage: 'Host(`example.com`)',
      build: ([value]) => {
        rejectV2Template(value!, 'Host');
        const pattern = hostPattern(value!, 'Host');
        return pattern.exact === undefined ? { test: pattern.test } : { test: pattern.test, hosts: [pattern.exact] };
      },
    },
    HostRegexp: {
      arity: [1],
      usage: 'HostRegexp(`^[a-z]+\\.example\\.com$`)',
      build: ([value]) => {
        assertAscii(value!, 'HostRegexp');
        rejectV2Template(value!, 'HostRegexp');
        const re = compileGoRegexp(value!);
        return { test: (request) => re.test(request.host) };
      },
    },
    Path: {
      arity: [1],
      usage: 'Path(`/products`)',
      build: ([value]) => {
        const path = requireLeadingSlash(value!, 'Path');
        rejectV2Template(path, 'Path');
        return { test: (request) => routingPath(request.path) === path };
      },
    },
    PathPrefix: {
      arity: [1],
      usage: 'PathPrefix(`/api`)',
      build: ([value]) => {
        const prefix = requireLeadingSlash(value!, 'PathPrefix');
        rejectV2Template(prefix, 'PathPrefix');
        return { test: (request) => routingPath(request.path).startsWith(prefix) };
      },
    },
    PathRegexp: {
      arity: [1],
      usage: 'PathRegexp(`^/products/[0-9]+$`)',
      build: ([value]) => {
        rejectV2Template(value!, 'PathRegexp');
        const re = compileGoRegexp(value!);
        return { test: (request) => re.test(routingPath(request.path)) };
      },
    },
    Method: {
      arity: [1],
      usage: 'Method(`GET`)',
      build: ([value]) => {
        const method = value!.toUpperCase();
        return { test: (request) => request.req.method === method };
      },
    },
    Header: {
      arity: [2],
      usage: 'Header(`Content-Type`, `application/json`)',
      build: ([name, value]) => ({ test: headerValueTest(name!, equalTo(value!)) }),
    },
    HeaderRegexp: {
      arity: [2],
      usage: 'HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)',
      build: ([name, pattern]) => ({ test: headerValueTest(name!, matching(compileGoRegexp(pattern!))) }),
    },
    Query: {
      arity: [1, 2],
      usage: 'Query(`mobile`, `true`)',
      // Go's `Query()` gives `?k` and `?k=` an empty value, which is what Query(k) asks for.
      build: ([key, value = '']) => ({ test: queryValueTest(key!, equalTo(value)) }),
    },
    QueryRegexp: {
      arity: [1, 2],
      usage: 'QueryRegexp(`mobile`, `^(true|yes)$`)',
      // With one argument Traefik treats it as Query(key).
      build: ([key, pattern]) => ({
        test: queryValueTest(key!, pattern === undefined ? equalTo('') : matching(compileGoRegexp(pattern))),
      }),
    },
    ClientIP: {
      arity: [1],
      usage: 'ClientIP(`10.0.0.0/8`)',
      build: ([range]) => {
        const contains = clientIpTest(range!);
        return { test: (request) => contains(request.clientIp) };
      },
    },
  } satisfies Record<string, MatcherSpec>,
};

export function requireLeadingSlash(path: string, matcher: string): string {
  if (!path.startsWith('/')) {
    throw new MatcherProblem(`path "${path}" for ${matcher} does not start with "/"; write "/${path}"`);
  }
  return path;
}
