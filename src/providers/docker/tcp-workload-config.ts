import type { TcpConfig } from '../../config/dynamic/types.js';
import type { LabelledTcp } from '../labels/types.js';
import type { ProviderIssue } from '../types.js';
import { buildStreamServices, objectIssue, routerService, type StreamBuildContext } from './stream-workload-config.js';

/** Whether the labels ask for TCP routing (middlewares alone do not, as in Traefik). */
export function wantsTcpRouting(labels: LabelledTcp): boolean {
  return Object.keys(labels.routers).length > 0 || Object.keys(labels.services).length > 0;
}

/**
 * The TCP configuration of one workload, built as Traefik builds it from `traefik.tcp.*` (services
 * as `buildStreamServices` says, each server with `tls` when the label asks); a router without
 * `service` takes the only service. A router or service that cannot be completed (no rule, no
 * port…) is left out with an issue that disables it alone; the routers naming such a service are
 * disabled by the runtime.
 */
export function buildTcpConfig(
  labels: LabelledTcp,
  context: StreamBuildContext,
): { config: TcpConfig; issues: ProviderIssue[] } {
  const config: TcpConfig = { routers: {}, services: {}, middlewares: { ...labels.middlewares } };
  const issues: ProviderIssue[] = [];
  if (!wantsTcpRouting(labels)) return { config, issues };
  const { services, names } = buildStreamServices('tcp', labels.services, context, issues, (lb, addresses) => {
    const { server = {}, ...options } = lb ?? {};
    return { ...options, servers: addresses.map((address) => (server.tls ? { address, tls: true } : { address })) };
  });
  config.services = services;
  for (const [name, router] of Object.entries(labels.routers)) {
    const key = `${context.labelPrefix ?? 'traefik'}.tcp.routers.${name}`;
    if (router.rule === undefined) {
      const message = `TCP router "${name}" has no rule; add the label ${key}.rule=HostSNI(\`*\`)`;
      issues.push(objectIssue(context, 'tcpRouter', name, message, `${key}.rule`));
      continue;
    }
    const service = routerService('tcp', name, router.service, names, context, issues);
    if (service !== undefined) config.routers![name] = { ...router, rule: router.rule, service };
  }
  return { config, issues };
}
