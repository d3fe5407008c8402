import { traitsOf } from './protocols.js';
import type { LiveStatsSnapshot } from '../../../observability/live-stats.js';
import type {
  EntryPointView,
  MiddlewareView,
  ProviderView,
  RouterView,
  RuntimeEvent,
  ServiceView,
  TcpMiddlewareView,
  TcpRouterView,
  TcpServiceView,
  UdpRouterView,
  UdpServiceView,
} from '../../../runtime/view.js';

export type { LiveStatsSnapshot, MiddlewareView, ProviderView, RouterView, RuntimeEvent, ServiceView };
export type { TcpMiddlewareView, TcpRouterView, TcpServiceView, UdpRouterView, UdpServiceView };
export type { SeriesSnapshot } from '../../../observability/live-stats.js';

export interface Section {
  total: number;
  warnings: number;
  errors: number;
}

export type Protocol = 'http' | 'tcp' | 'udp';
export type Kind = 'routers' | 'services' | 'middlewares';

export type Sections = Record<Kind, Section>;

export interface Overview {
  http: Sections;
  tcp: Sections;
  /** UDP has no middlewares. */
  udp: Pick<Sections, 'routers' | 'services'>;
  features: { metrics: string; accessLog: boolean; tracing: string };
  providers: string[];
}

export interface Version {
  Version: string;
  Codename: string;
  startDate: string;
}

/** Everything the dashboard shows, loaded together so every page agrees with every other. */
export interface Runtime {
  overview: Overview;
  version: Version;
  entryPoints: (EntryPointView & Record<string, unknown>)[];
  routers: (RouterView & { priorityStr?: string })[];
  services: ServiceView[];
  middlewares: MiddlewareView[];
  providers: ProviderView[];
  tcp: { routers: TcpRouterView[]; services: TcpServiceView[]; middlewares: TcpMiddlewareView[] };
  udp: { routers: UdpRouterView[]; services: UdpServiceView[] };
}

/** Routers chosen by a rule, with a priority and maybe TLS: HTTP and TCP ones. */
export type RuledRouterView = (RouterView & { priorityStr?: string }) | TcpRouterView;
export type AnyRouterView = RuledRouterView | UdpRouterView;
export type AnyServiceView = ServiceView | TcpServiceView | UdpServiceView;
export type AnyMiddlewareView = MiddlewareView | TcpMiddlewareView;

/** One protocol's routers, services and middlewares: what the list, detail and search pages read. */
export interface ObjectSet {
  routers: AnyRouterView[];
  services: AnyServiceView[];
  middlewares: AnyMiddlewareView[];
}

export function objectsOf(runtime: Runtime, protocol: Protocol): ObjectSet {
  return traitsOf(protocol).objects(runtime);
}

/** Rules, priorities and TLS exist for HTTP and TCP routers; a datagram carries nothing a rule could match. */
export function ruledRouter(router: AnyRouterView, protocol: Protocol): RuledRouterView | undefined {
  return traitsOf(protocol).rules ? (router as RuledRouterView) : undefined;
}

/** Health, live traffic and health checks exist for services that carry requests; the page's protocol says which it is. */
export function httpService(service: AnyServiceView, protocol: Protocol): ServiceView | undefined {
  return traitsOf(protocol).requests ? (service as ServiceView) : undefined;
}

/** The API is served from the same origin, one level up from `/dashboard/`. */
const BASE = new URL('../api/', document.baseURI);

async function getJson<T>(path: string): Promise<{ body: T; nextPage: number }> {
  const response = await fetch(new URL(path, BASE), { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return { body: (await response.json()) as T, nextPage: Number(response.headers.get('x-next-page') ?? 1) };
}

/** Follows `X-Next-Page` until the last page (where Traefik's API answers 1). */
async function getAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ;) {
    const { body, nextPage } = await getJson<T[]>(`${path}?per_page=500&page=${page}`);
    items.push(...body);
    if (nextPage <= page) return items;
    page = nextPage;
  }
}

export async function loadRuntime(): Promise<Runtime> {
  const [overview, version, entryPoints, routers, services, middlewares, providers, tcp, udp] = await Promise.all([
    getJson<Overview>('overview').then((r) => r.body),
    getJson<Version>('version').then((r) => r.body),
    getAll<Runtime['entryPoints'][number]>('entrypoints'),
    getAll<Runtime['routers'][number]>('http/routers'),
    getAll<ServiceView>('http/services'),
    getAll<MiddlewareView>('http/middlewares'),
    getJson<ProviderView[]>('providers').then((r) => r.body),
    loadTcp(),
    loadUdp(),
  ]);
  return { overview, version, entryPoints, routers, services, middlewares, providers, tcp, udp };
}

async function loadTcp(): Promise<Runtime['tcp']> {
  const [routers, services, middlewares] = await Promise.all([
    getAll<TcpRouterView>('tcp/routers'),
    getAll<TcpServiceView>('tcp/services'),
    getAll<TcpMiddlewareView>('tcp/middlewares'),
  ]);
  return { routers, services, middlewares };
}

async function loadUdp(): Promise<Runtime['udp']> {
  const [routers, services] = await Promise.all([
    getAll<UdpRouterView>('udp/routers'),
    getAll<UdpServiceView>('udp/services'),
  ]);
  return { routers, services };
}

export async function loadStats(): Promise<LiveStatsSnapshot> {
  return (await getJson<LiveStatsSnapshot>('stats')).body;
}

export function eventsUrl(): string {
  return new URL('events', BASE).toString();
}
