import type { TcpConfig } from '../../config/dynamic/types.js';
import type { LabelledTcp } from '../labels/types.js';
import type { ProviderIssue } from '../types.js';
import { WorkloadProblem } from './workload-problem.js';

/**
 * Where the workload listens on `port` (else on its lowest exposed port): one `host:port` per
 * address, none while it is not running. Throws WorkloadProblem, naming `portLabel`, without a
 * port (or without a usable network address).
 */
export type Endpoints = (port: number | undefined, portLabel: string) => string[];

export interface TcpBuildContext {
  /** The workload's normalised name: the default service's name. */
  defaultName: string;
  /** `container "x"`, for issues. */
  where: string;
  endpoints: Endpoints;
  labelPrefix?: string;
}

/** Whether the labels ask for TCP routing (middlewares alone do not, as in Traefik). */
export function wantsTcpRouting(labels: LabelledTcp): boolean {
  return Object.keys(labels.routers).length > 0 || Object.keys(labels.services).length > 0;
}

/**
 * The TCP configuration of one workload, built as Traefik builds it from `traefik.tcp.*`: with
 * routers but no service labels, one service named after the workload; each load-balancer service
 * gets one server per workload address; a router without `service` takes the only service. A
 * router or service that cannot be completed (no rule, no port…) is left out with an issue that
 * disables it alone; the routers naming such a service are disabled by the runtime.
 */
export function buildTcpConfig(
  labels: LabelledTcp,
  context: TcpBuildContext,
): { config: TcpConfig; issues: ProviderIssue[] } {
  const prefix = context.labelPrefix ?? 'traefik';
  const config: TcpConfig = { routers: {}, services: {}, middlewares: { ...labels.middlewares } };
  const issues: ProviderIssue[] = [];
  if (!wantsTcpRouting(labels)) return { config, issues };
  const services = Object.keys(labels.services).length > 0 ? labels.services : { [context.defaultName]: {} };
  for (const [name, service] of Object.entries(services)) {
    if (service.weighted) {
      if (service.loadBalancer) {
        issues.push({
          message: 'a TCP service is either a loadBalancer or weighted, not both; remove one set of labels',
          key: `${prefix}.tcp.services.${name}.weighted`,
          location: context.where,
          object: { kind: 'tcpService', name },
        });
      } else config.services![name] = { weighted: service.weighted };
      continue;
    }
    const { server = {}, ...options } = service.loadBalancer ?? {};
    const portLabel = `${prefix}.tcp.services.${name}.loadbalancer.server.port`;
    try {
      const servers = context
        .endpoints(server.port, portLabel)
        .map((address) => (server.tls ? { address, tls: true } : { address }));
      config.services![name] = { loadBalancer: { ...options, servers } };
    } catch (error) {
      if (!(error instanceof WorkloadProblem)) throw error;
      issues.push({
        message: error.message,
        key: error.key,
        location: context.where,
        object: { kind: 'tcpService', name },
      });
    }
  }
  const serviceNames = Object.keys(services);
  for (const [name, router] of Object.entries(labels.routers)) {
    const problem = (message: string, key: string) =>
      issues.push({ message, key, location: context.where, object: { kind: 'tcpRouter', name } });
    const key = `${prefix}.tcp.routers.${name}`;
    if (router.rule === undefined) {
      problem(`TCP router "${name}" has no rule; add the label ${key}.rule=HostSNI(\`*\`)`, `${key}.rule`);
      continue;
    }
    const service = router.service ?? (serviceNames.length === 1 ? serviceNames[0] : undefined);
    if (service === undefined) {
      problem(
        `TCP router "${name}" names no service and the labels define ${serviceNames.length}; add the label ${key}.service`,
        `${key}.service`,
      );
      continue;
    }
    config.routers![name] = { ...router, rule: router.rule, service };
  }
  return { config, issues };
}
