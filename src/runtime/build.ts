import type { RouterConfig, ServiceConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import type { Middleware } from '../middlewares/types.js';
import { qualify, type Configuration } from '../providers/aggregator.js';
import { compileRule, defaultPriority } from '../rules/index.js';
import { translateV1Rule } from '../rules/v1.js';
import type { Service } from '../services/types.js';
import { MiddlewareBuilder, type MiddlewareTypes } from './build-middlewares.js';
import { ServiceBuilder, type ServiceFactory } from './build-services.js';
import type { Handler } from './context.js';
import { addObjectsDroppedByProviders, issueLookup, objectFields, placeholderIn } from './object-issues.js';
import { existingEntryPoints, qualifiedReferences, routerFields, tryCompile } from './router-build.js';
import { RouterTable, type ActiveRouter } from './router-table.js';
import type { MiddlewareView, RouterView, ServiceView } from './view.js';
import { optionsAsWritten, serviceAsShown } from './view-shapes.js';

export interface BuildInput {
  configuration: Configuration;
  /** All entry point names, and those a router without `entryPoints` attaches to. */
  entryPoints: readonly string[];
  defaultEntryPoints: readonly string[];
  /** Entry points with `http.tls`: every router on them serves the TLS side only. */
  tlsEntryPoints?: ReadonlySet<string>;
  /** Portier's own routers (API, dashboard, ping…), already qualified `@internal`. */
  internalRouters: Record<string, RouterConfig>;
  internalServices: ReadonlyMap<string, Service>;
  middlewareTypes: MiddlewareTypes;
  serviceFactory: ServiceFactory;
  /** Directory relative paths in middleware options (`usersFile`) are read from. */
  baseDir: string;
}

export type ServiceViewWithoutStatus = Omit<ServiceView, 'serverStatus'>;

/** One configuration version, compiled: what the entry points serve and what the API shows. */
export interface Routing {
  /** Per entry point, the routers of plain connections… */
  tables: Map<string, RouterTable>;
  /** …and those of TLS connections (routers with `tls`, or on an entry point with `http.tls`). */
  tlsTables: Map<string, RouterTable>;
  routers: Record<string, RouterView>;
  services: Record<string, { view: ServiceViewWithoutStatus; service?: Service }>;
  middlewares: Record<string, MiddlewareView>;
}

/**
 * Compiles a configuration: every rule, middleware chain and service is built here, once, so that
 * requests only run closures. A broken object is disabled with its error and only the routers that
 * need it are disabled with it; everything else is served.
 */
export function buildRouting(input: BuildInput): Routing {
  const { configuration } = input;
  const objectIssues = issuesByObject(configuration);
  const issuesOf = issueLookup(objectIssues);
  const serviceBuilder = new ServiceBuilder(
    configuration.http.services,
    input.internalServices,
    input.serviceFactory,
    configuration.http.serversTransports,
    namesWithIssues(objectIssues, 'service'),
  );
  const middlewareBuilder = new MiddlewareBuilder(
    configuration.http.middlewares,
    input.middlewareTypes,
    configuration.http.consumers,
    input.baseDir,
    (service) => serviceBuilder.resolve(service).handle,
    namesWithIssues(objectIssues, 'middleware'),
  );

  const middlewares: Record<string, MiddlewareView> = {};
  for (const [name, built] of middlewareBuilder.all()) {
    const errors = [...issuesOf('middleware', name), ...(built.error ? [built.error] : [])];
    middlewares[name] = {
      ...optionsAsWritten(built.redacted, configuration.http.middlewares[name]),
      ...objectFields(name, errors),
      type: built.type ?? Object.keys(configuration.http.middlewares[name] ?? {})[0] ?? 'unknown',
      usedBy: [],
    };
  }

  const services: Routing['services'] = {};
  for (const [name, built] of serviceBuilder.all()) {
    const errors = [...issuesOf('service', name), ...(built.error ? [built.error] : [])];
    const config = configuration.http.services[name] ?? {};
    services[name] = {
      view: { ...serviceAsShown(config), ...objectFields(name, errors), type: serviceType(config), usedBy: [] },
      service: errors.length ? undefined : built.service,
    };
  }
  for (const [name, service] of input.internalServices) {
    services[name] = { view: { ...objectFields(name, []), type: 'internal', usedBy: [] }, service };
  }

  const routers: Record<string, RouterView> = {};
  const active = new Map<string, ActiveRouter[]>(input.entryPoints.map((ep) => [ep, []]));
  const activeTls = new Map<string, ActiveRouter[]>(input.entryPoints.map((ep) => [ep, []]));
  const allRouters = { ...configuration.http.routers, ...input.internalRouters };
  for (const [name, config] of Object.entries(allRouters)) {
    const errors = issuesOf('router', name);
    const { shown, using, warnings } = existingEntryPoints(config, input.defaultEntryPoints, active, errors);
    const { serviceName, middlewareNames } = qualifiedReferences(name, config);
    for (const m of middlewareNames) middlewares[m]?.usedBy.push(name);
    services[serviceName]?.view.usedBy.push(name);

    // A rule that does not compile has no default priority: only the one written is shown.
    let priority = config.priority || 0;
    const activeRouter = tryCompile(errors, (): ActiveRouter => {
      const { rule, modifiers, source } = compileRouterRule(config, input.middlewareTypes);
      priority ||= defaultPriority(source);
      const chain = middlewareNames.map((m) => middlewareBuilder.resolve(m)).concat(modifiers);
      const handler = compose(chain, serviceBuilder.resolve(serviceName).handle);
      return { name, serviceName, priority, rule, handler };
    });
    routers[name] = {
      ...config,
      ...routerFields(name, errors, warnings),
      entryPoints: shown,
      using,
      priority,
    };
    if (!activeRouter || errors.length > 0) continue;
    for (const ep of using) {
      const tls = config.tls !== undefined || input.tlsEntryPoints?.has(ep);
      (tls ? activeTls : active).get(ep)!.push(activeRouter);
    }
  }

  addObjectsDroppedByProviders(objectIssues, {
    router: placeholderIn(routers, (fields) => ({ ...fields, rule: '', service: '', using: [], priority: 0 })),
    service: placeholderIn(services, (fields) => ({ view: { ...fields, type: 'loadbalancer' as const, usedBy: [] } })),
    middleware: placeholderIn(middlewares, (fields) => ({ ...fields, type: 'unknown', usedBy: [] })),
  });
  const tables = new Map([...active].map(([ep, list]) => [ep, new RouterTable(list)]));
  const tlsTables = new Map([...activeTls].map(([ep, list]) => [ep, new RouterTable(list)]));
  return { tables, tlsTables, routers, services, middlewares };
}

/** The names of the objects of one kind that providers reported problems with. */
function namesWithIssues(objectIssues: Map<string, string[]>, kind: string): Set<string> {
  const prefix = `${kind}:`;
  return new Set(
    [...objectIssues.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)),
  );
}

