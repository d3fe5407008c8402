import { render } from 'preact';
import './styles.css';
import { FunctionDetail, FunctionNotFound } from './components/function-detail.js';
import { FunctionsList } from './components/functions-list.js';
import { Layout } from './components/layout.js';
import { NewFunction } from './components/new-function.js';
import { MiddlewareDetail, NotFound, RouterDetail, ServiceDetail } from './components/details.js';
import { ObjectList } from './components/object-list.js';
import { Overview } from './components/overview.js';
import { Problems } from './components/problems.js';
import { Providers } from './components/providers.js';
import { SearchResults } from './components/search.js';
import { objectsOf, type Kind, type LiveStatsSnapshot, type Runtime } from './api.js';
import type { FunctionItem } from './functions-api.js';
import { objectNoun } from './labels.js';
import { kindsOf } from './protocols.js';
import { useRoute, type Route } from './route.js';
import { useFunctions, type FunctionsState } from './use-functions.js';
import { useRuntime, useStats } from './use-runtime.js';

/** Function pages read the functions API, not the runtime view: they show before the runtime loads. */
function FunctionPage({ route, state }: { route: Route; state: FunctionsState }) {
  const { functions, error, refresh, lastEvent } = state;
  if (!functions) return error ? null : <p class="loading">Loading…</p>;
  if (route.page === 'new-function') return <NewFunction onDeployed={refresh} />;
  if (!route.name) return <FunctionsList functions={functions} lastEvent={lastEvent} />;
  const item = functions.find((f) => f.name === route.name);
  return item ? (
    <FunctionDetail key={item.name} item={item} onChange={refresh} />
  ) : (
    <FunctionNotFound name={route.name} />
  );
}

function Page(props: { route: Route; runtime: Runtime; stats?: LiveStatsSnapshot; functions?: FunctionItem[] }) {
  const { route, runtime, stats, functions } = props;
  const { page, name, protocol } = route;
  const objects = objectsOf(runtime, protocol);
  if (page === 'routers' && name) {
    const router = objects.routers.find((r) => r.name === name);
    return router ? (
      <RouterDetail router={router} runtime={runtime} protocol={protocol} />
    ) : (
      <NotFound kind={objectNoun(protocol, 'routers')} name={name} />
    );
  }
  if (page === 'services' && name) {
    const service = objects.services.find((s) => s.name === name);
    return service ? (
      <ServiceDetail service={service} stats={stats} protocol={protocol} />
    ) : (
      <NotFound kind={objectNoun(protocol, 'services')} name={name} />
    );
  }
  if (page === 'middlewares' && name) {
    const middleware = objects.middlewares.find((m) => m.name === name);
    return middleware ? (
      <MiddlewareDetail middleware={middleware} protocol={protocol} />
    ) : (
      <NotFound kind={objectNoun(protocol, 'middlewares')} name={name} />
    );
  }
  if ((kindsOf(protocol) as readonly string[]).includes(page)) {
    return (
      <ObjectList
        key={`${protocol}/${page}`}
        kind={page as Kind}
        protocol={protocol}
        runtime={runtime}
        stats={stats}
        initialStatus={route.params.get('status') ?? undefined}
      />
    );
  }
  if (page === 'providers') return <Providers runtime={runtime} />;
  if (page === 'problems') return <Problems runtime={runtime} functions={functions} />;
  if (page === 'search') return <SearchResults runtime={runtime} query={route.params.get('q') ?? ''} />;
  return <Overview runtime={runtime} stats={stats} functions={functions} />;
}

function App() {
  const route = useRoute();
  const { runtime, error, connection } = useRuntime();
  const stats = useStats();
  const functions = useFunctions();
  const alerts = functions.functions?.filter((f) => f.activity.state !== 'ok').length;
  const functionPage = route.page === 'functions' || route.page === 'new-function';
  const apiError = functionPage ? functions.error : error;
  return (
    <Layout route={route} version={runtime?.version} connection={connection} functionAlerts={alerts}>
      {apiError && (
        <div class="banner banner-error" role="alert">
          Cannot reach the API: {apiError}
        </div>
      )}
      {functionPage ? (
        <FunctionPage route={route} state={functions} />
      ) : runtime ? (
        <Page route={route} runtime={runtime} stats={stats} functions={functions.functions} />
      ) : (
        !error && <p class="loading">Loading…</p>
      )}
    </Layout>
  );
}

render(<App />, document.getElementById('app')!);
