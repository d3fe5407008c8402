import { objectsOf, type Kind, type Protocol, type ProviderView, type Runtime } from './api.js';
import { failureSummary } from './components/function-state.js';
import type { FunctionItem } from './functions-api.js';
import { objectNoun } from './labels.js';
import { PROTOCOLS, kindsOf } from './protocols.js';
import { href, kindPage } from './route.js';

/** What to do about the errors the runtime reports, in the words of the error itself. */
export function fixFor(error: string): string | undefined {
  let match: RegExpExecArray | null;
  if ((match = /\b((?:TCP |UDP )?service) "([^"]+)" does not exist/.exec(error))) {
    return `Define the ${match[1]} ${match[2]}, or point the router at an existing one (a name from another provider needs its @provider suffix).`;
  }
  if ((match = /middleware "([^"]+)" does not exist/.exec(error))) {
    return `Define the middleware ${match[1]}, or remove it from the router's middlewares.`;
  }
  if ((match = /entryPoint "([^"]+)" doesn't exist/.exec(error))) {
    return `Add the entry point ${match[1]} to the static configuration, or remove it from the router's entryPoints.`;
  }
  // Section-level typos (`tcp.routerz`) say what the section has between the key and the guess.
  if ((match = /unknown key "([^"]+)"[^(]* \(did you mean "([^"]+)"\?\)/.exec(error))) {
    return `Rename the key ${match[1]} to ${match[2]}.`;
  }
  if (/no valid entryPoint/.test(error)) return 'Set entryPoints to names defined in the static configuration.';
  return undefined;
}

type Issue = ProviderView['issues'][number];

/** Provider issues name the object kind as Traefik's rawdata does (`tcpRouter`…) and its bare name. */
const ISSUE_PAGES: Record<string, [protocol: Protocol, kind: Kind]> = {
  router: ['http', 'routers'],
  service: ['http', 'services'],
  middleware: ['http', 'middlewares'],
  tcpRouter: ['tcp', 'routers'],
  tcpService: ['tcp', 'services'],
  tcpMiddleware: ['tcp', 'middlewares'],
  udpRouter: ['udp', 'routers'],
  udpService: ['udp', 'services'],
};

/** The object a provider issue is about: its protocol, kind and qualified name. */
function issueTarget(issue: Issue, provider: string) {
  const page = issue.object && ISSUE_PAGES[issue.object.kind];
  if (!issue.object || !page) return undefined;
  const [protocol, kind] = page;
  const name = issue.object.name.includes('@') ? issue.object.name : `${issue.object.name}@${provider}`;
  return { protocol, kind, name };
}

/** The page of the object a provider issue is about, or the providers page. */
export function issueLink(issue: Issue, provider: string): string {
  const target = issueTarget(issue, provider);
  return target ? href(kindPage(target.protocol, target.kind), target.name) : href('providers');
}

interface Problem {
  kind: string;
  name: string;
  severity: 'error' | 'warning';
  message: string;
  key?: string;
  location?: string;
  /** Further messages the same mistake caused ("service is required" after a misspelt `service`). */
  also?: string[];
  link: string;
}

/** The runtime copies an issue into its object's errors as `location: key: message`. */
function objectErrorText(issue: Issue): string {
  return [issue.location, issue.key, issue.message].filter(Boolean).join(': ');
}

/**
 * Provider issues, each shown as a problem of the object it names (with its key and location).
 * `reported` collects `link + error text` so the object's copy of the issue is not listed again.
 */
function issueProblems(runtime: Runtime, reported: Set<string>): Problem[] {
  const problems: Problem[] = [];
  for (const provider of runtime.providers) {
    for (const issue of provider.issues) {
      const target = issueTarget(issue, provider.name);
      const link = issueLink(issue, provider.name);
      if (target) reported.add(`${link}\n${objectErrorText(issue)}`);
      problems.push({
        kind: target ? objectNoun(target.protocol, target.kind) : 'provider',
        name: target?.name ?? provider.name,
        severity: 'error',
        message: issue.message,
        key: issue.key,
        location: issue.location,
        link,
      });
    }
  }
  return problems;
}

/** Errors and warnings of routers, services and middlewares of every protocol, minus those `reported` already. */
function objectProblems(runtime: Runtime, reported: Set<string>): Problem[] {
  const problems: Problem[] = [];
  for (const protocol of PROTOCOLS) {
    const objects = objectsOf(runtime, protocol);
    for (const kind of kindsOf(protocol)) {
      for (const object of objects[kind]) {
        if (object.status === 'enabled') continue;
        const link = href(kindPage(protocol, kind), object.name);
        for (const message of object.error ?? ['disabled']) {
          if (reported.has(`${link}\n${message}`)) continue;
          problems.push({
            kind: objectNoun(protocol, kind),
            name: object.name,
            severity: object.status === 'disabled' ? 'error' : 'warning',
            message,
            link,
          });
        }
      }
    }
  }
  return problems;
}

/** `unknown key "servce" (did you mean "service"?)` explains a missing `…service` of the same object. */
function explains(typo: Problem, missing: Problem): boolean {
  if (typo === missing || typo.link !== missing.link || !typo.key || !missing.key) return false;
  const dot = missing.key.lastIndexOf('.');
  const field = missing.key.slice(dot + 1);
  return typo.key.startsWith(missing.key.slice(0, dot + 1)) && typo.message.includes(`did you mean "${field}"`);
}

/** A required key reported missing because it was misspelt is one mistake: it goes under the typo. */
function foldMisspeltKeys(problems: Problem[]): Problem[] {
  return problems.filter((problem) => {
    if (!problem.message.startsWith('is required')) return true;
    const typo = problems.find((other) => explains(other, problem));
    if (!typo) return true;
    (typo.also ??= []).push(`${problem.key}: ${problem.message}`);
    return false;
  });
}

function unhealthyServers(runtime: Runtime): Problem[] {
  return runtime.services.flatMap((service) =>
    Object.entries(service.serverStatus ?? {})
      .filter(([, state]) => state === 'DOWN')
      .map(([url]) => ({
        kind: 'service',
        name: service.name,
        severity: 'warning' as const,
        message: `server ${url} is DOWN: its health check fails, so it gets no traffic`,
        link: href('services', service.name),
      })),
  );
}

function failingFunctions(functions: FunctionItem[]): Problem[] {
  return functions.flatMap((item) => {
    const message = failureSummary(item);
    return message
      ? [{ kind: 'function', name: item.name, severity: 'error' as const, message, link: href('functions', item.name) }]
      : [];
  });
}

/**
 * Broken objects, provider issues and failing functions, errors before warnings, each mistake
 * once: a provider issue and the object error it caused are one problem, listed with its key.
 */
export function collectProblems(runtime: Runtime, functions: FunctionItem[] = []): Problem[] {
  const reported = new Set<string>();
  const fromIssues = issueProblems(runtime, reported);
  const problems = [
    ...objectProblems(runtime, reported),
    ...foldMisspeltKeys(fromIssues),
    ...unhealthyServers(runtime),
    ...failingFunctions(functions),
  ];
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
