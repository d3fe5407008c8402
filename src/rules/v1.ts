import { closestKey } from '../config/did-you-mean.js';
import { ConfigError } from '../config/errors.js';
import type { MiddlewareConfig } from '../config/dynamic/types.js';
import { compileRule } from './compile.js';
import { hasTemplate, templateToRegexp } from './mux-template.js';
import { MatcherProblem, ruleError } from './problem.js';

/**
 * Translates a Traefik v1 rule (`Host:a.com,b.com;PathPrefixStrip:/music`: `;` = AND, `,` = OR
 * inside a matcher) into an equivalent v3 rule, plus the middlewares its modifiers imply
 * (`PathPrefixStrip` → stripPrefix…), in the order v1 applied them.
 */
export function translateV1Rule(rule: string): { rule: string; middlewares: MiddlewareConfig[] } {
  const parts = splitOutsideBraces(rule, ';')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) throw ruleError('the v1 rule is empty; write e.g. Host:example.com');
  const conditions: string[][] = [];
  const modifiers: Modifiers = {};
  for (const part of parts) {
    const colon = part.indexOf(':');
    const written = (colon < 0 ? part : part.slice(0, colon)).trim();
    if (colon < 0) {
      throw ruleError(`v1 rule part "${part}" has no ":"; write Matcher:value, e.g. Host:example.com`);
    }
    const name = resolveName(written, part);
    const text = part.slice(colon + 1).trim();
    const args =
      name === 'ReplacePathRegex'
        ? [text].filter(Boolean)
        : splitOutsideBraces(text, ',')
            .map((a) => a.trim())
            .filter(Boolean);
    if (args.length === 0) throw ruleError(`v1 rule part "${part}" has no value; write e.g. ${name}:${EXAMPLES[name]}`);
    try {
      const alternatives = translators[name]!(args, modifiers);
      if (!alternatives) continue;
      // Checked here so that a bad value is reported against the v1 text the user wrote.
      compileRule(alternatives.join(' || '));
      conditions.push(alternatives);
    } catch (error) {
      if (error instanceof MatcherProblem || error instanceof ConfigError) {
        // Columns would point into the generated v3 text, not into what the user wrote.
        throw ruleError(`v1 rule part "${part}": ${error.message.replace(/ at column \d+/, '')}`);
      }
      throw error;
    }
  }
  const translated =
    conditions.length === 1
      ? conditions[0]!.join(' || ')
      : conditions
          .map((alternatives) => (alternatives.length > 1 ? `(${alternatives.join(' || ')})` : alternatives[0]))
          .join(' && ');
  return {
    // A v1 rule made only of modifiers matched every request.
    rule: translated || 'PathPrefix(`/`)',
    middlewares: middlewaresOf(modifiers),
  };
}

interface Modifiers {
  stripPrefix?: string[];
  stripPrefixRegex?: string[];
  addPrefix?: string;
  replacePath?: string;
  replacePathRegex?: { regex: string; replacement: string };
}

/**
 * Each v1 matcher becomes a list of alternatives (any may match); each alternative is a single v3
 * matcher or a conjunction of them, never a disjunction.
 */
type Translator = (args: string[], modifiers: Modifiers) => string[] | undefined;

/** v1 wrapped its handlers so that they ran in this order, whatever the order in the rule. */
function middlewaresOf(m: Modifiers): MiddlewareConfig[] {
  const result: MiddlewareConfig[] = [];
  if (m.stripPrefixRegex) result.push({ stripPrefixRegex: { regex: m.stripPrefixRegex } });
  if (m.stripPrefix) result.push({ stripPrefix: { prefixes: m.stripPrefix } });
  if (m.addPrefix !== undefined) result.push({ addPrefix: { prefix: m.addPrefix } });
  if (m.replacePathRegex) result.push({ replacePathRegex: { ...m.replacePathRegex } });
  if (m.replacePath !== undefined) result.push({ replacePath: { path: m.replacePath } });
  return result;
}

const translators: Record<string, Translator> = {
  Host: (args) => args.map((host) => `Host(${quote(host)})`),
  HostRegexp: (args) => args.map((t) => `HostRegexp(${quote('(?i)' + templateToRegexp(t, 'host'))})`),
  Path: (args) => args.map(exactPath),
  PathStrip: (args, m) => {
    m.stripPrefix = plainPaths(args, 'PathStripRegex');
    return args.map(exactPath);
  },
  PathStripRegex: (args, m) => {
    m.stripPrefixRegex = longestFirst(args).map((t) => templateToRegexp(t, 'path', true));
    return args.map(exactPath);
  },
  PathPrefix: (args) => args.map(pathPrefix),
  PathPrefixStrip: (args, m) => {
    m.stripPrefix = plainPaths(args, 'PathPrefixStripRegex');
    return args.map(pathPrefix);
  },
  PathPrefixStripRegex: (args, m) => {
    m.stripPrefixRegex = longestFirst(args).map((t) => templateToRegexp(t, 'path', true));
    return args.map(pathPrefix);
  },
  Method: (args) => args.map((method) => `Method(${quote(method)})`),
  Headers: (args) => [
    pairs(args, 'Headers')
      .map(([k, v]) => `Header(${quote(k)}, ${quote(v)})`)
      .join(' && '),
  ],
  HeadersRegexp: (args) => [
    pairs(args, 'HeadersRegexp')
      .map(([k, v]) => `HeaderRegexp(${quote(k)}, ${quote(v)})`)
      .join(' && '),
  ],
  Query: (args) => [args.map(queryCondition).join(' && ')],
  AddPrefix: (args, m) => {
    m.addPrefix = single(args, 'AddPrefix');
    return undefined;
  },
  ReplacePath: (args, m) => {
    m.replacePath = single(args, 'ReplacePath');
    return undefined;
  },
  ReplacePathRegex: ([text], m) => {
    const match = /^(\S+)\s+(\S*)$/.exec(text!);
    if (!match) {
      throw new MatcherProblem('separate the regular expression and the replacement by one space, e.g. ^/api/(.*) /$1');
    }
    m.replacePathRegex = { regex: match[1]!, replacement: match[2]! };
    return undefined;
  },
};

