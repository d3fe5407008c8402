import type { ComponentChildren } from 'preact';
import {
  httpService,
  objectsOf,
  ruledRouter,
  type AnyMiddlewareView,
  type AnyRouterView,
  type AnyServiceView,
  type LiveStatsSnapshot,
  type Protocol,
  type RouterView,
  type Runtime,
} from '../api.js';
import { objectNoun } from '../labels.js';
import { qualified } from '../names.js';
import { traitsOf } from '../protocols.js';
import { href, kindPage } from '../route.js';
import { fixFor } from '../problems.js';
import { formatRate, ratePerSecond, Sparkline } from './sparkline.js';
import { ServerStateBadge, StatusBadge } from './status.js';
import { TlsSettings } from './tls.js';

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

export function RouterDetail(props: { router: AnyRouterView; runtime: Runtime; protocol: Protocol }) {
  const { router, protocol } = props;
  const ruled = ruledRouter(router, protocol);
  const known = new Set(objectsOf(props.runtime, protocol).middlewares.map((m) => m.name));
  const middlewares = (ruled?.middlewares ?? []).map((m) => qualified(m, router.provider));
  const service = qualified(router.service, router.provider);
  return (
    <div class="page detail">
      <Header kind={objectNoun(protocol, 'routers')} name={router.name} status={router.status} />
      <Errors errors={router.error} />
      <dl class="fields panel">
        {ruled && (
          <Field label="Rule" testid="router-rule">
            <code class="rule">{ruled.rule || '—'}</code>
          </Field>
        )}
        <Field label="Entry points" testid="router-entrypoints">
          {router.using.length ? router.using.join(', ') : <span class="muted">none</span>}
        </Field>
        {ruled && <Field label="Priority">{'priorityStr' in ruled ? ruled.priorityStr : ruled.priority}</Field>}
        {ruled?.tls && (
          <Field label="TLS">
            <TlsSettings tls={ruled.tls} />
          </Field>
        )}
        <Field label="Provider">{router.provider}</Field>
      </dl>
      <section class="panel">
        <h2>{traitsOf(protocol).flow}</h2>
        <ol class="chain" data-testid="router-chain">
          <li class="chain-step">
            <span class="muted">entry</span> {router.using.join(', ') || '—'}
          </li>
          {middlewares.map((m) => (
            <li class={`chain-step ${known.has(m) ? '' : 'chain-missing'}`}>
              <span class="muted">middleware</span> <a href={href(kindPage(protocol, 'middlewares'), m)}>{m}</a>
            </li>
          ))}
          <li class="chain-step">
            <span class="muted">service</span>{' '}
            {service ? (
              <a href={href(kindPage(protocol, 'services'), service)} data-testid="router-service">
                {service}
              </a>
            ) : (
              '—'
            )}
          </li>
        </ol>
      </section>
    </div>
  );
}

/**
 * HTTP servers are URLs with a weight, health and live traffic; TCP servers are addresses, maybe
 * dialled over TLS; UDP servers are addresses.
 */
function ServerTable(props: { service: AnyServiceView; stats?: LiveStatsSnapshot; protocol: Protocol }) {
  const { service, stats } = props;
  const { requests, serverTls } = traitsOf(props.protocol);
  const servers = (service.loadBalancer?.servers ?? []).map((server) =>
    'url' in server
      ? { address: server.url, weight: server.weight ?? 1, tls: false }
      : { address: server.address, weight: undefined, tls: 'tls' in server && server.tls === true },
  );
  const serverStatus = httpService(service, props.protocol)?.serverStatus;
  const live = stats?.services[service.name];
  return (
    <section class="panel">
      <h2>Servers</h2>
      <table class="objects servers">
        <thead>
          <tr>
            {requests && <th>State</th>}
            <th>{requests ? 'URL' : 'Address'}</th>
            {requests && <th>Weight</th>}
            {serverTls && <th>TLS</th>}
            {requests && <th>Req/s</th>}
            {requests && <th>Last minute</th>}
          </tr>
        </thead>
        <tbody>
          {servers.map((server) => (
            <tr data-testid="server" data-url={server.address}>
              {requests && (
                <td data-label="State">
                  <ServerStateBadge state={serverStatus?.[server.address]} url={server.address} />
                </td>
              )}
              <td data-label={requests ? 'URL' : 'Address'}>
                <code>{server.address}</code>
              </td>
              {requests && <td data-label="Weight">{server.weight}</td>}
              {serverTls && <td data-label="TLS">{server.tls ? 'yes' : 'no'}</td>}
              {requests && <td data-label="Req/s">{formatRate(ratePerSecond(live?.servers[server.address]))}</td>}
              {requests && (
                <td data-label="Last minute">
                  <Sparkline series={live?.servers[server.address]} label={server.address} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ChildServices({ service, protocol }: { service: AnyServiceView; protocol: Protocol }) {
  const rows: [string, string][] = [];
  for (const child of service.weighted?.services ?? []) rows.push([child.name, `weight ${child.weight ?? 1}`]);
  if ('mirroring' in service && service.mirroring) {
    rows.push([service.mirroring.service, 'main']);
    for (const m of service.mirroring.mirrors ?? []) rows.push([m.name, `mirror ${m.percent ?? 0}%`]);
  }
  if ('failover' in service && service.failover) {
    rows.push([service.failover.service, 'primary']);
    rows.push([service.failover.fallback, 'fallback']);
  }
  if (rows.length === 0) return null;
  return (
    <section class="panel">
      <h2>Services</h2>
      <ul class="children">
        {rows.map(([name, role]) => (
          <li data-testid="child-service">
            <a href={href(kindPage(protocol, 'services'), qualified(name, service.provider))}>
              {qualified(name, service.provider)}
            </a>{' '}
            <span class="muted">{role}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ServiceDetail(props: { service: AnyServiceView; stats?: LiveStatsSnapshot; protocol: Protocol }) {
  const { service, stats, protocol } = props;
  const live = stats?.services[service.name];
  const http = httpService(service, protocol);
  return (
    <div class="page detail">
      <Header kind={objectNoun(protocol, 'services')} name={service.name} status={service.status} />
      <Errors errors={service.error} />
      <dl class="fields panel">
        <Field label="Type">{service.type}</Field>
        <Field label="Provider">{service.provider}</Field>
        <Field label="Used by">
          <Links page={kindPage(protocol, 'routers')} names={service.usedBy} />
        </Field>
        {http?.loadBalancer?.healthCheck && (
          <Field label="Health check">
            <code>{JSON.stringify(http.loadBalancer.healthCheck)}</code>
          </Field>
        )}
        {http && (
          <Field label="Traffic">
            {formatRate(ratePerSecond(live))} req/s <Sparkline series={live} label={service.name} />
          </Field>
        )}
      </dl>
      {service.loadBalancer && <ServerTable service={service} stats={stats} protocol={protocol} />}
      <ChildServices service={service} protocol={protocol} />
    </div>
  );
}

export function MiddlewareDetail({ middleware, protocol }: { middleware: AnyMiddlewareView; protocol: Protocol }) {
  const { name, provider, status, error, type, usedBy, ...rest } = middleware;
  const settings = Object.entries(rest).filter(([, value]) => typeof value === 'object' && value !== null);
  return (
    <div class="page detail">
      <Header kind={objectNoun(protocol, 'middlewares')} name={name} status={status} />
      <Errors errors={error} />
      <dl class="fields panel">
        <Field label="Type">{type}</Field>
        <Field label="Provider">{provider}</Field>
        <Field label="Used by">
          <Links page={kindPage(protocol, 'routers')} names={usedBy} />
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
