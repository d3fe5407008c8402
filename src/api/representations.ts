import type { EntryPointConfig } from '../config/static/types.js';
import { parseDuration } from '../config/duration.js';
import type { MiddlewareView, RouterView, RuntimeView, TcpRouterView } from '../runtime/view.js';
import { ENTRY_POINT_DEFAULTS } from '../config/static/entry-point-defaults.js';
import { mergeTrees } from '../config/schema/merge.js';

/**
 * Runtime objects as Traefik's API prints them: the view plus Traefik's conventions (TLS options
 * default to `default`, types in lower case). `rawdata` keys objects by name instead of carrying
 * `name`/`provider`/`type` on each.
 */
export function routerRepresentation(router: RouterView): RouterView & { priorityStr: string } {
  // Traefik adds the priority as a string too: JSON readers lose precision past 2^53.
  const tls = router.tls && !router.tls.options ? { ...router.tls, options: 'default' } : router.tls;
  return { ...router, tls, priorityStr: String(router.priority) };
}

/** Traefik always prints `passthrough` in a TCP router's `tls`. */
export function tcpRouterRepresentation(router: TcpRouterView): TcpRouterView {
  return router.tls ? { ...router, tls: { passthrough: false, ...router.tls } } : router;
}

export function middlewareRepresentation(middleware: MiddlewareView): MiddlewareView {
  return { ...middleware, type: middleware.type.toLowerCase() };
}

function withoutIdentity<T extends { name: string; provider: string }>(
  object: T,
  drop: readonly string[] = [],
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  for (const key of ['name', 'provider', ...drop]) delete copy[key];
  return copy;
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

export function rawData(view: RuntimeView): Record<string, unknown> {
  return {
    routers: mapValues(view.routers, (r) => withoutIdentity(routerRepresentation(r))),
    middlewares: mapValues(view.middlewares, (m) => withoutIdentity(m, ['type'])),
    services: mapValues(view.services, (s) => withoutIdentity(s, ['type'])),
    // Traefik leaves out empty TCP sections (`omitempty`).
    ...nonEmpty(
      'tcpRouters',
      mapValues(view.tcp?.routers ?? {}, (r) => withoutIdentity(tcpRouterRepresentation(r))),
    ),
    ...nonEmpty(
      'tcpMiddlewares',
      mapValues(view.tcp?.middlewares ?? {}, (m) => withoutIdentity(m, ['type'])),
    ),
    ...nonEmpty(
      'tcpServices',
      mapValues(view.tcp?.services ?? {}, (s) => withoutIdentity(s, ['type'])),
    ),
    ...nonEmpty(
      'udpRouters',
      mapValues(view.udp?.routers ?? {}, (r) => withoutIdentity(r)),
    ),
    ...nonEmpty(
      'udpServices',
      mapValues(view.udp?.services ?? {}, (s) => withoutIdentity(s, ['type'])),
    ),
  };
}

function nonEmpty(key: string, objects: Record<string, unknown>): Record<string, unknown> {
  return Object.keys(objects).length > 0 ? { [key]: objects } : {};
}

/** The duration settings of an entry point, which Go's JSON prints as nanoseconds. */
const DURATION_PATHS = [
  ['transport', 'lifeCycle', 'graceTimeOut'],
  ['transport', 'lifeCycle', 'requestAcceptGraceTimeout'],
  ['transport', 'respondingTimeouts', 'readTimeout'],
  ['transport', 'respondingTimeouts', 'writeTimeout'],
  ['transport', 'respondingTimeouts', 'idleTimeout'],
  ['udp', 'timeout'],
] as const;

/**
 * An entry point's settings as Traefik's API shows them: the written ones laid over the defaults,
 * each duration in nanoseconds (a zero one left out, as Go's `omitempty` does).
 */
export function entryPointSettings(name: string, written: EntryPointConfig | undefined): Record<string, unknown> {
  // A copy: the durations below are rewritten in place, and the merge shares the objects it was given.
  const shown = structuredClone(mergeTrees(ENTRY_POINT_DEFAULTS, written ?? {})) as Record<string, unknown>;
  for (const path of DURATION_PATHS) {
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), shown);
    const key = path[path.length - 1]!;
    if (!isRecord(parent) || parent[key] === undefined) continue;
    const nanoseconds = Math.round(
      parseDuration(parent[key] as string | number, `entryPoints.${name}.${path.join('.')}`) * 1e6,
    );
    if (nanoseconds === 0) delete parent[key];
    else parent[key] = nanoseconds;
  }
  return shown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
