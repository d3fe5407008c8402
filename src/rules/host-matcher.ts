import { MatcherProblem } from './problem.js';
import type { RoutingRequest } from './types.js';

export interface HostPattern {
  test: (request: RoutingRequest) => boolean;
  /** The exact host, when the pattern is one (not a wildcard). */
  exact?: string;
}

/**
 * A `Host` argument, canonicalised like request hosts (lower case, no trailing dot, no brackets)
 * so that matching is a plain comparison. `*` matches every request, even one without a host;
 * `*.example.com` matches exactly one more label.
 */
export function hostPattern(value: string, matcher: string): HostPattern {
  if (value === '*') return { test: () => true };
  const host = canonicalRuleHost(value, matcher);
  if (host.startsWith('*.')) {
    const suffix = host.slice(1);
    if (suffix.includes('*')) throw wildcardProblem(value, matcher);
    return {
      test: ({ host: requestHost }) =>
        requestHost.length > suffix.length &&
        requestHost.endsWith(suffix) &&
        requestHost.indexOf('.') === requestHost.length - suffix.length,
    };
  }
  if (host.includes('*')) throw wildcardProblem(value, matcher);
  return { test: (request) => request.host === host, exact: host };
}

/** Traefik refuses non-ASCII hosts: request hosts arrive in their punycode form. */
export function assertAscii(value: string, matcher: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(value)) {
    throw new MatcherProblem(
      `invalid value "${value}" for ${matcher}: non-ASCII characters are not allowed; write the punycode form (xn--…)`,
    );
  }
}

export function canonicalRuleHost(value: string, matcher: string): string {
  assertAscii(value, matcher);
  let host = value.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  const colon = host.indexOf(':');
  if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
    throw new MatcherProblem(
      `${matcher} compares host names without their port; write "${host.slice(0, colon)}" instead of "${value}"`,
    );
  }
  return host;
}

function wildcardProblem(value: string, matcher: string): MatcherProblem {
  return new MatcherProblem(
    `invalid wildcard "${value}" for ${matcher}: "*" may only be the whole first label, as in *.example.com; use HostRegexp for other patterns`,
  );
}
