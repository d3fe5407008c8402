import type { EngineClient } from './engine-client.js';
import type { Workload } from './workload.js';

interface SwarmService {
  ID: string;
  Spec: { Name: string; Labels?: Record<string, string> | null; EndpointSpec?: { Mode?: string } };
  Endpoint?: { VirtualIPs?: { NetworkID: string; Addr?: string }[] | null };
}

interface SwarmTask {
  ServiceID: string;
  Status: { State: string };
  NetworksAttachments?: { Network: { ID: string; Spec: { Name: string } }; Addresses?: string[] | null }[] | null;
}

interface SwarmNetwork {
  Id: string;
  Name: string;
}

/** Swarm's routing mesh network: published ports only, never a route to a task. */
const INGRESS = 'ingress';

/**
 * Lists Swarm services as workloads: labels from the service, one address per running task on
 * each of its networks, and the service's virtual IPs (for `lbswarm`). A DNS round-robin
 * service has no virtual IP: as in Traefik, `lbswarm` then falls back to its tasks.
 */
export async function listSwarmWorkloads(engine: EngineClient): Promise<Workload[]> {
  const running = encodeURIComponent(JSON.stringify({ 'desired-state': ['running'] }));
  const [services, tasks, networks] = await Promise.all([
    engine.get<SwarmService[]>('/services'),
    engine.get<SwarmTask[]>(`/tasks?filters=${running}`),
    engine.get<SwarmNetwork[]>('/networks'),
  ]);
  const networkNames = new Map(networks.map((network) => [network.Id, network.Name]));
  return services.map((service) => {
    const addresses: Record<string, string[]> = {};
    let taskCount = 0;
    for (const task of tasks) {
      if (task.ServiceID !== service.ID || task.Status.State !== 'running') continue;
      taskCount++;
      for (const attachment of task.NetworksAttachments ?? []) {
        const name = attachment.Network.Spec.Name;
        if (name === INGRESS) continue;
        (addresses[name] ??= []).push(...(attachment.Addresses ?? []).map(withoutPrefixLength));
      }
    }
    const virtualIps: Record<string, string[]> = {};
    for (const vip of service.Endpoint?.VirtualIPs ?? []) {
      const name = networkNames.get(vip.NetworkID);
      if (!name || name === INGRESS || !vip.Addr) continue;
      (virtualIps[name] ??= []).push(withoutPrefixLength(vip.Addr));
    }
    const name = service.Spec.Name;
    const taskAddresses = sortedValues(addresses);
    return {
      id: service.ID,
      name,
      serviceName: name,
      v1Name: name.replace(/_/g, '-'),
      labels: service.Spec.Labels ?? {},
      running: taskCount > 0,
      networks: taskAddresses,
      virtualIps: service.Spec.EndpointSpec?.Mode === 'dnsrr' ? taskAddresses : virtualIps,
      hostNetwork: false,
      // Swarm tells nothing about the ports a task listens on: the port label is required.
      exposedPorts: [],
    };
  });
}

function withoutPrefixLength(address: string): string {
  return address.split('/')[0]!;
}

/** Task order in the API varies between calls: sort so that equal states compare equal. */
function sortedValues(byNetwork: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(byNetwork).map(([name, ips]) => [name, [...ips].sort()]));
}
