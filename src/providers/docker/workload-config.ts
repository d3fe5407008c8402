import { emptyDynamicConfig, type DynamicConfig, type ServerConfig } from '../../config/dynamic/types.js';
import { translateV1Rule } from '../../rules/v1.js';
import { decodeLabels } from '../labels/decode.js';
import type { LabelledService, ServerHints } from '../labels/types.js';
import type { ProviderIssue } from '../types.js';
import type { Endpoints } from './stream-workload-config.js';
import { buildTcpConfig, wantsTcpRouting } from './tcp-workload-config.js';
import { buildUdpConfig, wantsUdpRouting } from './udp-workload-config.js';
import { WorkloadProblem } from './workload-problem.js';
import type { Constraint } from './constraints.js';
import type { DefaultRule } from './default-rule.js';
import { normalize } from './normalize.js';
import type { Workload } from './workload.js';

export interface WorkloadOptions {
  exposedByDefault: boolean;
  constraints: Constraint;
  defaultRule: DefaultRule;
  network?: string;
  labelPrefix?: string;
  /** v1 mode: default rule `Host:<name>.<domain>`, and no default router without a domain. */
  v1?: { domain?: string };
  allowEmptyServices: boolean;
  useBindPortIP: boolean;
  /** Swarm: route to task IPs, or to the service VIP with `lbswarm`. */
  swarm: boolean;
}

export interface WorkloadConfig {
  config: DynamicConfig;
  issues: ProviderIssue[];
}

/**
 * Turns one workload into the configuration its labels ask for (Traefik's per-container build):
 * filters (enable, constraints, state, health), defaults (service and router named after the
 * workload, default rule), and one server per address. Returns undefined when the workload is
 * filtered out. A malformed label disables the whole workload; a service that cannot be given
 * servers (no port, no network) is left out alone, and the rest of the workload stays routed.
 */
export function buildWorkloadConfig(workload: Workload, options: WorkloadOptions): WorkloadConfig | undefined {
  const defaultName = normalize(workload.serviceName);
  const decoded = decodeLabels(workload.labels, { labelPrefix: options.labelPrefix, defaultName });
  const labels = decoded.config;
  if (!(labels.enable ?? options.exposedByDefault)) return undefined;
  if (!options.constraints(workload.labels)) return undefined;
  const where = `${options.swarm ? 'service' : 'container'} "${workload.name}"`;
  if (decoded.problems.length > 0) {
    return {
      config: emptyDynamicConfig(),
      issues: decoded.problems.map((problem) => ({
        message:
          problem.message +
          (problem.suggestion ? ` (did you mean "${problem.suggestion}"?)` : '') +
          `; ${where} is not routed until the label is fixed`,
        key: problem.label,
        location: where,
      })),
    };
  }
  if (!workload.running && !labels.allowNonRunning) return undefined;
  const healthy = workload.health === undefined || workload.health === 'healthy';
  if (!healthy && !options.allowEmptyServices) return undefined;

  const config = emptyDynamicConfig();
  const issues: ProviderIssue[] = decoded.unsupported.map((label) => ({
    message: 'ignored: Portier does not handle TLS-store labels yet',
    key: label,
    location: where,
  }));
  const endpoints: Endpoints = (port, portLabel) =>
    workload.running && healthy ? endpointsOf(workload, port, portLabel, labels, options) : [];
  // As in Traefik, TCP or UDP routers or services mean the workload wants no automatic HTTP
  // router and service, unless it also has HTTP labels.
  const tcpOrUdp = wantsTcpRouting(labels.tcp) || wantsUdpRouting(labels.udp);
  const httpLabels = [labels.routers, labels.services, labels.middlewares].some((o) => Object.keys(o).length > 0);
  const services: Record<string, LabelledService> =
    Object.keys(labels.services).length > 0 ? labels.services : { [defaultName]: { loadBalancer: {} } };
  const tcp = buildTcpConfig(labels.tcp, { defaultName, where, endpoints, labelPrefix: options.labelPrefix });
  if (Object.values(tcp.config).some((section) => Object.keys(section).length > 0)) config.tcp = tcp.config;
  issues.push(...tcp.issues);
  if (wantsUdpRouting(labels.udp)) {
    const udp = buildUdpConfig(labels.udp, { defaultName, where, endpoints, labelPrefix: options.labelPrefix });
    config.udp = udp.config;
    issues.push(...udp.issues);
  }
  if (tcpOrUdp && !httpLabels) return { config, issues };
  for (const [name, service] of Object.entries(services)) {
    const { server, ...loadBalancer } = service.loadBalancer;
    try {
      const servers = serversOf(server ?? {}, endpoints, options, name);
      config.http.services[name] = { loadBalancer: { ...loadBalancer, servers } };
    } catch (error) {
      if (!(error instanceof WorkloadProblem)) throw error;
      // The service alone is left out: its routers are disabled by the runtime, TCP stays routed.
      issues.push({ message: error.message, key: error.key, location: where, object: { kind: 'service', name } });
    }
  }

  const routers = { ...labels.routers };
  // The labelled names, built or not: a router of a service left out is shown disabled, not dropped.
  const serviceNames = Object.keys(services);
  if (Object.keys(routers).length === 0 && serviceNames.length === 1) routers[defaultName] = {};
  for (const [name, router] of Object.entries(routers)) {
    const rule = router.rule ?? defaultRuleOf(workload, options, labels.v1?.domain);
    if (rule === undefined) continue;
    const service = router.service ?? (serviceNames.length === 1 ? serviceNames[0] : undefined);
    if (service === undefined) {
      issues.push({
        message:
          `router "${name}" names no service and the labels define ${serviceNames.length}; ` +
          `add the label ${options.labelPrefix ?? 'traefik'}.http.routers.${name}.service`,
        location: where,
        object: { kind: 'router', name },
      });
      continue;
    }
    config.http.routers[name] = { ...router, rule, service };
  }
  Object.assign(config.http.middlewares, labels.middlewares);
  return { config, issues };
}

