import type {
  MiddlewareView,
  RouterView,
  RuntimeView,
  ServiceView,
  TcpMiddlewareView,
  TcpRouterView,
  UdpRouterView,
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

/** One kind of object under `/api/<http|tcp|udp>/<kind>`: how to list, filter, sort and show it. */
interface ObjectKind<T extends { name: string }> {
  /** Singular, for "router not found: x". */
  noun: string;
  all(view: RuntimeView): Record<string, T>;
  represent(object: T): T;
  keep(object: T, criteria: ListCriteria): boolean;
  sortKeys: Record<string, (object: T) => string | number>;
}

/** What every router list sorts by; HTTP and TCP routers add their rule and priority. */
const routerSortKeys: Record<
  string,
  (r: Pick<UdpRouterView, 'name' | 'provider' | 'status' | 'service' | 'using'>) => string | number
> = {
  name: (r) => r.name,
  provider: (r) => r.provider,
  status: (r) => r.status,
  service: (r) => r.service,
  entryPoints: (r) => r.using.length,
};

const routers: ObjectKind<RouterView> = {
  noun: 'router',
  all: (view) => view.routers,
  represent: routerRepresentation,
  keep: (r, c) =>
    matchesStatus(c, r.status) &&
    matchesSearch(c, r.rule, r.name) &&
    matchesService(c, r.service) &&
    matchesMiddleware(c, r.middlewares),
  sortKeys: { ...routerSortKeys, priority: (r) => r.priority, rule: (r) => r.rule },
};

/** What the service lists read, so HTTP, TCP and UDP services share one spec. */
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

// UDP routers have no rule, middlewares or priority: as in Traefik, they are searched by name only
// and `middlewareName` does not filter them.
const udpRouters: ObjectKind<UdpRouterView> = {
  noun: 'router',
  all: (view) => view.udp?.routers ?? {},
  represent: (r) => r,
  keep: (r, c) => matchesStatus(c, r.status) && matchesSearch(c, r.name) && matchesService(c, r.service),
  sortKeys: routerSortKeys,
};

const udpServices = serviceKind((view) => view.udp?.services ?? {});

/** Each kind's functions only ever receive objects of that kind, so the union can be widened. */
function widened<T extends { name: string }>(kind: ObjectKind<T>): ObjectKind<{ name: string }> {
  return kind as unknown as ObjectKind<{ name: string }>;
}

type KindsOf = Partial<Record<'routers' | 'services' | 'middlewares', ObjectKind<{ name: string }>>>;

// UDP has no middlewares (nor has Traefik): `/api/udp/middlewares` is not found.
const PROTOCOLS: Record<'http' | 'tcp' | 'udp', KindsOf> = {
  http: { routers: widened(routers), services: widened(services), middlewares: widened(middlewares) },
  tcp: { routers: widened(tcpRouters), services: widened(tcpServices), middlewares: widened(tcpMiddlewares) },
  udp: { routers: widened(udpRouters), services: widened(udpServices) },
};

/** One kind of one protocol, as `objectPath` found it. */
type ObjectPath = ObjectKind<{ name: string }>;

/** `/api/<protocol>/<kind>`, when the protocol has that kind. */
export function objectPath(protocol: string, kind: string): ObjectPath | undefined {
  const kinds = Object.hasOwn(PROTOCOLS, protocol) ? PROTOCOLS[protocol as keyof typeof PROTOCOLS] : undefined;
  return kinds && Object.hasOwn(kinds, kind) ? kinds[kind as keyof KindsOf] : undefined;
}

/** The filtered, sorted list (before paging). */
export function listObjects(view: RuntimeView, spec: ObjectPath, query: URLSearchParams): { name: string }[] {
  const criteria = listCriteria(query);
  const kept = Object.values(spec.all(view)).filter((object) => spec.keep(object, criteria));
  return sortItems(kept, query, spec.sortKeys).map((object) => spec.represent(object));
}

/** One object by its qualified name, or the Traefik error message when there is none. */
export function findObject(
  view: RuntimeView,
  spec: ObjectPath,
  name: string,
): { found: unknown } | { notFound: string } {
  const object = Object.hasOwn(spec.all(view), name) ? spec.all(view)[name] : undefined;
  return object ? { found: spec.represent(object) } : { notFound: `${spec.noun} not found: ${name}` };
}
