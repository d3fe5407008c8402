import type { ProviderIssue } from '../types.js';
import { WorkloadProblem } from './workload-problem.js';

/**
 * Where the workload listens on `port` (else on its lowest exposed port): one `host:port` per
 * address, none while it is not running. Throws WorkloadProblem, naming `portLabel`, without a
 * port (or without a usable network address).
 */
export type Endpoints = (port: number | undefined, portLabel: string) => string[];

/** What the TCP and UDP label builders know of the workload. */
export interface StreamBuildContext {
  /** The workload's normalised name: the default service's name. */
  defaultName: string;
  /** `container "x"`, for issues. */
  where: string;
  endpoints: Endpoints;
  labelPrefix?: string;
}

type Protocol = 'tcp' | 'udp';

/** An issue that disables one router or service of the workload, and nothing else. */
export function objectIssue(
  context: StreamBuildContext,
  kind: `${Protocol}${'Router' | 'Service'}`,
  name: string,
  message: string,
  key: string | undefined,
): ProviderIssue {
  return { message, key, location: context.where, object: { kind, name } };
}

/**
 * The services of `traefik.<tcp|udp>.services.*`, as Traefik builds them: with no service labels,
 * one named after the workload; a weighted one as written; a load balancer with one server per
 * workload address, shaped by `loadBalancer`. One that cannot be completed (both kinds, no port…)
 * is left out with an issue that disables it alone. `names` lists every labelled service, built
 * or not, for routers that name none.
 */
export function buildStreamServices<W, L extends { server?: { port?: number } }, B>(
  protocol: Protocol,
  labelled: Record<string, { weighted?: W; loadBalancer?: L }>,
  context: StreamBuildContext,
  issues: ProviderIssue[],
  loadBalancer: (labels: L | undefined, addresses: string[]) => B,
): { services: Record<string, { weighted: W } | { loadBalancer: B }>; names: string[] } {
  const prefix = `${context.labelPrefix ?? 'traefik'}.${protocol}.services`;
  const all = Object.keys(labelled).length > 0 ? labelled : { [context.defaultName]: {} };
  const services: Record<string, { weighted: W } | { loadBalancer: B }> = {};
  for (const [name, service] of Object.entries(all)) {
    const problem = (message: string, key: string | undefined) =>
      issues.push(objectIssue(context, `${protocol}Service`, name, message, key));
    if (service.weighted) {
      if (service.loadBalancer) {
        problem(
          `a ${protocol.toUpperCase()} service is either a loadBalancer or weighted, not both; remove one set of labels`,
          `${prefix}.${name}.weighted`,
        );
      } else services[name] = { weighted: service.weighted };
      continue;
    }
    try {
      const addresses = context.endpoints(
        service.loadBalancer?.server?.port,
        `${prefix}.${name}.loadbalancer.server.port`,
      );
      services[name] = { loadBalancer: loadBalancer(service.loadBalancer, addresses) };
    } catch (error) {
      if (!(error instanceof WorkloadProblem)) throw error;
      problem(error.message, error.key);
    }
  }
  return { services, names: Object.keys(all) };
}

/**
 * The service a router sends to: the one it names, else the only one the labels define; when
 * neither, undefined and an issue that disables the router.
 */
export function routerService(
  protocol: Protocol,
  name: string,
  named: string | undefined,
  serviceNames: readonly string[],
  context: StreamBuildContext,
  issues: ProviderIssue[],
): string | undefined {
  const service = named ?? (serviceNames.length === 1 ? serviceNames[0] : undefined);
  if (service === undefined) {
    const key = `${context.labelPrefix ?? 'traefik'}.${protocol}.routers.${name}.service`;
    const message = `${protocol.toUpperCase()} router "${name}" names no service and the labels define ${serviceNames.length}; add the label ${key}`;
    issues.push(objectIssue(context, `${protocol}Router`, name, message, key));
  }
  return service;
}
