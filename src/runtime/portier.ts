import { EventEmitter } from 'node:events';
import type { RouterConfig, ServiceConfig } from '../config/dynamic/types.js';
import { emptyDynamicConfig } from '../config/dynamic/types.js';
import { parseDuration } from '../config/duration.js';
import { ENTRY_POINT_DEFAULTS } from '../config/static/entry-point-defaults.js';
import type { StaticConfig } from '../config/static/types.js';
import { forwardAuthAgents } from '../middlewares/forward-auth-agents.js';
import { logger } from '../observability/logger.js';
import { Aggregator, type Configuration } from '../providers/aggregator.js';
import type { Provider } from '../providers/types.js';
import type { Service, ServerStatusEvent } from '../services/types.js';
import type { MiddlewareTypes } from './build-middlewares.js';
import type { ServiceFactory } from './build-services.js';
import { buildRouting, issuesByObject, type Routing } from './build.js';
import type { RequestContext } from './context.js';
import { EntryPoint, type ConnectionObserver, type RequestObserver } from './entrypoint.js';
import { redactUrl } from './redact.js';
import { respond } from './respond.js';
import { entryPointRedirects, type Redirect } from '../tls/entrypoint-redirect.js';
import { TlsManager } from '../tls/tls-manager.js';
import { AcmeManager } from '../acme/acme-manager.js';
import { buildTcp, type TcpRouting } from '../tcp/tcp-build.js';
import { TcpConnectionCounts } from '../tcp/tcp-middlewares.js';
import { buildUdp, type UdpRouting } from '../udp/udp-build.js';
import { UdpEntryPoint } from '../udp/udp-entrypoint.js';
import { isUdpAddress } from './listen-address.js';
import type { RuntimeEvent, RuntimeView, ServiceView, TcpView, UdpView } from './view.js';

/** The service layer: builds services and owns what must outlive a configuration (pools, health). */
export interface ServiceLayer {
  build: ServiceFactory;
  /** Called after each swap with the services now configured, to release pools and checks of the rest. */
  retain(services: Record<string, ServiceConfig>): void;
  close(): Promise<void>;
}

export interface PortierParts {
  config: StaticConfig;
  baseDir: string;
  providers: Provider[];
  middlewareTypes: MiddlewareTypes;
  /** Creates the service layer; it reports health changes through the callback. */
  createServices: (onServerStatus: (event: ServerStatusEvent) => void) => ServiceLayer;
  /** Portier's own services (`api@internal`, `ping@internal`, `functions@internal`…). */
  internalServices: Map<string, Service>;
  /** Routers that expose internal services on the API entry point. */
  internalRouters: Record<string, RouterConfig>;
  /** Entry point whose routers are only the internal ones (the API's), if any. */
  apiEntryPoint?: string;
  observe?: RequestObserver;
  observeConnection?: ConnectionObserver;
  /** Request headers only Portier may set (the gateway's consumer header): dropped from clients. */
  reservedHeaders?: readonly string[];
  /** Where configuration and server events go (the API's event stream listens here). */
  events?: RuntimeEvents;
}

export type RuntimeEvents = EventEmitter<{ event: [RuntimeEvent] }>;

/**
 * The running proxy: entry points, providers and the current routing. A new configuration is
 * compiled beside the current one and swapped in with one assignment; requests in flight finish on
 * the routing they started with.
 */
export class Portier {
  readonly events: RuntimeEvents;
  readonly entryPoints = new Map<string, EntryPoint>();
  /** The `…/udp` entry points: sessions per client, no HTTP or TCP routers. */
  readonly udpEntryPoints = new Map<string, UdpEntryPoint>();
  private routing: Routing;
  private configuration: Configuration;
  private generation = 0;
  private updatedAt = new Date().toISOString();
  private terminating = false;
  private readonly aggregator: Aggregator;
  private readonly loggedErrors = new Set<string>();
  private readonly services: ServiceLayer;
  /** Certificates and TLS options of the current configuration (shared by all entry points). */
  readonly tls: TlsManager;
  private readonly redirects: Map<string, Redirect>;
  /** ACME resolvers: certificates for the routers' domains, and their challenges. */
  readonly acme: AcmeManager;
  private tcp: TcpRouting | undefined;
  /** Open TCP connections per client, for inFlightConn; kept across configurations. */
  private readonly tcpCounts = new TcpConnectionCounts();
  private udp: UdpRouting | undefined;

