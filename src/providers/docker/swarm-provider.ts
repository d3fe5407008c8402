import { parseDuration } from '../../config/duration.js';
import type { DockerProviderConfig } from '../../config/static/types.js';
import type { Provider } from '../types.js';
import { snapshotOf, workloadOptions } from './docker-provider.js';
import { EngineClient } from './engine-client.js';
import { EngineWatcher, type EngineEvent } from './engine-watcher.js';
import { listSwarmWorkloads } from './swarm-services.js';

const DEFAULT_REFRESH = '15s';

/**
 * The Swarm provider: routes to Swarm services from their labels, to each running task's IP, or
 * to the service VIP with `traefik.swarm.lbswarm=true`. Polls every `refreshSeconds` (Traefik's
 * model) and also re-lists on service, task-container and network events, so a scale-up is seen
 * within moments rather than at the next poll.
 */
export function createSwarmProvider(config: DockerProviderConfig, name = 'swarm'): Provider {
  const options = workloadOptions(config, true, 'swarm');
  const engine = new EngineClient(config.endpoint);
  const watcher = new EngineWatcher({
    engine,
    list: async () => snapshotOf(await listSwarmWorkloads(engine), options),
    eventFilters: { type: ['service', 'container', 'network'] },
    relevant: isSwarmEvent,
    watch: config.watch ?? true,
    settleMs: [250, 1000, 3000],
    pollMs: parseDuration(config.refreshSeconds ?? DEFAULT_REFRESH, `providers.${name}.refreshSeconds`),
  });
  return {
    name,
    start: (emit) => watcher.start(emit),
    stop: () => watcher.stop(),
  };
}

function isSwarmEvent(event: EngineEvent): boolean {
  const action = event.Action ?? '';
  if (event.Type === 'service') return true;
  if (event.Type === 'network') return action === 'connect' || action === 'disconnect';
  // Task containers: only those Swarm started matter.
  const swarmTask = event.Actor?.Attributes?.['com.docker.swarm.task.id'] !== undefined;
  return swarmTask && ['start', 'die', 'destroy', 'health_status'].some((name) => action.startsWith(name));
}
