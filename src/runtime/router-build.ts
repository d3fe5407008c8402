/** What the HTTP, TCP and UDP router builders share: entry points, compile errors, status. */
import { providerOf, qualify } from '../providers/aggregator.js';
import { describe } from './build-middlewares.js';
import { objectFields, type ObjectFields } from './object-issues.js';

/**
 * The entry points a router serves: those it names, or the defaults; each one `problemOf` objects
 * to is left out with a warning. `shown` is what the API lists as its `entryPoints`: as in
 * Traefik, a router written without any shows the defaults it was attached to.
 */
export function routerEntryPoints(
  named: readonly string[] | undefined,
  defaults: readonly string[],
  problemOf: (entryPoint: string) => string | undefined,
): { shown: string[]; using: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const shown = [...(named?.length ? named : defaults)];
  const using = shown.filter((ep) => {
    const problem = problemOf(ep);
    if (problem) warnings.push(problem);
    return !problem;
  });
  return { shown, using, warnings };
}

/**
 * The entry points of an HTTP or TCP router, as `routerEntryPoints` says: one that does not exist
 * is a warning; none left is an error, added to `errors`.
 */
export function existingEntryPoints(
  config: { entryPoints?: readonly string[] },
  defaults: readonly string[],
  existing: { has(entryPoint: string): boolean },
  errors: string[],
): { shown: string[]; using: string[]; warnings: string[] } {
  const result = routerEntryPoints(config.entryPoints, defaults, (ep) =>
    existing.has(ep) ? undefined : `entryPoint "${ep}" doesn't exist`,
  );
  if (result.using.length === 0) errors.push('no valid entryPoint for this router');
  return result;
}

/**
 * The service and middlewares of router `name`, qualified with its provider where written bare:
 * the names routing, `usedBy` and errors go by. The API shows them as written, as Traefik does.
 */
export function qualifiedReferences(
  name: string,
  config: { service: string; middlewares?: readonly string[] },
): { serviceName: string; middlewareNames: string[] } {
  const provider = providerOf(name);
  return {
    serviceName: qualify(config.service, provider),
    middlewareNames: (config.middlewares ?? []).map((m) => qualify(m, provider)),
  };
}

/** What `compile` returns, or undefined once what it threw is added to `errors`. */
export function tryCompile<R>(errors: string[], compile: () => R): R | undefined {
  try {
    return compile();
  } catch (error) {
    errors.push(describe(error));
    return undefined;
  }
}

/** A router's status fields: disabled by any error, a warning when only warnings were found. */
export function routerFields(name: string, errors: string[], warnings: string[]): ObjectFields {
  const status = errors.length ? 'disabled' : warnings.length ? 'warning' : 'enabled';
  return objectFields(name, [...errors, ...warnings], status);
}
