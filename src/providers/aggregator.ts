import { isDeepStrictEqual } from 'node:util';
import type { ConsumerConfig, HttpConfig, TcpConfig, TlsConfig, UdpConfig } from '../config/dynamic/types.js';
import { logger } from '../observability/logger.js';
import type { ProviderIssue, ProviderSnapshot } from './types.js';

/** The merged configuration of all providers: object names are qualified `name@provider`. */
export interface Configuration {
  http: Required<HttpConfig>;
  /** Certificates of all providers; option names qualified `name@provider`. */
  tls?: TlsConfig;
  /** TCP routers, services and middlewares of all providers, qualified `name@provider`. */
  tcp?: Required<TcpConfig>;
  /** UDP routers and services of all providers, qualified `name@provider`. */
  udp?: Required<UdpConfig>;
  /** Provider name → its issues and when it last sent a snapshot. */
  providers: Record<string, ProviderState>;
}

export interface ProviderState {
  state: 'starting' | 'ok' | 'error';
  lastUpdate?: string;
  issues: ProviderIssue[];
}

/**
 * Keeps the latest complete snapshot of each provider and merges them (Traefik's configuration
 * watcher). A change is applied at once when things were quiet, and bursts arriving within
 * `throttleMs` of the last apply are coalesced into one more apply at the end of the window, so a
 * `--scale web=50` costs a couple of rebuilds and a single container start costs no delay.
 */
export class Aggregator {
  private readonly snapshots = new Map<string, ProviderSnapshot>();
  private readonly states = new Map<string, ProviderState>();
  private lastApply = 0;
  private applied = false;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly throttleMs: number,
    private readonly apply: (configuration: Configuration) => void,
  ) {}

  /** Registers a provider before its first snapshot, so the API can show it as starting. */
  register(provider: string): void {
    if (!this.states.has(provider)) this.states.set(provider, { state: 'starting', issues: [] });
  }

  update(provider: string, snapshot: ProviderSnapshot): void {
    const previous = this.snapshots.get(provider);
    this.states.set(provider, {
      state: snapshot.issues.length > 0 ? 'error' : 'ok',
      lastUpdate: new Date().toISOString(),
      issues: snapshot.issues,
    });
    if (previous && isDeepStrictEqual(previous, snapshot)) return;
    this.snapshots.set(provider, structuredClone(snapshot));
    this.schedule();
  }

  /** Applies the merged configuration now (for `portier check`, and when waiting makes no sense). */
  flush(): Configuration {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.lastApply = Date.now();
    this.applied = true;
    const configuration = this.merge();
    try {
      this.apply(configuration);
    } catch (error) {
      // A bug in building must not take the proxy down: the previous routing keeps serving.
      logger.error({ err: error }, 'configuration could not be applied; the previous one keeps serving');
    }
    return configuration;
  }

  /** At start: applies once even when no provider sent anything, so the API shows them starting. */
  ensureApplied(): void {
    if (!this.applied) this.flush();
  }

  stop(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  private schedule(): void {
    if (this.pending) return;
    const wait = this.lastApply + this.throttleMs - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.pending = setTimeout(() => this.flush(), wait);
  }

  private merge(): Configuration {
    const http: Required<HttpConfig> = {
      routers: {},
      services: {},
      middlewares: {},
      consumers: {},
      serversTransports: {},
    };
    const tls: Required<TlsConfig> = { certificates: [], options: {}, stores: {} };
    const tcp: Required<TcpConfig> = { routers: {}, services: {}, middlewares: {} };
    const udp: Required<UdpConfig> = { routers: {}, services: {} };
    for (const [provider, snapshot] of this.snapshots) {
      tls.certificates.push(...(snapshot.config.tls?.certificates ?? []));
      qualifyInto(tls.options, snapshot.config.tls?.options ?? {}, provider);
      Object.assign(tls.stores, snapshot.config.tls?.stores);
      qualifyInto(tcp.routers, snapshot.config.tcp?.routers ?? {}, provider);
      qualifyInto(tcp.services, snapshot.config.tcp?.services ?? {}, provider);
      qualifyInto(tcp.middlewares, snapshot.config.tcp?.middlewares ?? {}, provider);
      qualifyInto(udp.routers, snapshot.config.udp?.routers ?? {}, provider);
      qualifyInto(udp.services, snapshot.config.udp?.services ?? {}, provider);
      const source = snapshot.config.http;
      qualifyInto(http.routers, source.routers, provider);
      qualifyInto(http.services, source.services, provider);
      qualifyInto(http.middlewares, source.middlewares, provider);
      qualifyInto<ConsumerConfig>(http.consumers, source.consumers ?? {}, provider);
      qualifyInto(http.serversTransports, source.serversTransports ?? {}, provider);
    }
    return { http, tls, tcp, udp, providers: Object.fromEntries(this.states) };
  }
}

function qualifyInto<T>(target: Record<string, T>, source: Record<string, T>, provider: string): void {
  for (const [name, value] of Object.entries(source)) target[`${name}@${provider}`] = value;
}

/** Qualifies a reference made by an object of `provider`: bare names belong to the same provider. */
export function qualify(reference: string, provider: string): string {
  return reference.includes('@') ? reference : `${reference}@${provider}`;
}

/** The provider part of a qualified name. */
export function providerOf(qualifiedName: string): string {
  return qualifiedName.slice(qualifiedName.lastIndexOf('@') + 1);
}
