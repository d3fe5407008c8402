import type { Kind, LiveStatsSnapshot, Protocol, Runtime, Section } from '../api.js';
import type { FunctionItem } from '../functions-api.js';
import { kindTitle } from '../labels.js';
import { kindsOf } from '../protocols.js';
import { href, kindPage } from '../route.js';
import { Problems } from './problems.js';
import { formatRate, ratePerSecond, Sparkline } from './sparkline.js';

/**
 * Test ids and links: `count-routers` for HTTP (as before TCP existed), `count-tcp-routers` for TCP,
 * `count-udp-routers` for UDP.
 */
function CountCard({ protocol, kind, section }: { protocol: Protocol; kind: Kind; section: Section }) {
  const page = kindPage(protocol, kind);
  const id = page.replace('/', '-');
  const title = kindTitle(protocol, kind);
  const rowStart = kind === kindsOf(protocol)[0];
  return (
    <a class={`card count-card${rowStart ? ' count-row-start' : ''}`} href={href(page)} data-testid={`count-${id}`}>
      <h3>{title}</h3>
      <div class="count-total" data-testid={`count-${id}-total`}>
        {section.total}
      </div>
      <div class="count-details">
        <span class={section.warnings ? 'chip chip-warning' : 'chip'} data-testid={`count-${id}-warnings`}>
          {section.warnings} warning{section.warnings === 1 ? '' : 's'}
        </span>
        <span class={section.errors ? 'chip chip-error' : 'chip'} data-testid={`count-${id}-errors`}>
          {section.errors} error{section.errors === 1 ? '' : 's'}
        </span>
      </div>
    </a>
  );
}

export function Overview({
  runtime,
  stats,
  functions,
}: {
  runtime: Runtime;
  stats?: LiveStatsSnapshot;
  functions?: FunctionItem[];
}) {
  const { http, tcp, udp } = runtime.overview;
  const rate = ratePerSecond(stats?.total);
  const errorRate = stats ? ratePerSecond({ requests: stats.total.errors, errors: [] }) : 0;
  return (
    <div class="page overview">
      <Problems runtime={runtime} functions={functions} limit={6} />

      <section class="grid counts">
        <CountCard protocol="http" kind="routers" section={http.routers} />
        <CountCard protocol="http" kind="services" section={http.services} />
        <CountCard protocol="http" kind="middlewares" section={http.middlewares} />
        <div class="card rate-card">
          <h3>Requests</h3>
          <div class="count-total" data-testid="request-rate">
            {formatRate(rate)}
            <small> req/s</small>
          </div>
          <div class="count-details">
            <span class={errorRate > 0 ? 'chip chip-error' : 'chip'}>{formatRate(errorRate)} 5xx/s</span>
          </div>
          <Sparkline series={stats?.total} height={40} label="All requests" />
        </div>
        <CountCard protocol="tcp" kind="routers" section={tcp.routers} />
        <CountCard protocol="tcp" kind="services" section={tcp.services} />
        <CountCard protocol="tcp" kind="middlewares" section={tcp.middlewares} />
        <CountCard protocol="udp" kind="routers" section={udp.routers} />
        <CountCard protocol="udp" kind="services" section={udp.services} />
      </section>

      <section class="panel">
        <h2>Entry points</h2>
        <div class="grid entrypoints">
          {runtime.entryPoints.map((ep) => (
            <div class="card entrypoint" data-testid="entrypoint">
              <h3>{ep.name}</h3>
              <code>{ep.address}</code>
            </div>
          ))}
        </div>
      </section>

      <section class="panel">
        <h2>Providers</h2>
        <ul class="providers">
          {runtime.providers.map((p) => (
            <li class="provider" data-testid="provider" data-state={p.state}>
              <span class={`dot dot-${p.state}`} aria-hidden="true" />
              <strong>{p.name}</strong>
              <span class="muted">
                {p.state === 'ok' ? 'healthy' : p.state}
                {p.issues.length > 0 && ` · ${p.issues.length} issue${p.issues.length === 1 ? '' : 's'}`}
                {p.lastUpdate && ` · updated ${new Date(p.lastUpdate).toLocaleTimeString()}`}
              </span>
            </li>
          ))}
        </ul>
        <p class="muted features">
          Metrics: {runtime.overview.features.metrics || 'off'} · Access log:{' '}
          {runtime.overview.features.accessLog ? 'on' : 'off'}
        </p>
      </section>
    </div>
  );
}
