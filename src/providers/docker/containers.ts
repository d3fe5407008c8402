import type { EngineClient } from './engine-client.js';
import type { Workload } from './workload.js';

/** The parts of `GET /containers/{id}/json` the provider reads. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Config: { Labels?: Record<string, string> | null; ExposedPorts?: Record<string, unknown> | null };
  State: { Running: boolean; Paused?: boolean; Restarting?: boolean; Health?: { Status: string } };
  HostConfig: { NetworkMode?: string };
  NetworkSettings: {
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | null;
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

interface ContainerSummary {
  Id: string;
  State: string;
  Labels?: Record<string, string> | null;
}

/**
 * Lists the containers that may receive traffic and inspects them: running ones, plus stopped
 * ones that ask to keep their router (`allownonrunning`). Compose one-off containers
 * (`docker-compose run`) are skipped, as they would steal the service's route.
 */
export async function listContainerWorkloads(engine: EngineClient): Promise<Workload[]> {
  const summaries = await engine.get<ContainerSummary[]>('/containers/json?all=1');
  const wanted = summaries.filter((summary) => {
    const labels = summary.Labels ?? {};
    if (labels['com.docker.compose.oneoff']?.toLowerCase() === 'true') return false;
    if (summary.State === 'running') return true;
    return Object.entries(labels).some(
      ([key, value]) => key.toLowerCase().endsWith('.docker.allownonrunning') && value.trim().toLowerCase() === 'true',
    );
  });
  const inspected = await Promise.all(
    wanted.map((summary) =>
      engine.get<ContainerInspect>(`/containers/${summary.Id}/json`).catch((error: unknown) => {
        // Removed between the list and the inspect: the event that removed it triggers a new listing.
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }),
    ),
  );
  const byId = new Map(inspected.filter((c) => c !== undefined).map((c) => [c.Id, c]));
  return [...byId.values()].map((container) => containerWorkload(container, byId));
}

export function containerWorkload(container: ContainerInspect, others: Map<string, ContainerInspect>): Workload {
  const labels = container.Config.Labels ?? {};
  const name = container.Name.replace(/^\//, '');
  const composeService = labels['com.docker.compose.service'];
  const composeProject = labels['com.docker.compose.project'];
  const compose = composeService !== undefined && composeProject !== undefined;
  const mode = container.HostConfig.NetworkMode ?? '';
  // `network_mode: container:<id>` shares another container's network stack and addresses.
  const shared = mode.startsWith('container:') ? findContainer(others, mode.slice('container:'.length)) : undefined;
  const settings = (shared ?? container).NetworkSettings;
  const networks: Record<string, string[]> = {};
  for (const [network, endpoint] of Object.entries(settings.Networks ?? {})) {
    const addresses = [endpoint.IPAddress, endpoint.GlobalIPv6Address].filter((ip): ip is string => Boolean(ip));
    networks[network] = addresses.slice(0, 1);
  }
  const ports = new Set<number>();
  for (const key of [...Object.keys(container.Config.ExposedPorts ?? {}), ...Object.keys(settings.Ports ?? {})]) {
    const [port, protocol = 'tcp'] = key.split('/');
    if (protocol === 'tcp') ports.add(Number(port));
  }
  const bindings: Workload['bindings'] = {};
  for (const [key, published] of Object.entries(settings.Ports ?? {})) {
    const first = published?.[0];
    if (first) bindings[Number(key.split('/')[0])] = { hostIp: first.HostIp, hostPort: Number(first.HostPort) };
  }
  const state = container.State;
  return {
    id: container.Id,
    name,
    serviceName: compose ? `${composeService}_${composeProject}` : name,
    v1Name: (compose ? `${composeService}.${composeProject}` : name).replace(/_/g, '-'),
    labels,
    running: state.Running && !state.Paused && !state.Restarting,
    ...(state.Health ? { health: state.Health.Status } : {}),
    networks,
    hostNetwork: mode === 'host' || (shared?.HostConfig.NetworkMode ?? '') === 'host',
    exposedPorts: [...ports].sort((a, b) => a - b),
    bindings,
    ...(compose ? { composeProject } : {}),
  };
}

function findContainer(containers: Map<string, ContainerInspect>, reference: string): ContainerInspect | undefined {
  for (const container of containers.values()) {
    if (container.Id.startsWith(reference) || container.Name === `/${reference}`) return container;
  }
  return undefined;
}
