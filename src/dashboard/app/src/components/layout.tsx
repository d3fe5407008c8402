import type { ComponentChildren } from 'preact';
import type { Version } from '../api.js';
import type { Route } from '../route.js';
import { traitsOf } from '../protocols.js';
import { href, kindPage } from '../route.js';
import type { Connection } from '../use-runtime.js';

const NAV = [
  ['overview', 'Overview'],
  ['routers', 'Routers'],
  ['services', 'Services'],
  ['middlewares', 'Middlewares'],
  ['tcp/routers', 'TCP'],
  ['udp/routers', 'UDP'],
  ['functions', 'Functions'],
  ['providers', 'Providers'],
] as const;

/** Pages that highlight another page's nav entry. */
const NAV_PARENT: Record<string, string> = { 'new-function': 'functions' };

const CONNECTION_LABELS: Record<Connection, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Offline',
};

export function Layout(props: {
  route: Route;
  version?: Version;
  connection: Connection;
  /** Functions whose last deploy failed or whose latest call failed: counted on the nav entry. */
  functionAlerts?: number;
  children: ComponentChildren;
}) {
  const { route, version, connection, functionAlerts } = props;
  const current = traitsOf(route.protocol).marked
    ? kindPage(route.protocol, 'routers')
    : (NAV_PARENT[route.page] ?? route.page);
  const onSearch = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('q') as HTMLInputElement;
    window.location.hash = href('search', undefined, { q: input.value });
  };
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href('overview')}>
          <span class="logo" aria-hidden="true">
            P
          </span>
          Portier
          {version && <span class="version">{version.Version}</span>}
        </a>
        <nav class="nav">
          {NAV.map(([page, label]) => (
            <a href={href(page)} class={current === page ? 'active' : ''}>
              {label}
              {page === 'functions' && functionAlerts ? (
                <span class="nav-alert" data-testid="nav-function-alerts" title="functions that need attention">
                  {functionAlerts}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <form class="search" role="search" onSubmit={onSearch}>
          <input
            name="q"
            type="search"
            placeholder="Search routers, services, middlewares"
            value={route.page === 'search' ? (route.params.get('q') ?? '') : ''}
            aria-label="Search"
          />
        </form>
        <span class={`connection connection-${connection}`} data-testid="connection" title="Updates from /api/events">
          <span class="dot" aria-hidden="true" /> {CONNECTION_LABELS[connection]}
        </span>
      </header>
      <main class="content">{props.children}</main>
    </div>
  );
}