interface CompiledRouterRule {
  rule: ReturnType<typeof compileRule>;
  /** Middlewares implied by v1 rule modifiers (`PathPrefixStrip`…), run after the named ones. */
  modifiers: Middleware[];
  /** The rule text priority is computed from: the rule as written. */
  source: string;
}

function compileRouterRule(config: RouterConfig, types: MiddlewareTypes): CompiledRouterRule {
  if (config.ruleSyntax !== 'v1') {
    return { rule: compileRule(config.rule, config.ruleSyntax ?? 'v3'), modifiers: [], source: config.rule };
  }
  const translated = translateV1Rule(config.rule);
  const modifiers = translated.middlewares.map((mw) => {
    const [typeName, options] = Object.entries(mw)[0] ?? [];
    const entry = typeName ? types.get(typeName) : undefined;
    if (!entry || !options) throw new ConfigError(`rule modifier ${typeName ?? '?'} is not available`, 'rule');
    return entry.type.create(options, {
      name: `${typeName}-modifier`,
      resolveMiddleware: () => {
        throw new ConfigError('rule modifiers cannot refer to other middlewares');
      },
      readFile: () => '',
      consumers: {},
      log: { warn: () => undefined, error: () => undefined },
    });
  });
  return { rule: compileRule(translated.rule, 'v3'), modifiers, source: config.rule };
}

function compose(chain: Middleware[], last: Handler): Handler {
  let handler = last;
  for (let i = chain.length - 1; i >= 0; i--) handler = chain[i]!(handler);
  return handler;
}

function serviceType(config: ServiceConfig): ServiceView['type'] {
  if (config.weighted) return 'weighted';
  if (config.mirroring) return 'mirroring';
  if (config.failover) return 'failover';
  return 'loadbalancer';
}

/** Provider issues that name one object disable that object, keyed `kind:qualifiedName`. */
export function issuesByObject(configuration: Configuration): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [provider, state] of Object.entries(configuration.providers)) {
    for (const issue of state.issues) {
      if (!issue.object) continue;
      const key = `${issue.object.kind}:${qualify(issue.object.name, provider)}`;
      const text = [issue.location, issue.key, issue.message].filter(Boolean).join(': ');
      result.set(key, [...(result.get(key) ?? []), text]);
    }
  }
  return result;
}