  constructor(private readonly parts: PortierParts) {
    this.events = parts.events ?? new EventEmitter();
    this.services = parts.createServices((event) => this.onServerStatus(event));
    const throttle = parts.config.providers.providersThrottleDuration ?? '50ms';
    this.aggregator = new Aggregator(parseDuration(throttle, 'providers.providersThrottleDuration'), (c) =>
      this.apply(c),
    );
    this.tls = new TlsManager(parts.baseDir);
    this.acme = new AcmeManager(parts.config, parts.baseDir, () =>
      this.tls.setObtainedCertificates(this.acme.certificates()),
    );
    if (this.acme.enabled) this.tls.setObtainedCertificates(this.acme.certificates());
    this.redirects = entryPointRedirects(parts.config);
    for (const [name, config] of Object.entries(parts.config.entryPoints)) {
      if (isUdpAddress(config.address)) {
        this.udpEntryPoints.set(name, new UdpEntryPoint(name, config));
        continue;
      }
      this.entryPoints.set(
        name,
        new EntryPoint(name, config, (ctx) => this.dispatch(ctx), {
          observe: parts.observe,
          observeConnection: parts.observeConnection,
          tls: this.tls,
          acmeChallenge: (name) => this.acme.alpnChallenge(name),
          tcp: () => this.tcp?.tables.get(name),
          reservedHeaders: parts.reservedHeaders,
        }),
      );
    }
    this.configuration = {
      http: { ...emptyDynamicConfig().http, consumers: {}, serversTransports: {} },
      providers: {},
    };
    this.routing = this.build(this.configuration);
  }

  get isTerminating(): boolean {
    return this.terminating;
  }

  async start(): Promise<void> {
    await Promise.all([...this.entryPoints.values(), ...this.udpEntryPoints.values()].map((ep) => ep.listen()));
    for (const provider of this.parts.providers) this.aggregator.register(provider.name);
    await Promise.all(
      this.parts.providers.map((provider) =>
        provider.start((snapshot) => this.aggregator.update(provider.name, snapshot)),
      ),
    );
    this.aggregator.ensureApplied();
  }

  /**
   * Graceful stop: `/ping` answers 503 at once; each entry point keeps accepting for its
   * `requestAcceptGraceTimeout` (so a load balancer in front sees the 503 and moves away), then
   * stops accepting and gives in-flight requests up to `graceTimeOut` to finish.
   */
  async stop(): Promise<void> {
    this.terminating = true;
    await Promise.all(this.parts.providers.map((p) => p.stop()));
    this.aggregator.stop();
    await Promise.all(
      Object.entries(this.parts.config.entryPoints).map(async ([name, config]) => {
        const key = `entryPoints.${name}.transport.lifeCycle`;
        const lifeCycle = config.transport?.lifeCycle ?? {};
        const acceptGrace = parseDuration(lifeCycle.requestAcceptGraceTimeout ?? 0, `${key}.requestAcceptGraceTimeout`);
        if (acceptGrace > 0) await new Promise((resolve) => setTimeout(resolve, acceptGrace));
        await this.entryPoints
          .get(name)
          ?.shutdown(
            parseDuration(
              lifeCycle.graceTimeOut ?? ENTRY_POINT_DEFAULTS.transport.lifeCycle.graceTimeOut,
              `${key}.graceTimeOut`,
            ),
          );
      }),
    );
    await Promise.all([...this.udpEntryPoints.values()].map((ep) => ep.shutdown()));
    await this.services.close();
    this.tls.close();
    this.acme.close();
  }

  /** Announces a server going UP or DOWN (called by health checks). */
  private onServerStatus(event: ServerStatusEvent): void {
    logger.info({ service: event.service, url: event.url, reason: event.reason }, `server ${event.state}`);
    this.events.emit('event', { type: 'server', ...event });
  }

  view(): RuntimeView {
    const services: Record<string, ServiceView> = {};
    for (const [name, { view, service }] of Object.entries(this.routing.services)) {
      const serverStatus = service?.serverStatus();
      services[name] =
        serverStatus && Object.keys(serverStatus).length
          ? {
              ...view,
              serverStatus: Object.fromEntries(Object.entries(serverStatus).map(([u, s]) => [redactUrl(u), s])),
            }
          : view;
    }
    return {
      generation: this.generation,
      updatedAt: this.updatedAt,
      entryPoints: Object.fromEntries(
        Object.entries(this.parts.config.entryPoints).map(([name, ep]) => [name, { name, address: ep.address }]),
      ),
      routers: this.routing.routers,
      services,
      middlewares: this.routing.middlewares,
      ...(this.tcp ? { tcp: this.tcp.view } : {}),
      ...(this.udp ? { udp: this.udp.view } : {}),
      certificates: this.tls.list(),
      providers: Object.fromEntries(
        Object.entries(this.configuration.providers).map(([name, state]) => [name, { name, ...state }]),
      ),
    };
  }

  private dispatch(ctx: RequestContext): void {
    const keyAuthorization = this.acme.httpChallenge(ctx.path);
    if (keyAuthorization !== undefined) {
      // Exactly the key authorization: the validator compares the body byte for byte.
      ctx.res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(keyAuthorization);
      return;
    }
    const tls = ctx.scheme === 'https';
    const redirect = tls ? undefined : this.redirects.get(ctx.entryPoint);
    if (redirect) {
      redirect(ctx);
      return;
    }
    const router = (tls ? this.routing.tlsTables : this.routing.tables).get(ctx.entryPoint)?.match(ctx);
    if (!router) {
      respond(ctx, 404, '404 page not found');
      return;
    }
    ctx.routerName = router.name;
    ctx.serviceName = router.serviceName;
    try {
      const pending = router.handler(ctx);
      if (pending) pending.catch((error: unknown) => this.fail(ctx, error));
    } catch (error) {
      this.fail(ctx, error);
    }
  }