const EXAMPLES: Record<string, string> = {
  Host: 'example.com',
  HostRegexp: '{sub:[a-z]+}.example.com',
  Path: '/status',
  PathStrip: '/status',
  PathStripRegex: '/users/{id:[0-9]+}',
  PathPrefix: '/api',
  PathPrefixStrip: '/api',
  PathPrefixStripRegex: '/users/{id:[0-9]+}',
  Method: 'GET,POST',
  Headers: 'Content-Type,application/json',
  HeadersRegexp: 'Content-Type,application/(json|xml)',
  Query: 'mobile=true',
  AddPrefix: '/v1',
  ReplacePath: '/new/path',
  ReplacePathRegex: '^/api/(.*) /$1',
};

function resolveName(written: string, part: string): string {
  if (written in translators) return written;
  const known = Object.keys(translators);
  const sameLetters = known.find((k) => k.toLowerCase() === written.toLowerCase());
  if (sameLetters) return sameLetters;
  const suggestion = closestKey(written, known);
  throw ruleError(
    `v1 rule part "${part}": unknown matcher "${written}"; ` +
      (suggestion ? `did you mean "${suggestion}"?` : `known matchers are ${known.join(', ')}`),
  );
}

function exactPath(path: string): string {
  checkPath(path);
  return hasTemplate(path) ? `PathRegexp(${quote(templateToRegexp(path, 'path'))})` : `Path(${quote(path)})`;
}

function pathPrefix(path: string): string {
  checkPath(path);
  return hasTemplate(path)
    ? `PathRegexp(${quote(templateToRegexp(path, 'path', true))})`
    : `PathPrefix(${quote(path)})`;
}

function checkPath(path: string): void {
  if (!path.startsWith('/')) throw new MatcherProblem(`path "${path}" does not start with "/"; write "/${path}"`);
}

function plainPaths(args: string[], regexVariant: string): string[] {
  const template = args.find(hasTemplate);
  if (template) throw new MatcherProblem(`"${template}" is a template; use ${regexVariant} to strip templated paths`);
  return longestFirst(args);
}

/** v1 tried the longest prefixes first, so `/a/b` is stripped whole rather than as `/a`. */
function longestFirst(values: string[]): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}

function queryCondition(arg: string): string {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new MatcherProblem(`query "${arg}" must be key=value; write e.g. ${arg || 'key'}=value`);
  const key = arg.slice(0, eq);
  const value = arg.slice(eq + 1);
  // In v1 an empty value asks only for the key to be present, with any value.
  if (value === '') return `QueryRegexp(${quote(key)}, ${quote('.*')})`;
  if (hasTemplate(value)) return `QueryRegexp(${quote(key)}, ${quote(templateToRegexp(value, 'query'))})`;
  return `Query(${quote(key)}, ${quote(value)})`;
}

function pairs(args: string[], name: string): [string, string][] {
  if (args.length % 2 !== 0) {
    throw new MatcherProblem(
      `${name} takes name,value pairs but got ${args.length} values; write e.g. ${name}:${EXAMPLES[name]}`,
    );
  }
  const result: [string, string][] = [];
  for (let i = 0; i < args.length; i += 2) result.push([args[i]!, args[i + 1]!]);
  return result;
}

function single(args: string[], name: string): string {
  if (args.length !== 1) throw new MatcherProblem(`${name} takes one value but got ${args.length}`);
  return args[0]!;
}

/** A v3 string literal: backticks, unless the value holds one. */
function quote(value: string): string {
  if (!value.includes('`')) return '`' + value + '`';
  return '"' + value.replace(/[\\"]/g, '\\$&') + '"';
}

/** Splits on `separator`, except inside `{…}` templates (whose regexps may hold `,` or `;`). */
function splitOutsideBraces(text: string, separator: string): string[] {
  const result: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === separator && depth === 0) {
      result.push(text.slice(start, i));
      start = i + 1;
    }
  }
  result.push(text.slice(start));
  return result;
}
