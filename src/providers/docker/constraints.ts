import { ConfigError } from '../../config/errors.js';
import { compileGoRegexp } from '../../rules/go-regexp.js';
import { parseRule, type MatcherCall, type RuleNode } from '../../rules/parser.js';

export type Constraint = (labels: Record<string, string>) => boolean;

const EXAMPLE = 'write e.g. Label(`traefik.zone`, `public`) && !LabelRegex(`env`, `^dev`), or Tag(`api`)';

/** Matcher name → its arity and how it reads a workload's labels. */
const MATCHERS: Record<string, { arity: number; build: (args: string[], tags: TagsOf) => Constraint }> = {
  Label: {
    arity: 2,
    build:
      ([name, value]) =>
      (labels) =>
        labels[name!] === value,
  },
  LabelRegex: {
    arity: 2,
    build: ([name, pattern]) => {
      const regexp = compileGoRegexp(pattern!);
      return (labels) => labels[name!] !== undefined && regexp.test(labels[name!]!);
    },
  },
  Tag: {
    arity: 1,
    build:
      ([tag], tags) =>
      (labels) =>
        tags(labels).includes(tag!),
  },
  TagRegex: {
    arity: 1,
    build: ([pattern], tags) => {
      const regexp = compileGoRegexp(pattern!);
      return (labels) => tags(labels).some((tag) => regexp.test(tag));
    },
  },
};

type TagsOf = (labels: Record<string, string>) => string[];

/**
 * Compiles a Traefik `constraints` expression, parsed by the rule language's parser:
 * `Label(`key`, `value`)`, `LabelRegex(`key`, `re`)` (Go regexp, unanchored, as Traefik), and
 * `Tag(`tag`)` / `TagRegex(`re`)` on the comma-separated `<labelPrefix>.tags` label (the tags of
 * Traefik v1, whose `constraints = ["tag==api"]` translate to these), combined with `!`, `&&`,
 * `||` and parentheses. Throws ConfigError keyed `key`.
 */
export function compileConstraints(
  expression: string,
  key = 'providers.docker.constraints',
  labelPrefix = 'traefik',
): Constraint {
  if (expression.trim() === '') return () => true;
  const fail = (why: string) =>
    new ConfigError(`${why.replace(/; write .*$/, '')} in "${expression}"; ${EXAMPLE}`, key);
  let tree: RuleNode;
  try {
    tree = parseRule(expression);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const tagLabels = [...new Set([`${labelPrefix.replace(/\.$/, '')}.tags`, 'portier.tags'])];
  const tags: TagsOf = (labels) =>
    tagLabels.flatMap((label) => (labels[label] ?? '').split(',').map((tag) => tag.trim())).filter(Boolean);
  const compile = (node: RuleNode): Constraint => {
    switch (node.kind) {
      case 'and': {
        const [left, right] = [compile(node.left), compile(node.right)];
        return (labels) => left(labels) && right(labels);
      }
      case 'or': {
        const [left, right] = [compile(node.left), compile(node.right)];
        return (labels) => left(labels) || right(labels);
      }
      case 'not': {
        const operand = compile(node.operand);
        return (labels) => !operand(labels);
      }
      case 'matcher':
        return compileMatcher(node, tags, fail);
    }
  };
  return compile(tree);
}

function compileMatcher(call: MatcherCall, tags: TagsOf, fail: (why: string) => ConfigError): Constraint {
  const matcher = MATCHERS[call.name];
  if (!matcher) throw fail(`unknown matcher "${call.name}" (use ${Object.keys(MATCHERS).join(', ')})`);
  if (call.args.length !== matcher.arity) {
    const expected = matcher.arity === 1 ? '1 argument' : `${matcher.arity} arguments`;
    throw fail(`${call.name} takes ${expected}, not ${call.args.length}`);
  }
  try {
    return matcher.build(call.args, tags);
  } catch (error) {
    throw fail((error as Error).message);
  }
}
