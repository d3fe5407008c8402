import { ruleError } from './problem.js';

/** `invalid` is a character the language does not use; the parser reports it in context. */
export type TokenKind = 'name' | 'string' | '(' | ')' | ',' | '&&' | '||' | '!' | 'invalid' | 'end';

export interface Token {
  kind: TokenKind;
  /** The name, or the string's unquoted value. */
  text: string;
  /** 1-based column of the token's first character. */
  column: number;
}

/** Splits a rule into tokens. Strings are Go literals: `raw` in backticks, or "interpreted". */
export function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    const column = i + 1;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === '!') {
      tokens.push({ kind: c, text: c, column });
      i++;
    } else if ((c === '&' || c === '|') && rule[i + 1] === c) {
      tokens.push({ kind: c === '&' ? '&&' : '||', text: c + c, column });
      i += 2;
    } else if (c === '`') {
      const end = rule.indexOf('`', i + 1);
      if (end < 0) throw ruleError(`unterminated string starting at column ${column}; close it with a backtick`);
      tokens.push({ kind: 'string', text: rule.slice(i + 1, end), column });
      i = end + 1;
    } else if (c === '"') {
      const { value, next } = readInterpretedString(rule, i);
      tokens.push({ kind: 'string', text: value, column });
      i = next;
    } else if (c === "'") {
      throw ruleError(
        `single quotes are not allowed at column ${column}; quote arguments with backticks (\`example.com\`) or double quotes ("example.com")`,
      );
    } else if (isNameStart(c)) {
      let end = i + 1;
      while (end < rule.length && isNamePart(rule[end]!)) end++;
      tokens.push({ kind: 'name', text: rule.slice(i, end), column });
      i = end;
    } else {
      tokens.push({ kind: 'invalid', text: c, column });
      i++;
    }
  }
  tokens.push({ kind: 'end', text: '', column: rule.length + 1 });
  return tokens;
}

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isNamePart(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9');
}

const simpleEscapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/** Reads a double-quoted Go string literal starting at `start`, resolving its escapes. */
function readInterpretedString(rule: string, start: number): { value: string; next: number } {
  let value = '';
  let i = start + 1;
  while (i < rule.length) {
    const c = rule[i]!;
    if (c === '"') return { value, next: i + 1 };
    if (c === '\n') break;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = rule[i + 1] ?? '';
    const simple = simpleEscapes[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = rule.slice(i + 2, i + 2 + width);
    if (width === 0 || hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) {
      throw ruleError(
        `invalid escape "\\${e}" in the string at column ${start + 1}; escape a backslash as "\\\\", or use backticks, where backslashes are literal`,
      );
    }
    value += String.fromCodePoint(parseInt(hex, 16));
    i += 2 + width;
  }
  throw ruleError(`unterminated string starting at column ${start + 1}; close it with a double quote`);
}
