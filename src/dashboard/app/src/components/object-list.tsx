import { useState } from 'preact/hooks';
import type { LiveStatsSnapshot, MiddlewareView, RouterView, Runtime, ServiceView } from '../api.js';
import { href } from '../route.js';
import { formatRate, ratePerSecond } from './sparkline.js';
import { StatusBadge } from './status.js';

export type Kind = 'routers' | 'services' | 'middlewares';

const STATUS_ORDER = { disabled: 0, warning: 1, enabled: 2 } as const;

/** Broken objects first, then by name: what needs attention is at the top. */
function errorsFirst<T extends { status: keyof typeof STATUS_ORDER; name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name));
}

export function matches(search: string, ...values: (string | undefined)[]): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || values.some((v) => v?.toLowerCase().includes(needle));
}

/** The two cells every list starts with: the object's status and its name, linking to its page. */
function StatusAndName({ kind, object }: { kind: Kind; object: { name: string; status: keyof typeof STATUS_ORDER } }) {
  return (
    <>
      <td data-label="Status">
        <StatusBadge status={object.status} />
      </td>
      <td data-label="Name">
        <a href={href(kind, object.name)}>{object.name}</a>
      </td>
    </>
  );
}

function RouterRows({ items }: { items: RouterView[] }) {
  return (
    <table class="objects">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          <th>Rule</th>
          <th>Entry points</th>
          <th>Service</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr data-testid="row" data-name={r.name}>
            <StatusAndName kind="routers" object={r} />
            <td data-label="Rule">
              <code class="rule">{r.rule}</code>
            </td>
            <td data-label="Entry points">{r.using.join(', ') || '—'}</td>
            <td data-label="Service">
              <a href={href('services', r.service)}>{r.service}</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ServiceRows({ items, stats }: { items: ServiceView[]; stats?: LiveStatsSnapshot }) {
  return (
    <table class="objects">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          <th>Type</th>
          <th>Servers</th>
          <th>Req/s</th>
        </tr>
      </thead>
      <tbody>
        {items.map((s) => {
          const states = Object.values(s.serverStatus ?? {});
          const down = states.filter((state) => state === 'DOWN').length;
          const servers = s.loadBalancer?.servers.length ?? 0;
          return (
            <tr data-testid="row" data-name={s.name}>
              <StatusAndName kind="services" object={s} />
              <td data-label="Type">{s.type}</td>
              <td data-label="Servers">{s.loadBalancer ? `${servers - down}/${servers} up` : '—'}</td>
              <td data-label="Req/s">{formatRate(ratePerSecond(stats?.services[s.name]))}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function MiddlewareRows({ items }: { items: MiddlewareView[] }) {
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
            <StatusAndName kind="middlewares" object={m} />
            <td data-label="Type">{m.type}</td>
            <td data-label="Used by">{m.usedBy.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const TITLES: Record<Kind, string> = { routers: 'Routers', services: 'Services', middlewares: 'Middlewares' };

export function ObjectList(props: { kind: Kind; runtime: Runtime; stats?: LiveStatsSnapshot; initialStatus?: string }) {
  const { kind, runtime, stats } = props;
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState(props.initialStatus ?? '');
  const keep = (o: { status: string; name: string }, ...more: (string | undefined)[]) =>
    (status === '' || o.status === status) && matches(search, o.name, ...more);
  const routers = errorsFirst(runtime.routers.filter((r) => keep(r, r.rule, r.service)));
  const services = errorsFirst(runtime.services.filter((s) => keep(s, s.type)));
  const middlewares = errorsFirst(runtime.middlewares.filter((m) => keep(m, m.type)));
  const count = { routers: routers.length, services: services.length, middlewares: middlewares.length }[kind];
  return (
    <div class="page">
      <div class="page-head">
        <h1>{TITLES[kind]}</h1>
        <div class="filters">
          <input
            type="search"
            placeholder={`Filter ${TITLES[kind].toLowerCase()}…`}
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
        <RouterRows items={routers} />
      ) : kind === 'services' ? (
        <ServiceRows items={services} stats={stats} />
      ) : (
        <MiddlewareRows items={middlewares} />
      )}
    </div>
  );
}