/**
 * The default rule: v3's template, or v1's `Host:<name>.<domain>` (none without a domain, as v1
 * filtered such containers). The v1 form is translated like any v1 rule.
 */
function defaultRuleOf(workload: Workload, options: WorkloadOptions, labelDomain?: string): string | undefined {
  if (!options.v1) return options.defaultRule(workload);
  const domain = labelDomain ?? options.v1.domain;
  return domain ? translateV1Rule(`Host:${workload.v1Name}.${domain}`).rule : undefined;
}

function serversOf(
  hints: ServerHints,
  endpoints: Endpoints,
  options: WorkloadOptions,
  service: string,
): ServerConfig[] {
  const weight = hints.weight !== undefined ? { weight: hints.weight } : {};
  if (hints.url) return [{ url: hints.url, ...weight }];
  const portLabel = `${options.labelPrefix ?? 'traefik'}.http.services.${service}.loadbalancer.server.port`;
  const scheme = hints.scheme ?? 'http';
  return endpoints(hints.port, portLabel).map((endpoint) => ({ url: `${scheme}://${endpoint}`, ...weight }));
}

/**
 * Where the workload listens on `port` (else its lowest exposed port), as `host:port` for each
 * address Portier should use: the host's for host networking, the published binding with
 * `useBindPortIP`, else its address on the chosen network.
 */
function endpointsOf(
  workload: Workload,
  portHint: number | undefined,
  portLabel: string,
  labels: { network?: string; lbSwarm?: boolean },
  options: WorkloadOptions,
): string[] {
  let port = portHint ?? workload.exposedPorts[0];
  if (port === undefined) {
    throw new WorkloadProblem(
      `port is missing: the ${options.swarm ? 'service' : 'container'} exposes no port; add the label ${portLabel}=<port>`,
      portLabel,
    );
  }
  let addresses: string[];
  const binding = options.useBindPortIP ? workload.bindings?.[port] : undefined;
  if (workload.hostNetwork) {
    addresses = [workload.hostAddress ?? '127.0.0.1'];
  } else if (binding && !isAny(binding.hostIp)) {
    addresses = [binding.hostIp];
    port = binding.hostPort;
  } else {
    addresses = addressesOf(workload, labels, options);
  }
  return addresses.map((address) => `${hostPart(address)}:${port}`);
}

function addressesOf(workload: Workload, labels: { network?: string; lbSwarm?: boolean }, options: WorkloadOptions) {
  const byNetwork = options.swarm && labels.lbSwarm ? (workload.virtualIps ?? {}) : workload.networks;
  const wanted = labels.network ?? options.network;
  const names = Object.keys(byNetwork).sort();
  if (wanted !== undefined) {
    const found = [wanted, `${workload.composeProject}_${wanted}`].find((name) => byNetwork[name] !== undefined);
    if (found) return byNetwork[found]!;
    const label = `${options.labelPrefix ?? 'traefik'}.${options.swarm ? 'swarm' : 'docker'}.network`;
    throw new WorkloadProblem(
      `network "${wanted}" (from ${labels.network !== undefined ? `label ${label}` : 'the provider option network'}) ` +
        `is not one of its networks (${names.join(', ') || 'none'}); attach it to that network or set ${label} to one of them`,
      labels.network !== undefined ? label : undefined,
    );
  }
  // No network named: Docker's map order is random, so choose by name for stable routing.
  const first = names.find((name) => byNetwork[name]!.length > 0);
  if (first === undefined) {
    if (options.swarm && workload.running) return [];
    throw new WorkloadProblem('it has no IP address on any network; connect it to a network Portier can reach');
  }
  return byNetwork[first]!;
}

function isAny(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0' || ip === '::';
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
