import { objectsOf, type Kind, type ProviderView, type Runtime } from '../api.js';
import type { FunctionItem } from '../functions-api.js';
import { objectNoun } from '../labels.js';
import { href, kindPage } from '../route.js';
import { failureSummary } from './function-state.js';

/** What to do about the errors the runtime reports, in the words of the error itself. */
export function fixFor(error: string): string | undefined {
  let match: RegExpExecArray | null;
  if ((match = /service "([^"]+)" does not exist/.exec(error))) {
    return `Define the service ${match[1]}, or point the router at an existing one (a name from another provider needs its @provider suffix).`;
  }
  if ((match = /middleware "([^"]+)" does not exist/.exec(error))) {
    return `Define the middleware ${match[1]}, or remove it from the router's middlewares.`;
  }
  if ((match = /entryPoint "([^"]+)" doesn't exist/.exec(error))) {
    return `Add the entry point ${match[1]} to the static configuration, or remove it from the router's entryPoints.`;
  }
  if (/no valid entryPoint/.test(error)) return 'Set entryPoints to names defined in the static configuration.';
  return undefined;
}

/** Provider issues name the object kind as Traefik's rawdata does (`tcpRouter`…) and its bare name. */
const ISSUE_PAGES: Record<string, [protocol: 'http' | 'tcp', kind: Kind]> = {
  router: ['http', 'routers'],
  service: ['http', 'services'],
  middleware: ['http', 'middlewares'],
  tcpRouter: ['tcp', 'routers'],
  tcpService: ['tcp', 'services'],
  tcpMiddleware: ['tcp', 'middlewares'],
};

/** The page of the object a provider issue is about, or the providers page. */
export function issueLink(issue: ProviderView['issues'][number], provider: string): string {
  const target = issue.object && ISSUE_PAGES[issue.object.kind];
  if (!issue.object || !target) return href('providers');
  const name = issue.object.name.includes('@') ? issue.object.name : `${issue.object.name}@${provider}`;
  return href(kindPage(...target), name);
}

interface Problem {
  kind: string;
  name: string;
  severity: 'error' | 'warning';
  message: string;
  key?: string;
  location?: string;
  link: string;
}

/** Broken objects, provider issues and failing functions, errors before warnings. */
export function collectProblems(runtime: Runtime, functions: FunctionItem[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const protocol of ['http', 'tcp'] as const) {
    const objects = objectsOf(runtime, protocol);
    const kinds = [
      ['routers', objects.routers],
      ['services', objects.services],
      ['middlewares', objects.middlewares],
    ] as const;
    for (const [kind, list] of kinds) {
      for (const object of list) {
        if (object.status === 'enabled') continue;
        for (const message of object.error ?? ['disabled']) {
          problems.push({
            kind: objectNoun(protocol, kind),
            name: object.name,
            severity: object.status === 'disabled' ? 'error' : 'warning',
            message,
            link: href(kindPage(protocol, kind), object.name),
          });
        }
      }
    }
  }
  for (const service of runtime.services) {
    for (const [url, state] of Object.entries(service.serverStatus ?? {})) {
      if (state !== 'DOWN') continue;
      problems.push({
        kind: 'service',
        name: service.name,
        severity: 'warning',
        message: `server ${url} is DOWN: its health check fails, so it gets no traffic`,
        link: href('services', service.name),
      });
    }
  }
  for (const provider of runtime.providers) {
    for (const issue of provider.issues) {
      problems.push({
        kind: 'provider',
        name: provider.name,
        severity: 'error',
        message: issue.message,
        key: issue.key,
        location: issue.location,
        link: issueLink(issue, provider.name),
      });
    }
  }
  for (const item of functions) {
    const message = failureSummary(item);
    if (!message) continue;
    problems.push({
      kind: 'function',
      name: item.name,
      severity: 'error',
      message,
      link: href('functions', item.name),
    });
  }
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

export function Problems({
  runtime,
  functions,
  limit,
}: {
  runtime: Runtime;
  functions?: FunctionItem[];
  limit?: number;
}) {
  const problems = collectProblems(runtime, functions);
  if (problems.length === 0) {
    return (
      <section class="panel panel-ok" data-testid="problems">
        <h2>No problems</h2>
        <p class="muted">Every HTTP and TCP router, service and middleware, provider and function is healthy.</p>
      </section>
    );
  }
  const shown = limit ? problems.slice(0, limit) : problems;
  return (
    <section class="panel panel-problems" data-testid="problems">
      <h2>
        {problems.length} problem{problems.length === 1 ? '' : 's'}
      </h2>
      <ul class="problems">
        {shown.map((p) => {
          const fix = fixFor(p.message);
          return (
            <li class={`problem problem-${p.severity}`}>
              <div class="problem-head">
                <span class={`badge badge-${p.severity === 'error' ? 'disabled' : 'warning'}`}>{p.kind}</span>
                <a href={p.link}>{p.name}</a>
                {p.location && <span class="muted"> · {p.location}</span>}
              </div>
              <div class="problem-message">{p.message}</div>
              {p.key && (
                <div class="problem-key">
                  key <code>{p.key}</code>
                </div>
              )}
              {fix && <div class="problem-fix">Fix: {fix}</div>}
            </li>
          );
        })}
      </ul>
      {shown.length < problems.length && <a href={href('problems')}>All {problems.length} problems →</a>}
    </section>
  );
}
