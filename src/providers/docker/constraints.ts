import { ConfigError } from '../../config/errors.js';

export type Constraint = (labels: Record<string, string>) => boolean;

/**
 * Compiles a Traefik `constraints` expression: `Label(`key`, `value`)`, `LabelRegex(`key`, `re`)`
 * (unanchored, as Go's regexp), combined with `!`, `&&`, `||` and parentheses.
 */
export function compileConstraints(expression: string, key = 'providers.docker.constraints'): Constraint {
  const tokens = expression.match(/`[^`]*`|"(?:[^"\\]|\\.)*"|&&|\|\||[!(),]|[A-Za-z]+|\S/g) ?? [];
  let position = 0;
  const fail = (why: string): never => {
    throw new ConfigError(
      `${why} in "${expression}"; write e.g. Label(\`traefik.zone\`, \`public\`) && !LabelRegex(\`env\`, \`^dev\`)`,
      key,
    );
  };
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position++];
    if (token === undefined) return fail('unexpected end');
    if (expected !== undefined && token !== expected) fail(`expected "${expected}" but found "${token}"`);
    return token;
  };
  const text = () => {
    const token = take();
    if (!/^[`"]/.test(token)) fail(`expected a quoted string but found "${token}"`);
    return token.startsWith('"') ? (JSON.parse(token) as string) : token.slice(1, -1);
  };

  const orExpr = (): Constraint => {
    let left = andExpr();
    while (peek() === '||') {
      take();
      const [a, b] = [left, andExpr()];
      left = (labels) => a(labels) || b(labels);
    }
    return left;
  };
  const andExpr = (): Constraint => {
    let left = unary();
    while (peek() === '&&') {
      take();
      const [a, b] = [left, unary()];
      left = (labels) => a(labels) && b(labels);
    }
    return left;
  };
  const unary = (): Constraint => {
    const token = take();
    if (token === '!') {
      const inner = unary();
      return (labels) => !inner(labels);
    }
    if (token === '(') {
      const inner = orExpr();
      take(')');
      return inner;
    }
    if (token !== 'Label' && token !== 'LabelRegex')
      return fail(`unknown matcher "${token}" (use Label or LabelRegex)`);
    take('(');
    const name = text();
    take(',');
    const value = text();
    take(')');
    if (token === 'Label') return (labels) => labels[name] === value;
    let pattern: RegExp;
    try {
      pattern = new RegExp(value);
    } catch (error) {
      return fail(`invalid regular expression "${value}" (${(error as Error).message})`);
    }
    return (labels) => labels[name] !== undefined && pattern.test(labels[name]);
  };

  if (tokens.length === 0) return () => true;
  const constraint = orExpr();
  if (position < tokens.length) fail(`unexpected "${tokens[position]}"`);
  return constraint;
}
