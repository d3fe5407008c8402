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

/** Refuses a router whose service a provider reported broken (the service's view shows why). */
export function checkServiceNotReported(issues: readonly string[], serviceName: string): void {
  if (issues.length > 0) throw new Error(`service "${serviceName}" is disabled (see its error)`);
}
