import { describe } from './build-middlewares.js';
import { objectFields } from './object-issues.js';
import type { ObjectFields } from './object-issues.js';

/** A TCP or UDP service as the API shows it. */
export type StreamServiceView<C> = C & ObjectFields & { type: 'loadbalancer' | 'weighted'; usedBy: string[] };

/**
 * The API view of every TCP or UDP service: the providers' issues (`issuesOf(kind, name)`) and
 * the builder's error, if any; `usedBy` is filled in as routers are built.
 */
export function streamServiceViews<C extends { weighted?: unknown }>(
  configs: Record<string, C>,
  builder: { errorOf(name: string): string | undefined },
  issuesOf: (name: string) => string[],
): Record<string, StreamServiceView<C>> {
  const views: Record<string, StreamServiceView<C>> = {};
  for (const [name, config] of Object.entries(configs)) {
    const errors = issuesOf(name);
    const error = builder.errorOf(name);
    if (error) errors.push(error);
    const type = config.weighted ? 'weighted' : 'loadbalancer';
    const fields: ObjectFields = objectFields(name, errors);
    views[name] = { ...config, ...fields, type, usedBy: [] };
  }
  return views;
}

/**
 * The entry points a router serves: those it names, or the defaults; each one `problemOf` objects
 * to is left out with a warning.
 */
export function routerEntryPoints(
  named: readonly string[] | undefined,
  defaults: readonly string[],
  problemOf: (entryPoint: string) => string | undefined,
): { using: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const using = (named?.length ? named : defaults).filter((ep) => {
    const problem = problemOf(ep);
    if (problem) warnings.push(problem);
    return !problem;
  });
  return { using, warnings };
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

/** Refuses a router whose service a provider reported broken (the service's view shows why). */
export function checkServiceNotReported(issues: readonly string[], serviceName: string): void {
  if (issues.length > 0) throw new Error(`service "${serviceName}" is disabled (see its error)`);
}
