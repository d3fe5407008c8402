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
  const watcher = new EngineWatcher({
    engine,
    list: async () => snapshotOf(await listContainerWorkloads(engine), options),
    eventFilters: { type: ['container', 'network'] },
    relevant: isRoutingEvent,
    watch: config.watch ?? true,
  });
  return {
    name,
    start: (emit) => watcher.start(emit),
    stop: () => watcher.stop(),
  };
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
    constraints: compileConstraints(config.constraints ?? '', `providers.${section}.constraints`),
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
