import { useState } from 'preact/hooks';
import {
  httpService,
  objectsOf,
  ruledRouter,
  type AnyMiddlewareView,
  type AnyRouterView,
  type AnyServiceView,
  type Kind,
  type LiveStatsSnapshot,
  type Protocol,
  type Runtime,
} from '../api.js';
import { kindTitle, plainTitle, protocolName } from '../labels.js';
import { qualified } from '../names.js';
import { kindsOf, traitsOf } from '../protocols.js';
import { href, kindPage } from '../route.js';
import { formatRate, ratePerSecond } from './sparkline.js';
import { StatusBadge } from './status.js';
import { tlsSummary } from './tls.js';

const STATUS_ORDER = { disabled: 0, warning: 1, enabled: 2 } as const;

/** Broken objects first, then by name: what needs attention is at the top. */
function errorsFirst<T extends { status: keyof typeof STATUS_ORDER; name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name));
}

export function matches(search: string, ...values: (string | undefined)[]): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || values.some((v) => v?.toLowerCase().includes(needle));
}

/**
 * The two cells every list starts with: the object's status and its name, linking to its page,
 * with its first error under it so a broken object says why without a click.
 */
function StatusAndName({
  page,
  object,
}: {
  page: string;
  object: { name: string; status: keyof typeof STATUS_ORDER; error?: string[] };
}) {
  const [error] = object.error ?? [];
  return (
    <>
      <td data-label="Status">
        <StatusBadge status={object.status} />
      </td>
      <td data-label="Name">
        <a href={href(page, object.name)}>{object.name}</a>
        {error && (
          <div class="row-error" data-testid="row-error">
            {error}
          </div>
        )}
      </td>
    </>
  );
}

function ServiceLink({ protocol, service }: { protocol: Protocol; service: string }) {
  return <a href={href(kindPage(protocol, 'services'), service)}>{service}</a>;
}

// UDP routers have no rule and no TLS: their columns are left out rather than shown empty.
function RouterRows({ items, protocol }: { items: AnyRouterView[]; protocol: Protocol }) {
  const ruled = traitsOf(protocol).rules;
  return (
    <table class="objects">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          {ruled && <th>Rule</th>}
          <th>Entry points</th>
          {ruled && <th>TLS</th>}
          <th>Service</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr data-testid="row" data-name={r.name}>
            <StatusAndName page={kindPage(protocol, 'routers')} object={r} />
            {ruled && (
              <td data-label="Rule">
                <code class="rule">{ruledRouter(r, protocol)?.rule || '—'}</code>
              </td>
            )}
            <td data-label="Entry points">{r.using.join(', ') || '—'}</td>
            {ruled && <td data-label="TLS">{tlsSummary(ruledRouter(r, protocol)?.tls)}</td>}
            <td data-label="Service">
              {r.service ? <ServiceLink protocol={protocol} service={qualified(r.service, r.provider)} /> : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "2/3 up" where health is known (HTTP), else the number of servers. */
function serverCount(service: AnyServiceView, protocol: Protocol): string {
  if (!service.loadBalancer) return '—';
  const servers = service.loadBalancer.servers.length;
  const http = httpService(service, protocol);
  if (!http) return `${servers}`;
  const down = Object.values(http.serverStatus ?? {}).filter((state) => state === 'DOWN').length;
  return `${servers - down}/${servers} up`;
}

// Live request counters exist for HTTP services only: a TCP connection or UDP session carries no requests.
function ServiceRows({
  items,
  stats,
  protocol,
}: {
  items: AnyServiceView[];
  stats?: LiveStatsSnapshot;
  protocol: Protocol;
}) {
  const rates = traitsOf(protocol).requests;
  return (
    <table class="objects">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          <th>Type</th>
          <th>Servers</th>
          {rates && <th>Req/s</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((s) => (
          <tr data-testid="row" data-name={s.name}>
            <StatusAndName page={kindPage(protocol, 'services')} object={s} />
            <td data-label="Type">{s.type}</td>
            <td data-label="Servers">{serverCount(s, protocol)}</td>
            {rates && <td data-label="Req/s">{formatRate(ratePerSecond(stats?.services[s.name]))}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MiddlewareRows({ items, protocol }: { items: AnyMiddlewareView[]; protocol: Protocol }) {
  return (
    <table class="objects">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          <th>Type</th>
          <th>Used by</th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr data-testid="row" data-name={m.name}>
            <StatusAndName page={kindPage(protocol, 'middlewares')} object={m} />
            <td data-label="Type">{m.type}</td>
            <td data-label="Used by">{m.usedBy.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** TCP and UDP have no nav entry per kind: their list pages switch between kinds with these tabs. */
function KindTabs({ protocol, current }: { protocol: Protocol; current: Kind }) {
  return (
    <nav class="tabs" aria-label={`${protocolName(protocol)} objects`}>
      {kindsOf(protocol).map((kind) => (
        <a href={href(kindPage(protocol, kind))} class={kind === current ? 'active' : ''} data-testid={`tab-${kind}`}>
          {plainTitle(kind)}
        </a>
      ))}
    </nav>
  );
}

export function ObjectList(props: {
  kind: Kind;
  protocol: Protocol;
  runtime: Runtime;
  stats?: LiveStatsSnapshot;
  initialStatus?: string;
}) {
  const { kind, protocol, stats } = props;
  const objects = objectsOf(props.runtime, protocol);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState(props.initialStatus ?? '');
  const keep = (o: { status: string; name: string }, ...more: (string | undefined)[]) =>
    (status === '' || o.status === status) && matches(search, o.name, ...more);
  const routers = errorsFirst(
    objects.routers.filter((r) => keep(r, ruledRouter(r, protocol)?.rule, qualified(r.service, r.provider))),
  );
  const services = errorsFirst(objects.services.filter((s) => keep(s, s.type)));
  const middlewares = errorsFirst(objects.middlewares.filter((m) => keep(m, m.type)));
  const count = { routers: routers.length, services: services.length, middlewares: middlewares.length }[kind];
  const title = kindTitle(protocol, kind);
  return (
    <div class="page">
      {traitsOf(protocol).marked && <KindTabs protocol={protocol} current={kind} />}
      <div class="page-head">
        <h1>{title}</h1>
        <div class="filters">
          <input
            type="search"
            placeholder={`Filter ${traitsOf(protocol).marked ? title : title.toLowerCase()}…`}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            aria-label="Filter"
          />
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} aria-label="Status">
            <option value="">All statuses</option>
            <option value="enabled">OK</option>
            <option value="warning">Warnings</option>
            <option value="disabled">Errors</option>
          </select>
        </div>
      </div>
      {count === 0 ? (
        <p class="empty">Nothing matches.</p>
      ) : kind === 'routers' ? (
        <RouterRows items={routers} protocol={protocol} />
      ) : kind === 'services' ? (
        <ServiceRows items={services} stats={stats} protocol={protocol} />
      ) : (
        <MiddlewareRows items={middlewares} protocol={protocol} />
      )}
    </div>
  );
}
