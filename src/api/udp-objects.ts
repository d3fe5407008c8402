import type { RuntimeView, UdpRouterView, UdpServiceView } from '../runtime/view.js';
import { listCriteria, matchesSearch, matchesService, matchesStatus, sortItems } from './list-query.js';

/** `/api/udp/routers` and `/api/udp/services`: filtered and sorted with the same query words as HTTP and TCP. */
const UDP_KINDS = {
  routers: {
    noun: 'router',
    all: (view: RuntimeView): Record<string, UdpRouterView> => view.udp?.routers ?? {},
    keep: (r: UdpRouterView, c: ReturnType<typeof listCriteria>) =>
      matchesStatus(c, r.status) && matchesSearch(c, r.name) && matchesService(c, r.service),
    sortKeys: {
      name: (r: UdpRouterView) => r.name,
      provider: (r: UdpRouterView) => r.provider,
      status: (r: UdpRouterView) => r.status,
      service: (r: UdpRouterView) => r.service,
      entryPoints: (r: UdpRouterView) => r.using.length,
    },
  },
  services: {
    noun: 'service',
    all: (view: RuntimeView): Record<string, UdpServiceView> => view.udp?.services ?? {},
    keep: (s: UdpServiceView, c: ReturnType<typeof listCriteria>) =>
      matchesStatus(c, s.status) && matchesSearch(c, s.name),
    sortKeys: {
      name: (s: UdpServiceView) => s.name,
      type: (s: UdpServiceView) => s.type,
      servers: (s: UdpServiceView) => s.loadBalancer?.servers.length ?? 0,
      provider: (s: UdpServiceView) => s.provider,
      status: (s: UdpServiceView) => s.status,
    },
  },
} as const;

type UdpKind = keyof typeof UDP_KINDS;
type UdpObject = UdpRouterView | UdpServiceView;

interface UdpKindSpec {
  noun: string;
  all(view: RuntimeView): Record<string, UdpObject>;
  keep(object: UdpObject, criteria: ReturnType<typeof listCriteria>): boolean;
  sortKeys: Record<string, (object: UdpObject) => string | number>;
}

/** `/api/udp/<kind>` as a typed kind, when it is one. */
export function udpKindOf(kind: string | undefined): UdpKind | undefined {
  return kind !== undefined && Object.hasOwn(UDP_KINDS, kind) ? (kind as UdpKind) : undefined;
}

function specOf(kind: UdpKind): UdpKindSpec {
  // Each spec only ever receives objects of its own kind.
  return UDP_KINDS[kind] as unknown as UdpKindSpec;
}

/** The filtered, sorted list (before paging). */
export function listUdpObjects(view: RuntimeView, kind: UdpKind, query: URLSearchParams): UdpObject[] {
  const spec = specOf(kind);
  const criteria = listCriteria(query);
  const kept = Object.values(spec.all(view)).filter((object) => spec.keep(object, criteria));
  return sortItems(kept, query, spec.sortKeys);
}

/** One object by its qualified name, or Traefik's error message when there is none. */
export function findUdpObject(
  view: RuntimeView,
  kind: UdpKind,
  name: string,
): { found: UdpObject } | { notFound: string } {
  const spec = specOf(kind);
  const objects = spec.all(view);
  return Object.hasOwn(objects, name) ? { found: objects[name]! } : { notFound: `${spec.noun} not found: ${name}` };
}
