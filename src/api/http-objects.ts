import type { MiddlewareView, RouterView, RuntimeView, ServiceView } from '../runtime/view.js';
import {
  listCriteria,
  matchesMiddleware,
  matchesSearch,
  matchesService,
  matchesStatus,
  sortItems,
  type ListCriteria,
} from './list-query.js';
import { middlewareRepresentation, routerRepresentation } from './representations.js';

/** One kind of HTTP object under `/api/http/<kind>`: how to list, filter, sort and show it. */
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

const services: ObjectKind<ServiceView> = {
  noun: 'service',
  all: (view) => view.services,
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

const KINDS = { routers, services, middlewares } as const;

export type HttpObjectKind = keyof typeof KINDS;

/** Each kind's functions only ever receive objects of that kind, so the union can be widened. */
function specOf(kind: HttpObjectKind): ObjectKind<{ name: string }> {
  return KINDS[kind] as unknown as ObjectKind<{ name: string }>;
}

export function isHttpObjectKind(kind: string): kind is HttpObjectKind {
  return Object.hasOwn(KINDS, kind);
}

/** The filtered, sorted list (before paging). */
export function listObjects(view: RuntimeView, kind: HttpObjectKind, query: URLSearchParams): { name: string }[] {
  const spec = specOf(kind);
  const criteria = listCriteria(query);
  const kept = Object.values(spec.all(view)).filter((object) => spec.keep(object, criteria));
  return sortItems(kept, query, spec.sortKeys).map((object) => spec.represent(object));
}

/** One object by its qualified name, or the Traefik error message when there is none. */
export function findObject(
  view: RuntimeView,
  kind: HttpObjectKind,
  name: string,
): { found: unknown } | { notFound: string } {
  const spec = specOf(kind);
  const object = Object.hasOwn(spec.all(view), name) ? spec.all(view)[name] : undefined;
  return object ? { found: spec.represent(object) } : { notFound: `${spec.noun} not found: ${name}` };
}
