import { ConfigError } from '../../config/errors.js';
import { normalize } from './normalize.js';
import type { Workload } from './workload.js';

export type DefaultRule = (workload: Workload) => string;

const FUNCTIONS: Record<string, (value: string) => string> = {
  normalize,
  lower: (value) => value.toLowerCase(),
  upper: (value) => value.toUpperCase(),
};

/**
 * Compiles a `defaultRule` written as a Go template, as Traefik accepts it, for the subset that
 * default rules use: `.Name`, `.ContainerName`, `index .Labels "key"`, and the functions
 * normalize / lower / upper, called directly or through pipes (`{{ .Name | normalize }}`).
 */
export function compileDefaultRule(template: string, key = 'providers.docker.defaultRule'): DefaultRule {
  const parts: ((workload: Workload) => string)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{\{-?\s*(.*?)\s*-?\}\}/g)) {
    const literal = template.slice(last, match.index);
    parts.push(() => literal);
    parts.push(compileAction(match[1]!, template, key));
    last = match.index + match[0].length;
  }
  const tail = template.slice(last);
  parts.push(() => tail);
  return (workload) => parts.map((part) => part(workload)).join('');
}

function compileAction(action: string, template: string, key: string): (workload: Workload) => string {
  const fail = (why: string) =>
    new ConfigError(
      `${why} in "${template}"; use e.g. Host(\`{{ normalize .Name }}.example.com\`) with .Name, .ContainerName, ` +
        `index .Labels "key", and normalize, lower or upper`,
      key,
    );
  const stages = action.split('|').map((stage) => stage.trim().match(/"[^"]*"|\S+/g) ?? []);
  const [first, ...rest] = stages;
  if (!first || first.length === 0) throw fail('empty {{ }}');
  let apply: ((value: string) => string)[] = [];
  let words: string[] = first;
  if (FUNCTIONS[words[0]!]) {
    apply = [FUNCTIONS[words[0]!]!];
    words = words.slice(1);
  }
  const source = compileValue(words, fail);
  for (const stage of rest) {
    const fn = stage.length === 1 ? FUNCTIONS[stage[0]] : undefined;
    if (!fn) throw fail(`unknown function "${stage.join(' ')}"`);
    apply = [...apply, fn];
  }
  // A function written first applies before piped ones: `{{ normalize .Name | upper }}`.
  return (workload) => apply.reduce((value, fn) => fn(value), source(workload));
}

function compileValue(words: string[], fail: (why: string) => Error): (workload: Workload) => string {
  const [head, ...args] = words;
  if (head === '.Name' && args.length === 0) return (workload) => workload.serviceName;
  if (head === '.ContainerName' && args.length === 0) return (workload) => workload.name;
  if (head === 'index' && args[0] === '.Labels' && args.length === 2 && /^".*"$/.test(args[1]!)) {
    const label = args[1]!.slice(1, -1);
    return (workload) => workload.labels[label] ?? '';
  }
  throw fail(`unsupported expression "${words.join(' ')}"`);
}
