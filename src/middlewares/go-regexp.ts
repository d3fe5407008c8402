import { ConfigError } from '../config/errors.js';

/*
 * Traefik's options hold Go (RE2) regular expressions and Go replacement templates (`$1`,
 * `${name}`). This module translates both to JavaScript once, at configuration time.
 */

const LEADING_FLAGS = /^\(\?([imsU]+)\)/;

/**
 * Compiles a Go regular expression. `key` names the option in errors (`regex[1]`).
 * Handles the RE2 spellings JavaScript lacks: `(?P<name>…)`, leading `(?i)`-style flags, `\A`, `\z`.
 */
export function compileGoRegexp(source: string, key: string, global = false): RegExp {
  let pattern = source.trim();
  let flags = global ? 'g' : '';
  const leading = LEADING_FLAGS.exec(pattern);
  if (leading) {
    if (leading[1]!.includes('U')) {
      throw new ConfigError(
        `the ungreedy flag (?U) in "${source}" is not supported; use lazy quantifiers (*?, +?)`,
        key,
      );
    }
    flags += leading[1];
    pattern = pattern.slice(leading[0].length);
  }
  pattern = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\z/g, '$1$2$$');
  if (/\\[pP]/.test(pattern)) flags += 'u';
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    throw new ConfigError(
      `"${source}" is not a valid regular expression (${reason}); check brackets and escape special characters with \\`,
      key,
    );
  }
}

type TemplatePart = string | { group: number } | { name: string };

/** A Go replacement template, compiled once. */
export class GoTemplate {
  private readonly parts: TemplatePart[] = [];

  constructor(template: string) {
    const variable = /\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
    let last = 0;
    for (let m = variable.exec(template); m; m = variable.exec(template)) {
      this.pushText(template.slice(last, m.index));
      last = variable.lastIndex;
      const name = m[1] ?? m[2];
      if (name === undefined) this.pushText('$');
      else this.parts.push(/^\d+$/.test(name) ? { group: Number(name) } : { name });
    }
    this.pushText(template.slice(last));
  }

  /** Fills the template from one match; unknown groups expand to '' as in Go. */
  expand(captures: readonly (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
    let out = '';
    for (const part of this.parts) {
      if (typeof part === 'string') out += part;
      else if ('group' in part) out += captures[part.group] ?? '';
      else out += named?.[part.name] ?? '';
    }
    return out;
  }

  private pushText(text: string): void {
    if (text === '') return;
    const previous = this.parts.at(-1);
    if (typeof previous === 'string') this.parts[this.parts.length - 1] = previous + text;
    else this.parts.push(text);
  }
}

/** Go's `Regexp.ReplaceAllString`: every match replaced by the expanded template. */
export function replaceAllGo(regex: RegExp, input: string, template: GoTemplate): string {
  if (!regex.global) throw new Error('replaceAllGo needs a global regular expression');
  return input.replace(regex, (...args: unknown[]) => {
    const named = typeof args.at(-1) === 'object' ? (args.at(-1) as Record<string, string | undefined>) : undefined;
    const captureEnd = args.length - (named ? 3 : 2);
    return template.expand(args.slice(0, captureEnd) as (string | undefined)[], named);
  });
}
