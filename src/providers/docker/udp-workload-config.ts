import type { UdpConfig } from '../../config/dynamic/types.js';
import type { LabelledUdp } from '../labels/types.js';
import type { ProviderIssue } from '../types.js';
import type { TcpBuildContext } from './tcp-workload-config.js';
import { WorkloadProblem } from './workload-problem.js';

/** Whether the labels ask for UDP routing. */
export function wantsUdpRouting(labels: LabelledUdp | undefined): labels is LabelledUdp {
  return labels !== undefined && (Object.keys(labels.routers).length > 0 || Object.keys(labels.services).length > 0);
}

/**
 * The UDP configuration of one workload, as Traefik builds it from `traefik.udp.*`: with routers
 * but no service labels, one service named after the workload; each load balancer gets one server
 * per workload address; a router without `service` takes the only service. What cannot be
 * completed (no port…) is left out with an issue that disables that object alone.
 */
export function buildUdpConfig(
  labels: LabelledUdp,
  context: TcpBuildContext,
): { config: UdpConfig; issues: ProviderIssue[] } {
  const prefix = context.labelPrefix ?? 'traefik';
  const config: Required<UdpConfig> = { routers: {}, services: {} };
  const issues: ProviderIssue[] = [];
  const services = Object.keys(labels.services).length > 0 ? labels.services : { [context.defaultName]: {} };
  for (const [name, service] of Object.entries(services)) {
    const problem = (message: string, key?: string) =>
      issues.push({ message, key, location: context.where, object: { kind: 'udpService', name } });
    if (service.weighted) {
      if (service.loadBalancer) {
        problem(
          'a UDP service is either a loadBalancer or weighted, not both; remove one set of labels',
          `${prefix}.udp.services.${name}.weighted`,
        );
      } else config.services[name] = { weighted: service.weighted };
      continue;
    }
    const portLabel = `${prefix}.udp.services.${name}.loadbalancer.server.port`;
    try {
      const servers = context.endpoints(service.loadBalancer?.server?.port, portLabel).map((address) => ({ address }));
      config.services[name] = { loadBalancer: { servers } };
    } catch (error) {
      if (!(error instanceof WorkloadProblem)) throw error;
      problem(error.message, error.key);
    }
  }
  const serviceNames = Object.keys(services);
  for (const [name, router] of Object.entries(labels.routers)) {
    const service = router.service ?? (serviceNames.length === 1 ? serviceNames[0] : undefined);
    if (service === undefined) {
      issues.push({
        message: `UDP router "${name}" names no service and the labels define ${serviceNames.length}; add the label ${prefix}.udp.routers.${name}.service`,
        key: `${prefix}.udp.routers.${name}.service`,
        location: context.where,
        object: { kind: 'udpRouter', name },
      });
      continue;
    }
    config.routers[name] = { ...router, service };
  }
  return { config, issues };
}
