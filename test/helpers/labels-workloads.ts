import { snapshotOf, workloadOptions } from '../../src/providers/docker/docker-provider.js';
import type { ProviderSnapshot } from '../../src/providers/types.js';
import type { Workload } from '../../src/providers/docker/workload.js';

export type LabelledContainer = (name: string, labels: Record<string, string>, extra?: Partial<Workload>) => Workload;

/**
 * Running containers on the default bridge that expose `port`; each one's IP ends in the length
 * of its name, so tests can tell containers apart by address.
 */
export function containersExposing(port: number): LabelledContainer {
  return (name, labels, extra = {}) => ({
    id: `id-${name}`,
    name,
    serviceName: name,
    v1Name: name,
    labels,
    running: true,
    networks: { bridge: [`172.17.0.${name.length}`] },
    hostNetwork: false,
    exposedPorts: [port],
    ...extra,
  });
}

/** What the Docker provider makes of `workloads` with its default options. */
export function dockerSnapshot(workloads: Workload[]): ProviderSnapshot {
  return snapshotOf(workloads, workloadOptions({}, false, 'docker'));
}
