import type { LiveStatsSnapshot, Runtime, Section } from '../api.js';
import type { FunctionItem } from '../functions-api.js';
import { href } from '../route.js';
import { Problems } from './problems.js';
import { formatRate, ratePerSecond, Sparkline } from './sparkline.js';

function CountCard({ title, page, section }: { title: string; page: string; section: Section }) {
  const id = page;
  return (
    <a class="card count-card" href={href(page)} data-testid={`count-${id}`}>
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
  const { http } = runtime.overview;
  const rate = ratePerSecond(stats?.total);
  const errorRate = stats ? ratePerSecond({ requests: stats.total.errors, errors: [] }) : 0;
  return (
    <div class="page overview">
      <Problems runtime={runtime} functions={functions} limit={6} />

      <section class="grid counts">
        <CountCard title="Routers" page="routers" section={http.routers} />
        <CountCard title="Services" page="services" section={http.services} />
        <CountCard title="Middlewares" page="middlewares" section={http.middlewares} />
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
