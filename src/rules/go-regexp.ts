import { MatcherProblem } from './problem.js';

/**
 * Compiles a Go (RE2) regular expression, as written in Traefik rules, to an equivalent JS RegExp.
 * Matching stays unanchored, like Go's `MatchString`. Constructs that RE2 rejects (lookarounds,
 * backreferences) or that JS cannot express (mid-pattern flags, ungreedy mode) are refused with an
 * explanation rather than silently changing meaning.
 */
export function compileGoRegexp(pattern: string): RegExp {
  const translator = new Translator(pattern);
  const { source, flags } = translator.translate();
  try {
    return new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    throw new MatcherProblem(`invalid regular expression \`${pattern}\`: ${reason}`);
  }
}

// Characters that must stay escaped in a JS pattern (and may be escaped in `u` mode).
const SYNTAX = new Set('^$\\.*+?()[]{}|/-');
const GO_SPACE = '\\t\\n\\f\\r ';
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

class Translator {
  private i = 0;
  private out = '';
  private unicode = false;

  constructor(private readonly pattern: string) {}

  translate(): { source: string; flags: string } {
    const flags = this.leadingFlags();
    while (this.i < this.pattern.length) {
      const c = this.pattern[this.i]!;
      if (c === '\\') this.escape(false);
      else if (c === '(') this.group();
      else if (c === '[') this.characterClass();
      else if (c === '{') this.brace();
      else if (c === '}' || c === ']') {
        // Literal in Go; a syntax error in JS's `u` mode unless escaped.
        this.out += '\\' + c;
        this.i++;
      } else if (c === '.' && !flags.includes('s')) {
        // Go's `.` excludes only \n; JS's also excludes \r, U+2028 and U+2029.
        this.out += '[^\\n]';
        this.i++;
      } else {
        this.out += c;
        this.i++;
      }
    }
    return { source: this.out, flags: flags + (this.unicode ? 'u' : '') };
  }

  /** `(?i)`, `(?s)`, `(?m)` at the very start become JS flags. */
  private leadingFlags(): string {
    let flags = '';
    for (let m = /^\(\?([a-zA-Z]*)\)/.exec(this.pattern); m; m = /^\(\?([a-zA-Z]*)\)/.exec(this.rest())) {
      for (const flag of m[1]!) {
        if (flag === 'U')
          this.fail('the ungreedy flag (?U) has no JS equivalent; use lazy quantifiers such as *? instead');
        if (flag !== 'i' && flag !== 's' && flag !== 'm')
          this.fail(`unknown flag "${flag}"; Go regexps accept i, m, s and U`);
        if (!flags.includes(flag)) flags += flag;
      }
      this.i += m[0].length;
    }
    return flags;
  }

  private group(): void {
    const rest = this.rest();
    if (!rest.startsWith('(?')) {
      this.out += '(';
      this.i++;
      return;
    }
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      this.out += `(?<${named[1]}>`;
      this.i += named[0].length;
    } else if (rest.startsWith('(?:')) {
      this.out += '(?:';
      this.i += 3;
    } else if (/^\(\?(=|!|<=|<!)/.test(rest)) {
      this.fail(
        'lookaround assertions such as (?=…) are not supported by Go regexps (RE2); rewrite the pattern without them',
      );
    } else if (/^\(\?[a-zA-Z-]*[:)]/.test(rest)) {
      this.fail('flags are only supported at the start of the pattern, as in (?i)pattern; move them there');
    } else {
      this.fail('invalid group syntax after "(?"; use (?:…) or a named group (?P<name>…)');
    }
  }

