import { tokenize, type Token, type TokenKind } from './lexer.js';
import { ruleError } from './problem.js';

export interface MatcherCall {
  kind: 'matcher';
  /** The name as written (casing resolved later, per dialect). */
  name: string;
  args: string[];
  column: number;
}

export type RuleNode =
  MatcherCall | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode } | { kind: 'not'; operand: RuleNode };

/**
 * Parses a rule into a tree. Grammar (Go expression syntax, as Traefik's parser):
 * `or := and ('||' and)*`, `and := unary ('&&' unary)*`,
 * `unary := '!' unary | '(' or ')' | Name '(' [string (',' string)*] ')'`.
 */
export function parseRule(rule: string): RuleNode {
  if (rule.trim() === '') throw ruleError('the rule is empty; write a matcher such as Host(`example.com`)');
  const parser = new Parser(tokenize(rule));
  const tree = parser.parseOr();
  parser.expectEnd();
  return tree;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parseOr(): RuleNode {
    let left = this.parseAnd();
    while (this.peek().kind === '||') {
      this.position++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (token.kind === ')') {
      throw ruleError(`unbalanced parentheses: ")" at column ${token.column} closes nothing; remove it`);
    }
    const fix =
      token.text === '&' || token.text === '|'
        ? `write "${token.text}${token.text}" to combine matchers`
        : 'combine matchers with "&&" or "||"';
    throw ruleError(`unexpected ${describe(token)} at column ${token.column}; ${fix}`);
  }

  private parseAnd(): RuleNode {
    let left = this.parseUnary();
    while (this.peek().kind === '&&') {
      this.position++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): RuleNode {
    const token = this.next();
    if (token.kind === '!') return { kind: 'not', operand: this.parseUnary() };
    if (token.kind === '(') {
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind !== ')') {
        throw ruleError(
          `unbalanced parentheses: "(" at column ${token.column} is not closed; add ")" before ${describe(close)} at column ${close.column}`,
        );
      }
      this.position++;
      return inner;
    }
    if (token.kind === 'name') return this.parseCall(token);
    if (token.kind === 'string') {
      throw ruleError(
        `unexpected string "${token.text}" at column ${token.column}; arguments go inside a matcher, e.g. Host(\`${token.text}\`)`,
      );
    }
    throw ruleError(
      `expected a matcher at column ${token.column} but found ${describe(token)}; write e.g. Host(\`example.com\`)`,
    );
  }

  private parseCall(name: Token): MatcherCall {
    const open = this.next();
    if (open.kind !== '(') {
      throw ruleError(
        `matcher "${name.text}" at column ${name.column} needs its arguments in parentheses, e.g. ${name.text}(\`value\`)`,
      );
    }
    const args: string[] = [];
    if (this.peek().kind === ')') {
      this.position++;
      return { kind: 'matcher', name: name.text, args, column: name.column };
    }
    for (;;) {
      const arg = this.next();
      if (arg.kind !== 'string') {
        throw ruleError(
          `expected a quoted argument for "${name.text}" at column ${arg.column} but found ${describe(arg)}; quote it with backticks, e.g. \`value\``,
        );
      }
      args.push(arg.text);
      const separator = this.next();
      if (separator.kind === ')') break;
      if (separator.kind !== ',') {
        const fix = separator.kind === 'end' ? 'add ")"' : 'separate arguments with ","';
        throw ruleError(
          `unbalanced parentheses: "${name.text}(" at column ${name.column} is not closed (found ${describe(separator)} at column ${separator.column}); ${fix}`,
        );
      }
    }
    return { kind: 'matcher', name: name.text, args, column: name.column };
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
  }
}

const tokenNames: Record<TokenKind, string> = {
  name: 'name',
  string: 'string',
  '(': '"("',
  ')': '")"',
  ',': '","',
  '&&': '"&&"',
  '||': '"||"',
  '!': '"!"',
  invalid: 'character',
  end: 'the end of the rule',
};

function describe(token: Token): string {
  if (token.kind === 'name') return `"${token.text}"`;
  if (token.kind === 'string') return `string "${token.text}"`;
  if (token.kind === 'invalid') return `character "${token.text}"`;
  return tokenNames[token.kind];
}
