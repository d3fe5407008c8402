import type { ServersTransportConfig, ServiceConfig } from '../config/dynamic/types.js';
import { closestKey } from '../config/did-you-mean.js';
import { ConfigError } from '../config/errors.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import type { Service } from '../services/types.js';
import { describe } from './build-middlewares.js';

export interface BuiltService {
  service?: Service;
  error?: string;
}

/** The serversTransport a load balancer names, found in the configuration. */
export interface NamedTransport {
  /** Qualified, like `tls@file`. */
  name: string;
  config: ServersTransportConfig;
}

/**
 * Builds one service from its config; `resolve` gives it the services it refers to, `transport`
 * the serversTransport its load balancer names (undefined: the static `default@internal` one).
 */
export type ServiceFactory = (
  name: string,
  config: ServiceConfig,
  resolve: (name: string) => Service,
  transport?: NamedTransport,
) => Service;

/** The static serversTransport's name, which a load balancer may also name explicitly. */
const DEFAULT_TRANSPORT = 'default@internal';

/**
 * Builds the services of one configuration version, each once, resolving references between
 * services (weighted, mirroring, failover) with cycle detection. `@internal` services come ready.
 */
export class ServiceBuilder {
  private readonly built = new Map<string, BuiltService>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly configs: Record<string, ServiceConfig>,
    private readonly internal: ReadonlyMap<string, Service>,
    private readonly factory: ServiceFactory,
    private readonly transports: Readonly<Record<string, ServersTransportConfig>> = {},
    /** Services a provider could not read: they exist, disabled with their own error. */
    private readonly unreadable: ReadonlySet<string> = new Set(),
  ) {}

  all(): Map<string, BuiltService> {
    for (const name of Object.keys(this.configs)) this.build(name);
    return this.built;
  }

  resolve(name: string): Service {
    const internal = this.internal.get(name);
    if (internal) return internal;
    const built = this.build(name);
    if (!built.service) throw new ConfigError(built.error ?? `the service "${name}" is disabled`);
    return built.service;
  }

  private build(name: string): BuiltService {
    const done = this.built.get(name);
    if (done) return done;
    const config = this.configs[name];
    if (!config) {
      if (this.unreadable.has(name)) throw new ConfigError(`the service "${name}" is disabled (see its error)`);
      const guess = closestKey(name, [...Object.keys(this.configs), ...this.internal.keys()]);
      throw new ConfigError(`the service "${name}" does not exist${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    if (this.inProgress.has(name)) throw new ConfigError(`the service "${name}" refers to itself through a cycle`);
    this.inProgress.add(name);
    let result: BuiltService;
    try {
      const provider = providerOf(name);
      const transport = this.transport(config.loadBalancer?.serversTransport, provider);
      result = { service: this.factory(name, config, (other) => this.resolve(qualify(other, provider)), transport) };
    } catch (error) {
      result = { error: describe(error) };
    } finally {
      this.inProgress.delete(name);
    }
    this.built.set(name, result);
    return result;
  }

  /** Looks up a `serversTransport` reference; a missing one fails only the service naming it. */
  private transport(reference: string | undefined, provider: string): NamedTransport | undefined {
    if (reference === undefined || reference === '') return undefined;
    const name = qualify(reference, provider);
    if (name === DEFAULT_TRANSPORT) return undefined;
    const config = this.transports[name];
    if (config) return { name, config };
    const guess = closestKey(name, [...Object.keys(this.transports), DEFAULT_TRANSPORT]);
    throw new ConfigError(
      `the serversTransport "${name}" does not exist${guess ? `; did you mean "${guess}"?` : '; define it under http.serversTransports'}`,
      'loadBalancer.serversTransport',
    );
  }
}
