import type { Upstreams } from '../runtime/transport/upstreams.js';
import type { HealthChecks } from './health-checks.js';
import type { Service, ServerStatusEvent } from './types.js';

/** What building a service needs from the runtime; the pools and checkers outlive one build. */
export interface ServiceDeps {
  /** A service named in this one (weighted, mirroring, failover); throws ConfigError if unknown or cyclic. */
  resolveService(qualifiedName: string): Service;
  upstreams: Upstreams;
  health: HealthChecks;
  onServerStatus(event: ServerStatusEvent): void;
}
