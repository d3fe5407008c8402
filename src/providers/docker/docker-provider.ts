import type { DockerProviderConfig } from '../../config/static/types.js';
import type { Provider, ProviderSnapshot } from '../types.js';
import { compileConstraints } from './constraints.js';
import { listContainerWorkloads } from './containers.js';
import { compileDefaultRule } from './default-rule.js';
import { EngineClient } from './engine-client.js';
import { EngineWatcher, type EngineEvent } from './engine-watcher.js';
import { mergeWorkloads } from './merge.js';
import { buildWorkloadConfig, type WorkloadOptions } from './workload-config.js';
import type { Workload } from './workload.js';

const DEFAULT_RULE = 'Host(`{{ normalize .Name }}`)';

/** Container and network events that change routing (not exec_*, which health checks emit). */
const CONTAINER_ACTIONS = new Set(['start', 'die', 'stop', 'kill', 'destroy', 'rename', 'pause', 'unpause', 'update']);
const NETWORK_ACTIONS = new Set(['connect', 'disconnect', 'destroy']);

/**
 * The Docker provider: routes to containers from their labels (Traefik v3 and v1 forms). Reacts
 * to container events within milliseconds, and survives daemon restarts.
 * Throws ConfigError at creation for a bad `defaultRule` or `constraints`.
 */
export function createDockerProvider(config: DockerProviderConfig, name = 'docker'): Provider {
  const options = workloadOptions(config, false, 'docker');
  const engine = new EngineClient(config.endpoint);
  const stopping = new StoppingContainers();
  let listed: Workload[] = [];
  const watcher = new EngineWatcher({
    engine,
    list: async () => {
      listed = await listContainerWorkloads(engine);
      return snapshotOf(stopping.exclude(listed), options);
    },
    quick: (event) => (stopping.isStopSignal(event) ? snapshotOf(stopping.exclude(listed), options) : undefined),
    eventFilters: { type: ['container', 'network'] },
    relevant: (event) => {
      stopping.observe(event);
      return isRoutingEvent(event);
    },
    watch: config.watch ?? true,
  });
  return {
    name,
    start: (emit) => watcher.start(emit),
    stop: () => watcher.stop(),
  };
}

/** Signals that end a container (`docker stop` sends TERM, then KILL after the grace period). */
const STOP_SIGNALS = new Set(['2', '3', '9', '15', 'SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGTERM']);

/**
 * Containers being stopped: they leave the load balancer at the stop signal, while they still
 * finish the requests they have, rather than at their death, when requests sent in the meantime
 * would fail. A signal like HUP (reload) does not count.
 */
class StoppingContainers {
  private readonly ids = new Set<string>();

  observe(event: EngineEvent): void {
    const id = event.Actor?.ID;
    if (event.Type !== 'container' || !id) return;
    if (this.isStopSignal(event)) this.ids.add(id);
    // Not at `die`: a listing that began before the death may still report the container running.
    // Listings that no longer show it forget it (see exclude).
    if (event.Action === 'start') this.ids.delete(id);
  }

  isStopSignal(event: EngineEvent): boolean {
    return (
      event.Type === 'container' && event.Action === 'kill' && STOP_SIGNALS.has(event.Actor?.Attributes?.signal ?? '')
    );
  }

  exclude(workloads: Workload[]): Workload[] {
    const listed = new Set(workloads.map((workload) => workload.id));
    // A container that died while the event stream was down never sent its `die`.
    for (const id of this.ids) if (!listed.has(id)) this.ids.delete(id);
    return workloads.map((workload) => (this.ids.has(workload.id) ? { ...workload, running: false } : workload));
  }
}

export function isRoutingEvent(event: EngineEvent): boolean {
  const action = event.Action ?? '';
  if (event.Type === 'network') return NETWORK_ACTIONS.has(action);
  return CONTAINER_ACTIONS.has(action) || action.startsWith('health_status');
}

/** The options shared by the Docker and Swarm providers, with config errors raised at creation. */
export function workloadOptions(config: DockerProviderConfig, swarm: boolean, section: string): WorkloadOptions {
  return {
    exposedByDefault: config.exposedByDefault ?? true,
    constraints: compileConstraints(config.constraints ?? '', `providers.${section}.constraints`, config.labelPrefix),
    defaultRule: compileDefaultRule(config.defaultRule ?? DEFAULT_RULE, `providers.${section}.defaultRule`),
    network: config.network,
    labelPrefix: config.labelPrefix,
    ...(config.v1 || (config.domain !== undefined && config.defaultRule === undefined)
      ? { v1: { domain: config.domain } }
      : {}),
    allowEmptyServices: config.allowEmptyServices ?? false,
    useBindPortIP: config.useBindPortIP ?? false,
    swarm,
  };
}

export function snapshotOf(workloads: Workload[], options: WorkloadOptions): ProviderSnapshot {
  const results = [];
  for (const workload of workloads) {
    const result = buildWorkloadConfig(workload, options);
    if (result) results.push({ name: workload.name, result });
  }
  return mergeWorkloads(results);
}
