import { MatcherProblem } from './problem.js';

/** What a `{name}` without a pattern stands for, per place (as in gorilla/mux). */
const DEFAULT_PATTERNS = { host: '[^.]+', path: '[^/]+', query: '.*' } as const;

export type TemplatePlace = keyof typeof DEFAULT_PATTERNS;

export function hasTemplate(value: string): boolean {
  return value.includes('{');
}

/**
 * Turns a gorilla/mux template (`/users/{id:[0-9]+}`, `{sub}.example.com`) into a Go regexp
 * source: literal text is quoted, each variable becomes a non-capturing group. `^` anchors the
 * start; `$` the end too unless `prefix` (PathPrefix).
 */
export function templateToRegexp(template: string, place: TemplatePlace, prefix = false): string {
  let source = '^';
  let literalStart = 0;
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '}') throw unbalanced(template);
    if (c !== '{') {
      i++;
      continue;
    }
    source += quoteMeta(template.slice(literalStart, i));
    const end = closingBrace(template, i);
    const variable = template.slice(i + 1, end);
    const colon = variable.indexOf(':');
    const name = colon < 0 ? variable : variable.slice(0, colon);
    const pattern = colon < 0 ? DEFAULT_PATTERNS[place] : variable.slice(colon + 1);
    if (!name.trim() || !pattern) {
      throw new MatcherProblem(
        `missing name or pattern in "{${variable}}" of "${template}"; write {name} or {name:regexp}`,
      );
    }
    source += `(?:${pattern})`;
    i = end + 1;
    literalStart = i;
  }
  source += quoteMeta(template.slice(literalStart));
  return prefix ? source : source + '$';
}

function closingBrace(template: string, open: number): number {
  let depth = 0;
  for (let i = open; i < template.length; i++) {
    if (template[i] === '{') depth++;
    else if (template[i] === '}' && --depth === 0) return i;
  }
  throw unbalanced(template);
}

function unbalanced(template: string): MatcherProblem {
  return new MatcherProblem(`unbalanced braces in "${template}"; variables are written {name} or {name:regexp}`);
}

function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const V2_TEMPLATE = /(?<!\\)\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/;

/**
 * v3 reads `{name:re}` literally, so a rule carried over from v2 would silently never match.
 * Traefik accepts it; we refuse it with the way out.
 */
export function rejectV2Template(value: string, matcher: string): void {
  const template = V2_TEMPLATE.exec(value);
  if (!template) return;
  throw new MatcherProblem(
    `"${template[0]}" in "${value}" is a v2 template, which the v3 syntax reads as literal text; ` +
      `write a regexp with ${matcher.startsWith('Host') ? 'HostRegexp' : 'PathRegexp'} instead, or set the router's ruleSyntax to v2`,
  );
}
