import { isDeepStrictEqual } from 'node:util';
import { emptyDynamicConfig, type DynamicConfig } from '../../config/dynamic/types.js';
import type { ObjectKind, ProviderIssue, ProviderSnapshot } from '../types.js';
import type { WorkloadConfig } from './workload-config.js';

/** A service as far as merging cares: its load balancer's servers, told apart by `url` or `address`. */
type Mergeable = { loadBalancer?: { servers: Record<string, unknown>[] } };

interface Section {
  kind: ObjectKind;
  protocol: 'http' | 'tcp' | 'udp';
  field: 'routers' | 'services' | 'middlewares';
  /** For services: the server field that identifies a server. */
  serverKey?: 'url' | 'address';
}

const SECTIONS: Section[] = [
  { kind: 'router', protocol: 'http', field: 'routers' },
  { kind: 'middleware', protocol: 'http', field: 'middlewares' },
  { kind: 'service', protocol: 'http', field: 'services', serverKey: 'url' },
  { kind: 'tcpRouter', protocol: 'tcp', field: 'routers' },
  { kind: 'tcpMiddleware', protocol: 'tcp', field: 'middlewares' },
  { kind: 'tcpService', protocol: 'tcp', field: 'services', serverKey: 'address' },
  { kind: 'udpRouter', protocol: 'udp', field: 'routers' },
  { kind: 'udpService', protocol: 'udp', field: 'services', serverKey: 'address' },
];

function objectsOf(config: DynamicConfig, section: Section, create = false): Record<string, unknown> | undefined {
  const protocol = (config as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>)[
    section.protocol
  ];
  if (!create) return protocol?.[section.field];
  if (section.protocol === 'tcp') config.tcp ??= {};
  if (section.protocol === 'udp') config.udp ??= {};
  const target = (config as unknown as Record<string, Record<string, Record<string, unknown>>>)[section.protocol]!;
  return (target[section.field] ??= {});
}

/**
 * Merges the workloads' configurations into one snapshot, in name order: services of the same
 * name become one load balancer with every workload's servers (a scaled compose service), while
 * routers, middlewares or services defined differently by two workloads are left out, with an
 * error naming both. HTTP, TCP and UDP objects follow the same rules.
 */
export function mergeWorkloads(results: { name: string; result: WorkloadConfig }[]): ProviderSnapshot {
  const merged = emptyDynamicConfig();
  const workloadIssues: ProviderIssue[] = [];
  const owners = new Map<string, string>();
  const conflicts = new Map<string, { section: Section; name: string; workloads: Set<string> }>();
  const sorted = [...results].sort((a, b) => a.name.localeCompare(b.name));
  for (const { name: workload, result } of sorted) {
    workloadIssues.push(...result.issues);
    for (const section of SECTIONS) {
      for (const [name, value] of Object.entries(objectsOf(result.config, section) ?? {})) {
        const id = `${section.kind}/${name}`;
        const target = objectsOf(merged, section, true)!;
        const existing = target[name];
        if (existing === undefined) {
          target[name] = section.serverKey ? structuredClone(value) : value;
          owners.set(id, workload);
        } else if (section.serverKey && sameExceptServers(existing as Mergeable, value as Mergeable)) {
          addServers(existing as Mergeable, value as Mergeable, section.serverKey);
        } else if (section.serverKey || !isDeepStrictEqual(existing, value)) {
          const entry = conflicts.get(id) ?? { section, name, workloads: new Set([owners.get(id)!]) };
          entry.workloads.add(workload);
          conflicts.set(id, entry);
        }
      }
    }
  }
  for (const { section, name } of conflicts.values()) delete objectsOf(merged, section)![name];
  const issues = workloadIssues.map((issue) => sparingSiblings(issue, merged));
  for (const { section, name, workloads } of conflicts.values()) {
    const list = [...workloads].map((workload) => `"${workload}"`).join(' and ');
    const noun = `${section.protocol === 'http' ? '' : `${section.protocol.toUpperCase()} `}${section.field.slice(0, -1)}`;
    issues.push({
      message:
        `${noun} "${name}" is defined differently by ${list}; it is disabled until their labels agree ` +
        `(or give each its own ${noun} name)`,
      location: list,
      object: { kind: section.kind, name },
    });
  }
  return { config: merged, issues };
}

/**
 * A workload that could not give servers to a service (no port, no address) disables that service
 * only when no other workload gives it servers: one broken replica of a scaled service is reported
 * but does not take its siblings out of the load balancer.
 */
function sparingSiblings(issue: ProviderIssue, merged: DynamicConfig): ProviderIssue {
  const section = SECTIONS.find((s) => s.serverKey && s.kind === issue.object?.kind);
  if (!section || objectsOf(merged, section)?.[issue.object!.name] === undefined) return issue;
  const { object: _object, ...reported } = issue;
  return { ...reported, message: `${issue.message}; the service is still served by the others that define it` };
}

function sameExceptServers(a: Mergeable, b: Mergeable): boolean {
  if (!a.loadBalancer || !b.loadBalancer) return isDeepStrictEqual(a, b);
  const { servers: _a, ...restA } = a.loadBalancer;
  const { servers: _b, ...restB } = b.loadBalancer;
  return isDeepStrictEqual({ ...a, loadBalancer: restA }, { ...b, loadBalancer: restB });
}

function addServers(target: Mergeable, source: Mergeable, key: 'url' | 'address'): void {
  const servers = target.loadBalancer?.servers;
  if (!servers) return;
  for (const server of source.loadBalancer!.servers) {
    if (!servers.some((known) => known[key] === server[key])) servers.push(server);
  }
}
