import type {
  MiddlewareView,
  RouterView,
  RuntimeView,
  ServiceView,
  TcpMiddlewareView,
  TcpRouterView,
} from '../runtime/view.js';
import {
  listCriteria,
  matchesMiddleware,
  matchesSearch,
  matchesService,
  matchesStatus,
  sortItems,
  type ListCriteria,
} from './list-query.js';
import { middlewareRepresentation, routerRepresentation, tcpRouterRepresentation } from './representations.js';

/** One kind of object under `/api/<http|tcp>/<kind>`: how to list, filter, sort and show it. */
interface ObjectKind<T extends { name: string }> {
  /** Singular, for "router not found: x". */
  noun: string;
  all(view: RuntimeView): Record<string, T>;
  represent(object: T): T;
  keep(object: T, criteria: ListCriteria): boolean;
  sortKeys: Record<string, (object: T) => string | number>;
}

const routers: ObjectKind<RouterView> = {
  noun: 'router',
  all: (view) => view.routers,
  represent: routerRepresentation,
  keep: (r, c) =>
    matchesStatus(c, r.status) &&
    matchesSearch(c, r.rule, r.name) &&
    matchesService(c, r.service) &&
    matchesMiddleware(c, r.middlewares),
  sortKeys: {
    name: (r) => r.name,
    provider: (r) => r.provider,
    priority: (r) => r.priority,
    status: (r) => r.status,
    rule: (r) => r.rule,
    service: (r) => r.service,
    entryPoints: (r) => r.using.length,
  },
};

/** What the service lists read, so HTTP and TCP services share one spec. */
type ServiceLike = Pick<ServiceView, 'name' | 'provider' | 'status'> & {
  type: string;
  loadBalancer?: { servers: unknown[] };
};

function serviceKind<T extends ServiceLike>(all: (view: RuntimeView) => Record<string, T>): ObjectKind<T> {
  return {
    noun: 'service',
    all,
    represent: (s) => s,
    keep: (s, c) => matchesStatus(c, s.status) && matchesSearch(c, s.name),
    sortKeys: {
      name: (s) => s.name,
      type: (s) => s.type,
      servers: (s) => s.loadBalancer?.servers.length ?? 0,
      provider: (s) => s.provider,
      status: (s) => s.status,
    },
  };
}

const services = serviceKind((view) => view.services);

const middlewares: ObjectKind<MiddlewareView> = {
  noun: 'middleware',
  all: (view) => view.middlewares,
  represent: middlewareRepresentation,
  keep: (m, c) => matchesStatus(c, m.status) && matchesSearch(c, m.name),
  sortKeys: {
    name: (m) => m.name,
    type: (m) => m.type.toLowerCase(),
    provider: (m) => m.provider,
    status: (m) => m.status,
  },
};

const EMPTY_TCP = { routers: {}, services: {}, middlewares: {} };

// TCP routers filter and sort as HTTP ones; only where they are read and how they are shown differ.
const tcpRouters: ObjectKind<TcpRouterView> = {
  ...routers,
  all: (view) => (view.tcp ?? EMPTY_TCP).routers,
  represent: tcpRouterRepresentation,
  sortKeys: { ...routers.sortKeys, tls: (r) => (r.tls ? 1 : 0) },
};

const tcpServices = serviceKind((view) => (view.tcp ?? EMPTY_TCP).services);

const tcpMiddlewares: ObjectKind<TcpMiddlewareView> = {
  ...middlewares,
  all: (view) => (view.tcp ?? EMPTY_TCP).middlewares,
};

const PROTOCOLS = {
  http: { routers, services, middlewares },
  tcp: { routers: tcpRouters, services: tcpServices, middlewares: tcpMiddlewares },
} as const;

export type ObjectProtocol = keyof typeof PROTOCOLS;
export type ObjectKindName = keyof (typeof PROTOCOLS)['http'];

/** Each kind's functions only ever receive objects of that kind, so the union can be widened. */
function specOf(protocol: ObjectProtocol, kind: ObjectKindName): ObjectKind<{ name: string }> {
  return PROTOCOLS[protocol][kind] as unknown as ObjectKind<{ name: string }>;
}

/** `/api/<protocol>/<kind>` as typed names, when both exist. */
export function objectPath(protocol: string, kind: string): [ObjectProtocol, ObjectKindName] | undefined {
  if (!Object.hasOwn(PROTOCOLS, protocol) || !Object.hasOwn(PROTOCOLS.http, kind)) return undefined;
  return [protocol as ObjectProtocol, kind as ObjectKindName];
}

/** The filtered, sorted list (before paging). */
export function listObjects(
  view: RuntimeView,
  protocol: ObjectProtocol,
  kind: ObjectKindName,
  query: URLSearchParams,
): { name: string }[] {
  const spec = specOf(protocol, kind);
  const criteria = listCriteria(query);
  const kept = Object.values(spec.all(view)).filter((object) => spec.keep(object, criteria));
  return sortItems(kept, query, spec.sortKeys).map((object) => spec.represent(object));
}

/** One object by its qualified name, or the Traefik error message when there is none. */
export function findObject(
  view: RuntimeView,
  protocol: ObjectProtocol,
  kind: ObjectKindName,
  name: string,
): { found: unknown } | { notFound: string } {
  const spec = specOf(protocol, kind);
  const object = Object.hasOwn(spec.all(view), name) ? spec.all(view)[name] : undefined;
  return object ? { found: spec.represent(object) } : { notFound: `${spec.noun} not found: ${name}` };
}
