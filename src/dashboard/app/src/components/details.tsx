import type { ComponentChildren } from 'preact';
import type { LiveStatsSnapshot, MiddlewareView, RouterView, Runtime, ServiceView } from '../api.js';
import { href } from '../route.js';
import { fixFor } from './problems.js';
import { formatRate, ratePerSecond, Sparkline } from './sparkline.js';
import { ServerStateBadge, StatusBadge } from './status.js';

function Field({ label, children, testid }: { label: string; children: ComponentChildren; testid?: string }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd data-testid={testid}>{children}</dd>
    </div>
  );
}

function Errors({ errors }: { errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <ul class="errors" data-testid="errors">
      {errors.map((e) => (
        <li>
          <div>{e}</div>
          {fixFor(e) && <div class="problem-fix">Fix: {fixFor(e)}</div>}
        </li>
      ))}
    </ul>
  );
}

function Header({ kind, name, status }: { kind: string; name: string; status: RouterView['status'] }) {
  return (
    <div class="page-head">
      <div>
        <div class="muted kind">{kind}</div>
        <h1 class="object-name" data-testid="object-name">
          {name}
        </h1>
      </div>
      <StatusBadge status={status} />
    </div>
  );
}

function Links({ page, names }: { page: string; names: string[] }) {
  if (names.length === 0) return <span class="muted">none</span>;
  return (
    <span class="links">
      {names.map((n) => (
        <a href={href(page, n)}>{n}</a>
      ))}
    </span>
  );
}

export function NotFound({ kind, name }: { kind: string; name: string }) {
  return (
    <div class="page">
      <h1>Not found</h1>
      <p>
        There is no {kind} named <code>{name}</code> in the current configuration. It may have been removed by the last
        reload.
      </p>
    </div>
  );
}

export function RouterDetail({ router, runtime }: { router: RouterView & { priorityStr?: string }; runtime: Runtime }) {
  const known = new Set(runtime.middlewares.map((m) => m.name));
  return (
    <div class="page detail">
      <Header kind="Router" name={router.name} status={router.status} />
      <Errors errors={router.error} />
      <dl class="fields panel">
        <Field label="Rule" testid="router-rule">
          <code class="rule">{router.rule || '—'}</code>
        </Field>
        <Field label="Entry points" testid="router-entrypoints">
          {router.using.length ? router.using.join(', ') : <span class="muted">none</span>}
        </Field>
        <Field label="Priority">{router.priorityStr ?? router.priority}</Field>
        {router.tls && <Field label="TLS">{JSON.stringify(router.tls)}</Field>}
        <Field label="Provider">{router.provider}</Field>
      </dl>
      <section class="panel">
        <h2>Request flow</h2>
        <ol class="chain" data-testid="router-chain">
          <li class="chain-step">
            <span class="muted">entry</span> {router.using.join(', ') || '—'}
          </li>
          {(router.middlewares ?? []).map((m) => (
            <li class={`chain-step ${known.has(m) ? '' : 'chain-missing'}`}>
              <span class="muted">middleware</span> <a href={href('middlewares', m)}>{m}</a>
            </li>
          ))}
          <li class="chain-step">
            <span class="muted">service</span>{' '}
            <a href={href('services', router.service)} data-testid="router-service">
              {router.service}
            </a>
          </li>
        </ol>
      </section>
    </div>
  );
}

function ServerTable({ service, stats }: { service: ServiceView; stats?: LiveStatsSnapshot }) {
  const servers = service.loadBalancer?.servers ?? [];
  const live = stats?.services[service.name];
  return (
    <section class="panel">
      <h2>Servers</h2>
      <table class="objects servers">
        <thead>
          <tr>
            <th>State</th>
            <th>URL</th>
            <th>Weight</th>
            <th>Req/s</th>
            <th>Last minute</th>
          </tr>
        </thead>
        <tbody>
          {servers.map((server) => (
            <tr data-testid="server" data-url={server.url}>
              <td data-label="State">
                <ServerStateBadge state={service.serverStatus?.[server.url]} url={server.url} />
              </td>
              <td data-label="URL">
                <code>{server.url}</code>
              </td>
              <td data-label="Weight">{server.weight ?? 1}</td>
              <td data-label="Req/s">{formatRate(ratePerSecond(live?.servers[server.url]))}</td>
              <td data-label="Last minute">
                <Sparkline series={live?.servers[server.url]} label={server.url} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ChildServices({ service }: { service: ServiceView }) {
  const rows: [string, string][] = [];
  for (const child of service.weighted?.services ?? []) rows.push([child.name, `weight ${child.weight ?? 1}`]);
  if (service.mirroring) {
    rows.push([service.mirroring.service, 'main']);
    for (const m of service.mirroring.mirrors ?? []) rows.push([m.name, `mirror ${m.percent ?? 0}%`]);
  }
  if (service.failover) {
    rows.push([service.failover.service, 'primary']);
    rows.push([service.failover.fallback, 'fallback']);
  }
  if (rows.length === 0) return null;
  return (
    <section class="panel">
      <h2>Services</h2>
      <ul class="children">
        {rows.map(([name, role]) => (
          <li>
            <a href={href('services', name)}>{name}</a> <span class="muted">{role}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ServiceDetail({ service, stats }: { service: ServiceView; stats?: LiveStatsSnapshot }) {
  const live = stats?.services[service.name];
  return (
    <div class="page detail">
      <Header kind="Service" name={service.name} status={service.status} />
      <Errors errors={service.error} />
      <dl class="fields panel">
        <Field label="Type">{service.type}</Field>
        <Field label="Provider">{service.provider}</Field>
        <Field label="Used by">
          <Links page="routers" names={service.usedBy} />
        </Field>
        {service.loadBalancer?.healthCheck && (
          <Field label="Health check">
            <code>{JSON.stringify(service.loadBalancer.healthCheck)}</code>
          </Field>
        )}
        <Field label="Traffic">
          {formatRate(ratePerSecond(live))} req/s <Sparkline series={live} label={service.name} />
        </Field>
      </dl>
      {service.loadBalancer && <ServerTable service={service} stats={stats} />}
      <ChildServices service={service} />
    </div>
  );
}

export function MiddlewareDetail({ middleware }: { middleware: MiddlewareView }) {
  const { name, provider, status, error, type, usedBy, ...rest } = middleware;
  const settings = Object.entries(rest).filter(([, value]) => typeof value === 'object' && value !== null);
  return (
    <div class="page detail">
      <Header kind="Middleware" name={name} status={status} />
      <Errors errors={error} />
      <dl class="fields panel">
        <Field label="Type">{type}</Field>
        <Field label="Provider">{provider}</Field>
        <Field label="Used by">
          <Links page="routers" names={usedBy} />
        </Field>
      </dl>
      <section class="panel">
        <h2>Settings</h2>
        {settings.length ? (
          settings.map(([key, value]) => (
            <pre class="settings" data-testid="middleware-settings">
              {JSON.stringify({ [key]: value }, null, 2)}
            </pre>
          ))
        ) : (
          <p class="muted">No settings.</p>
        )}
      </section>
    </div>
  );
}