  private fail(ctx: RequestContext, error: unknown): void {
    logger.error({ err: error, router: ctx.routerName }, 'request handling failed');
    respond(ctx, 500, 'Internal Server Error');
  }

  private apply(configuration: Configuration): void {
    const started = performance.now();
    const routing = this.build(configuration);
    this.tls.update(configuration.tls, configuration.http.routers, configuration.tcp?.routers);
    this.acme.update(configuration.http.routers, configuration.tcp?.routers);
    this.tcp = this.buildTcp(configuration, routing);
    this.udp = buildUdp({
      udp: configuration.udp,
      udpEntryPoints: [...this.udpEntryPoints.keys()],
      allEntryPoints: Object.keys(this.parts.config.entryPoints),
      objectIssues: issuesByObject(configuration),
    });
    for (const [name, ep] of this.udpEntryPoints) ep.setRoute(this.udp.routes.get(name));
    this.routing = routing;
    this.configuration = configuration;
    this.generation++;
    this.updatedAt = new Date().toISOString();
    this.services.retain(configuration.http.services);
    forwardAuthAgents.sweep();
    this.logNewErrors(routing, this.tcp.view, this.udp.view);
    logger.info(
      { generation: this.generation, routers: Object.keys(routing.routers).length, ms: performance.now() - started },
      'configuration applied',
    );
    this.events.emit('event', { type: 'config', generation: this.generation });
  }

  private buildTcp(configuration: Configuration, routing: Routing): TcpRouting {
    const entryPoints = [...this.entryPoints.keys()];
    const httpRouters = Object.values(routing.routers).filter((router) => router.status !== 'disabled');
    return buildTcp({
      tcp: configuration.tcp,
      entryPoints,
      defaultEntryPoints: this.defaultEntryPoints(),
      counts: this.tcpCounts,
      objectIssues: issuesByObject(configuration),
      httpEntryPoints: new Set(httpRouters.flatMap((router) => router.using)),
    });
  }

  /**
   * Where HTTP and TCP routers without `entryPoints` attach, as in Traefik: the entry points marked
   * `asDefault`, else all of them; never `traefik` (the API's, even when the API is not insecure)
   * nor the one the API uses.
   */
  private defaultEntryPoints(): string[] {
    const candidates = [...this.entryPoints.keys()].filter((ep) => ep !== 'traefik' && ep !== this.parts.apiEntryPoint);
    const flagged = candidates.filter((ep) => this.parts.config.entryPoints[ep]?.asDefault);
    return flagged.length ? flagged : candidates;
  }

  private build(configuration: Configuration): Routing {
    const entryPoints = [...this.entryPoints.keys()];
    return buildRouting({
      configuration,
      entryPoints,
      defaultEntryPoints: this.defaultEntryPoints(),
      tlsEntryPoints: new Set(entryPoints.filter((ep) => this.parts.config.entryPoints[ep]?.http?.tls)),
      internalRouters: this.parts.internalRouters,
      internalServices: this.parts.internalServices,
      middlewareTypes: this.parts.middlewareTypes,
      serviceFactory: this.services.build,
      baseDir: this.parts.baseDir,
    });
  }

  /** Each broken object is logged once, when it breaks, not at every rebuild. */
  private logNewErrors(routing: Routing, tcp: TcpView, udp: UdpView): void {
    const current = new Set<string>();
    const kinds = [
      ['router', routing.routers],
      ['middleware', routing.middlewares],
      ['service', Object.fromEntries(Object.entries(routing.services).map(([n, s]) => [n, s.view]))],
      ['TCP router', tcp.routers],
      ['TCP middleware', tcp.middlewares],
      ['TCP service', tcp.services],
      ['UDP router', udp.routers],
      ['UDP service', udp.services],
    ] as const;
    for (const [kind, objects] of kinds) {
      for (const [name, object] of Object.entries(objects)) {
        for (const error of object.error ?? []) {
          const key = `${kind} ${name}: ${error}`;
          current.add(key);
          if (!this.loggedErrors.has(key)) logger.warn({ [kind]: name }, `${kind} ${name}: ${error}`);
        }
      }
    }
    for (const [provider, state] of Object.entries(this.configuration.providers)) {
      for (const issue of state.issues) {
        if (issue.object) continue; // shown on the object it disabled, logged above
        const text = [issue.location, issue.key, issue.message].filter(Boolean).join(': ');
        const key = `provider ${provider}: ${text}`;
        current.add(key);
        if (!this.loggedErrors.has(key)) logger.warn({ provider }, text);
      }
    }
    this.loggedErrors.clear();
    for (const key of current) this.loggedErrors.add(key);
  }
}