  private characterClass(): void {
    this.i++;
    this.out += '[';
    if (this.pattern[this.i] === '^') {
      this.out += '^';
      this.i++;
    }
    // In Go a `]` right after `[` or `[^` is a literal.
    if (this.pattern[this.i] === ']') {
      this.out += '\\]';
      this.i++;
    }
    while (this.i < this.pattern.length) {
      const c = this.pattern[this.i]!;
      if (c === ']') {
        this.out += ']';
        this.i++;
        return;
      }
      if (c === '\\') {
        this.escape(true);
        continue;
      }
      if (c === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.rest());
        if (posix) {
          const range = POSIX_CLASSES[posix[2]!];
          if (!range) this.fail(`unknown character class [:${posix[2]}:]`);
          if (posix[1]) this.fail(`negated class [:^${posix[2]}:] cannot be expressed; use [^[:${posix[2]}:]] instead`);
          this.out += range;
          this.i += posix[0].length;
          continue;
        }
        this.out += '\\[';
        this.i++;
        continue;
      }
      this.out += c;
      this.i++;
    }
    this.fail('missing closing "]" of a character class');
  }

  /** `{` starts a repetition only when it reads `{n}`, `{n,}` or `{n,m}`; otherwise it is literal. */
  private brace(): void {
    const repeat = /^\{(\d+)(,(\d*))?\}/.exec(this.rest());
    if (!repeat) {
      this.out += '\\{';
      this.i++;
      return;
    }
    const low = Number(repeat[1]);
    const high = repeat[3] ? Number(repeat[3]) : low;
    if (low > 1000 || high > 1000) this.fail('repeat counts above 1000 are not allowed in Go regexps');
    if (high < low) this.fail(`invalid repeat count ${repeat[0]}: the maximum is below the minimum`);
    this.out += repeat[0];
    this.i += repeat[0].length;
  }

  private escape(inClass: boolean): void {
    const e = this.pattern[this.i + 1];
    if (e === undefined) this.fail('trailing backslash at the end of the pattern; escape it as \\\\');
    this.i += 2;
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
        this.out += '\\' + e;
        return;
      case 'b':
      case 'B':
        if (inClass) this.fail(`\\${e} is not allowed inside a character class`);
        this.out += '\\' + e;
        return;
      case 'a':
        this.out += '\\x07';
        return;
      case 's':
        // Go's \s is ASCII whitespace only, JS's includes Unicode spaces.
        this.out += inClass ? GO_SPACE : `[${GO_SPACE}]`;
        return;
      case 'S':
        if (inClass) this.fail('\\S inside a character class cannot be expressed; use [^\\s…] instead');
        this.out += `[^${GO_SPACE}]`;
        return;
      case 'A':
      case 'z':
        if (inClass) this.fail(`\\${e} is not allowed inside a character class`);
        this.out += e === 'A' ? '(?<![\\s\\S])' : '(?![\\s\\S])';
        return;
      case 'Q':
        this.quoted(inClass);
        return;
      case 'x':
        this.hexEscape();
        return;
      case 'p':
      case 'P':
        this.unicodeClass(e);
        return;
    }
    if (/[0-9]/.test(e)) {
      this.octalEscape(e);
      return;
    }
    if (/[A-Za-z]/.test(e)) this.fail(`invalid escape sequence \\${e}`);
    this.out += literal(e, inClass);
  }

  private quoted(inClass: boolean): void {
    const end = this.pattern.indexOf('\\E', this.i);
    const text = this.pattern.slice(this.i, end < 0 ? undefined : end);
    this.i = end < 0 ? this.pattern.length : end + 2;
    for (const ch of text) this.out += /[A-Za-z0-9_]/.test(ch) ? ch : literal(ch, inClass);
  }

  private hexEscape(): void {
    const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(this.rest());
    const plain = braced ? null : /^[0-9A-Fa-f]{2}/.exec(this.rest());
    const hex = braced?.[1] ?? plain?.[0];
    if (!hex) this.fail('invalid \\x escape; write \\x41 or \\x{41}');
    this.i += (braced ?? plain)![0].length;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.fail(`\\x{${hex}} is beyond the last Unicode code point`);
    if (code > 0xffff) {
      this.unicode = true;
      this.out += `\\u{${code.toString(16)}}`;
    } else {
      this.out += '\\u' + code.toString(16).padStart(4, '0');
    }
  }

  /** Go reads `\0`, `\12`, `\123` as octal; a lone `\1`…`\9` would be a backreference, which RE2 lacks. */
  private octalEscape(first: string): void {
    const more = /^[0-7]{0,2}/.exec(this.rest())![0];
    if (first > '7' || (first !== '0' && more === '')) {
      this.fail(`\\${first}: backreferences are not supported by Go regexps (RE2)`);
    }
    this.i += more.length;
    this.out +=
      '\\u' +
      parseInt(first + more, 8)
        .toString(16)
        .padStart(4, '0');
  }

  private unicodeClass(e: 'p' | 'P'): void {
    const m = /^(?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(this.rest());
    if (!m) this.fail(`invalid \\${e} escape; write \\${e}L or \\${e}{Greek}`);
    this.i += m[0].length;
    const name = m[2] ?? m[3]!;
    const negated = (e === 'P') !== Boolean(m[1]);
    // One- and two-letter names are general categories; longer ones are scripts in Go.
    const property = name.length <= 2 || name === 'Any' ? name : `Script=${name}`;
    this.unicode = true;
    this.out += name === 'Any' ? (negated ? '[^\\s\\S]' : '[\\s\\S]') : `\\${negated ? 'P' : 'p'}{${property}}`;
  }

  private rest(): string {
    return this.pattern.slice(this.i);
  }

  private fail(reason: string): never {
    throw new MatcherProblem(`invalid regular expression \`${this.pattern}\`: ${reason}`);
  }
}

/** A character as a literal, in a form valid in and out of classes, with or without the `u` flag. */
function literal(ch: string, inClass: boolean): string {
  if (ch === '-' && !inClass) return ch;
  if (SYNTAX.has(ch)) return '\\' + ch;
  const code = ch.codePointAt(0)!;
  return code < 0x80 ? '\\x' + code.toString(16).padStart(2, '0') : ch;
}
