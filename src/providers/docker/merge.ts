import { isDeepStrictEqual } from 'node:util';
import { emptyDynamicConfig, type ServiceConfig } from '../../config/dynamic/types.js';
import type { ObjectKind, ProviderIssue, ProviderSnapshot } from '../types.js';
import type { WorkloadConfig } from './workload-config.js';

/**
 * Merges the workloads' configurations into one snapshot, in name order: services of the same
 * name become one load balancer with every workload's servers (a scaled compose service), while
 * routers, middlewares or services defined differently by two workloads are left out, with an
 * error naming both.
 */
export function mergeWorkloads(results: { name: string; result: WorkloadConfig }[]): ProviderSnapshot {
  const merged = emptyDynamicConfig();
  const issues: ProviderIssue[] = [];
  const owners = new Map<string, string>();
  const conflicts = new Map<string, { kind: ObjectKind; name: string; workloads: Set<string> }>();
  const sorted = [...results].sort((a, b) => a.name.localeCompare(b.name));
  const conflict = (kind: ObjectKind, name: string, workload: string) => {
    const id = `${kind}/${name}`;
    const entry = conflicts.get(id) ?? { kind, name, workloads: new Set([owners.get(id)!]) };
    entry.workloads.add(workload);
    conflicts.set(id, entry);
  };
  for (const { name: workload, result } of sorted) {
    issues.push(...result.issues);
    const http = result.config.http;
    for (const [kind, section, target] of [
      ['router', http.routers, merged.http.routers],
      ['middleware', http.middlewares, merged.http.middlewares],
    ] as const) {
      for (const [name, value] of Object.entries(section)) {
        const id = `${kind}/${name}`;
        const existing = (target as Record<string, unknown>)[name];
        if (existing === undefined) {
          (target as Record<string, unknown>)[name] = value;
          owners.set(id, workload);
        } else if (!isDeepStrictEqual(existing, value)) {
          conflict(kind, name, workload);
        }
      }
    }
    for (const [name, service] of Object.entries(http.services)) {
      const id = `service/${name}`;
      const existing = merged.http.services[name];
      if (!existing) {
        merged.http.services[name] = structuredClone(service);
        owners.set(id, workload);
      } else if (sameExceptServers(existing, service)) {
        const servers = existing.loadBalancer!.servers;
        for (const server of service.loadBalancer!.servers) {
          if (!servers.some((known) => known.url === server.url)) servers.push(server);
        }
      } else {
        conflict('service', name, workload);
      }
    }
  }
  for (const { kind, name, workloads } of conflicts.values()) {
    const section = kind === 'router' ? 'routers' : kind === 'service' ? 'services' : 'middlewares';
    delete merged.http[section][name];
    const list = [...workloads].map((workload) => `"${workload}"`).join(' and ');
    issues.push({
      message:
        `${kind} "${name}" is defined differently by ${list}; it is disabled until their labels agree ` +
        `(or give each its own ${kind} name)`,
      location: list,
      object: { kind, name },
    });
  }
  return { config: merged, issues };
}

function sameExceptServers(a: ServiceConfig, b: ServiceConfig): boolean {
  if (!a.loadBalancer || !b.loadBalancer) return isDeepStrictEqual(a, b);
  const { servers: _a, ...restA } = a.loadBalancer;
  const { servers: _b, ...restB } = b.loadBalancer;
  return isDeepStrictEqual(restA, restB);
}
