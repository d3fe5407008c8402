import type { Duplex } from 'node:stream';
import type { TcpConfig } from '../config/dynamic/types.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import { describe } from '../runtime/build-middlewares.js';
import { objectFields } from '../runtime/build.js';
import type { TcpMiddlewareView, TcpRouterView, TcpServiceView, TcpView } from '../runtime/view.js';
import { defaultPriority } from '../rules/index.js';
import { pipeTo } from './pipe.js';
import { compileTcpMiddleware, type TcpConnectionCounts, type TcpGate } from './tcp-middlewares.js';
import { compileTcpRule, type CompiledTcpRule } from './tcp-rule.js';
import { TcpTable, type TcpRoute } from './tcp-routing.js';
import { TcpServiceBuilder } from './tcp-services.js';

export interface TcpBuildInput {
  tcp: TcpConfig | undefined;
  entryPoints: readonly string[];
  /** Where routers without `entryPoints` go. */
  defaultEntryPoints: readonly string[];
  counts: TcpConnectionCounts;
  /** Provider issues naming one object, keyed `kind:qualifiedName` (`tcpRouter:db@docker`). */
  objectIssues: Map<string, string[]>;
  /**
   * The entry points HTTP routers use: only on the others may a plain router take a connection
   * before its first bytes. Unset: every entry point is assumed to serve HTTP.
   */
  httpEntryPoints?: ReadonlySet<string>;
}

export interface TcpRouting {
  tables: Map<string, TcpTable>;
  view: TcpView;
}

/**
 * Compiles the `tcp` section as the HTTP builder compiles `http`: a broken router, service or
 * middleware is disabled with its error (shown by the API, like HTTP objects) and disables only
 * the routers that need it.
 */
export function buildTcp(input: TcpBuildInput): TcpRouting {
  const { tcp = {}, objectIssues } = input;
  const issuesOf = (kind: string, name: string) => [...(objectIssues.get(`${kind}:${name}`) ?? [])];

  const middlewares: Record<string, TcpMiddlewareView> = {};
  const gates = new Map<string, TcpGate>();
  for (const [name, config] of Object.entries(tcp.middlewares ?? {})) {
    const errors = issuesOf('tcpMiddleware', name);
    let type = Object.keys(config)[0] ?? 'unknown';
    try {
      const compiled = compileTcpMiddleware(name, config, input.counts, `tcp.middlewares.${name}`);
      type = compiled.type;
      if (!errors.length) gates.set(name, compiled.gate);
    } catch (error) {
      errors.push(describe(error));
    }
    middlewares[name] = { ...config, ...objectFields(name, errors), type, usedBy: [] };
  }

  const builder = new TcpServiceBuilder(tcp.services ?? {});
  const services: Record<string, TcpServiceView> = {};
  for (const [name, config] of Object.entries(tcp.services ?? {})) {
    const errors = issuesOf('tcpService', name);
    const error = builder.errorOf(name);
    if (error) errors.push(error);
    const type = config.weighted ? 'weighted' : 'loadbalancer';
    services[name] = { ...config, ...objectFields(name, errors), type, usedBy: [] };
  }

  const tables = new Map(input.entryPoints.map((ep) => [ep, new TcpTable(input.httpEntryPoints?.has(ep) ?? true)]));
  const routers: Record<string, TcpRouterView> = {};
  const compiled: { route: TcpRoute; rule: CompiledTcpRule; using: string[]; priority: number }[] = [];
  for (const [name, config] of Object.entries(tcp.routers ?? {})) {
    const provider = providerOf(name);
    const errors = issuesOf('tcpRouter', name);
    const warnings: string[] = [];
    const requested = config.entryPoints?.length ? config.entryPoints : input.defaultEntryPoints;
    const using = requested.filter((ep) => {
      if (tables.has(ep)) return true;
      warnings.push(`entryPoint "${ep}" doesn't exist`);
      return false;
    });
    if (using.length === 0) errors.push('no valid entryPoint for this router');
    const serviceName = qualify(config.service, provider);
    const middlewareNames = (config.middlewares ?? []).map((m) => qualify(m, provider));
    services[serviceName]?.usedBy.push(name);
    for (const m of middlewareNames) middlewares[m]?.usedBy.push(name);
    const priority = config.priority || defaultPriority(config.rule);
    let route: { route: TcpRoute; rule: CompiledTcpRule } | undefined;
    try {
      const rule = compileTcpRule(config.rule, 'rule');
      if (issuesOf('tcpService', serviceName).length > 0) {
        throw new Error(`service "${serviceName}" is disabled (see its error)`);
      }
      const pick = builder.resolve(serviceName);
      const chain = middlewareNames.map((m) => {
        const gate = gates.get(m);
        if (gate) return gate;
        throw new Error(`middleware "${m}" ${middlewares[m] ? 'is disabled (see its error)' : 'does not exist'}`);
      });
      const serve = (client: Duplex, peer: string | undefined) => {
        const address = chain.every((gate) => gate(client, peer ?? '')) ? pick() : undefined;
        if (address) pipeTo(client, address, name);
        else client.destroy();
      };
      const tls = config.tls;
      const tlsOptions = tls?.options && !tls.passthrough ? qualify(tls.options, provider) : undefined;
      route = {
        route: { name, tls: tls !== undefined, passthrough: tls?.passthrough ?? false, tlsOptions, serve },
        rule,
      };
    } catch (error) {
      errors.push(describe(error));
    }
    const disabled = errors.length > 0 || !route;
    routers[name] = {
      ...config,
      ...objectFields(name, [...errors, ...warnings], disabled ? 'disabled' : warnings.length ? 'warning' : 'enabled'),
      service: serviceName,
      ...(config.middlewares ? { middlewares: middlewareNames } : {}),
      using,
      priority,
    };
    if (!disabled && route) compiled.push({ ...route, using, priority });
  }
  compiled.sort((a, b) => b.priority - a.priority || a.route.name.localeCompare(b.route.name));
  for (const { route, rule, using } of compiled) for (const ep of using) tables.get(ep)!.add(route, rule);

  addObjectsDroppedByProviders(objectIssues, { routers, services, middlewares });
  return { tables, view: { routers, services, middlewares } };
}

/** A TCP object a provider could not read is still listed, disabled, with the provider's error. */
function addObjectsDroppedByProviders(objectIssues: Map<string, string[]>, view: TcpView): void {
  for (const [key, errors] of objectIssues) {
    const [kind, name = ''] = key.split(/:(.*)/s);
    const fields = objectFields(name, errors);
    if (kind === 'tcpRouter' && !view.routers[name]) {
      view.routers[name] = { ...fields, rule: '', service: '', using: [], priority: 0 };
    } else if (kind === 'tcpService' && !view.services[name]) {
      view.services[name] = { ...fields, type: 'loadbalancer', usedBy: [] };
    } else if (kind === 'tcpMiddleware' && !view.middlewares[name]) {
      view.middlewares[name] = { ...fields, type: 'unknown', usedBy: [] };
    }
  }
}
