import type { Duplex } from 'node:stream';
import type { TcpConfig } from '../config/dynamic/types.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import {
  addObjectsDroppedByProviders,
  issueLookup,
  objectFields,
  placeholderIn,
  type ObjectIssues,
} from '../runtime/object-issues.js';
import { existingEntryPoints, qualifiedReferences, routerFields, tryCompile } from '../runtime/router-build.js';
import { checkServiceNotReported, streamServiceViews } from '../runtime/stream-views.js';
import type { TcpMiddlewareView, TcpRouterView, TcpView } from '../runtime/view.js';
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
  objectIssues: ObjectIssues;
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
  const issuesOf = issueLookup(objectIssues);

  const middlewares: Record<string, TcpMiddlewareView> = {};
  const gates = new Map<string, TcpGate>();
  for (const [name, config] of Object.entries(tcp.middlewares ?? {})) {
    const errors = issuesOf('tcpMiddleware', name);
    const middleware = tryCompile(errors, () =>
      compileTcpMiddleware(name, config, input.counts, `tcp.middlewares.${name}`),
    );
    if (middleware && !errors.length) gates.set(name, middleware.gate);
    const type = middleware?.type ?? Object.keys(config)[0] ?? 'unknown';
    middlewares[name] = { ...config, ...objectFields(name, errors), type, usedBy: [] };
  }

  const builder = new TcpServiceBuilder(tcp.services ?? {});
  const services = streamServiceViews(tcp.services ?? {}, builder, (name) => issuesOf('tcpService', name));

  const tables = new Map(input.entryPoints.map((ep) => [ep, new TcpTable(input.httpEntryPoints?.has(ep) ?? true)]));
  const routers: Record<string, TcpRouterView> = {};
  const compiled: { route: TcpRoute; rule: CompiledTcpRule; using: string[]; priority: number }[] = [];
  for (const [name, config] of Object.entries(tcp.routers ?? {})) {
    const errors = issuesOf('tcpRouter', name);
    const { shown, using, warnings } = existingEntryPoints(config, input.defaultEntryPoints, tables, errors);
    const { serviceName, middlewareNames } = qualifiedReferences(name, config);
    services[serviceName]?.usedBy.push(name);
    for (const m of middlewareNames) middlewares[m]?.usedBy.push(name);
    const priority = config.priority || defaultPriority(config.rule);
    const route = tryCompile(errors, () => {
      const rule = compileTcpRule(config.rule, 'rule');
      checkServiceNotReported(issuesOf('tcpService', serviceName), serviceName);
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
      const tlsOptions = tls?.options && !tls.passthrough ? qualify(tls.options, providerOf(name)) : undefined;
      return {
        route: { name, tls: tls !== undefined, passthrough: tls?.passthrough ?? false, tlsOptions, serve },
        rule,
      };
    });
    routers[name] = {
      ...config,
      ...routerFields(name, errors, warnings),
      entryPoints: shown,
      using,
      priority,
    };
    if (route && !errors.length) compiled.push({ ...route, using, priority });
  }
  compiled.sort((a, b) => b.priority - a.priority || a.route.name.localeCompare(b.route.name));
  for (const { route, rule, using } of compiled) for (const ep of using) tables.get(ep)!.add(route, rule);

  addObjectsDroppedByProviders(objectIssues, {
    tcpRouter: placeholderIn(routers, (fields) => ({ ...fields, rule: '', service: '', using: [], priority: 0 })),
    tcpService: placeholderIn(services, (fields) => ({ ...fields, type: 'loadbalancer' as const, usedBy: [] })),
    tcpMiddleware: placeholderIn(middlewares, (fields) => ({ ...fields, type: 'unknown', usedBy: [] })),
  });
  return { tables, view: { routers, services, middlewares } };
}
