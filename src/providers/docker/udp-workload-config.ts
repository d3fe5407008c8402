import type { UdpConfig } from '../../config/dynamic/types.js';
import type { LabelledUdp } from '../labels/types.js';
import type { ProviderIssue } from '../types.js';
import { buildStreamServices, routerService, type StreamBuildContext } from './stream-workload-config.js';

/** Whether the labels ask for UDP routing. */
export function wantsUdpRouting(labels: LabelledUdp | undefined): labels is LabelledUdp {
  return labels !== undefined && (Object.keys(labels.routers).length > 0 || Object.keys(labels.services).length > 0);
}

/**
 * The UDP configuration of one workload, as Traefik builds it from `traefik.udp.*` (services as
 * `buildStreamServices` says); a router without `service` takes the only service. What cannot be
 * completed (no port…) is left out with an issue that disables that object alone.
 */
export function buildUdpConfig(
  labels: LabelledUdp,
  context: StreamBuildContext,
): { config: UdpConfig; issues: ProviderIssue[] } {
  const issues: ProviderIssue[] = [];
  const { services, names } = buildStreamServices('udp', labels.services, context, issues, (_lb, addresses) => ({
    servers: addresses.map((address) => ({ address })),
  }));
  const config: Required<UdpConfig> = { routers: {}, services };
  for (const [name, router] of Object.entries(labels.routers)) {
    const service = routerService('udp', name, router.service, names, context, issues);
    if (service !== undefined) config.routers[name] = { ...router, service };
  }
  return { config, issues };
}
