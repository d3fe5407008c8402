import { ConfigError } from '../config/errors.js';
import { compileGoRegexp as translateGoRegexp } from '../rules/go-regexp.js';

/*
 * Traefik's options hold Go (RE2) regular expressions and Go replacement templates (`$1`,
 * `${name}`). This module translates both to JavaScript once, at configuration time.
 */

/**
 * Compiles a Go regular expression from an option, with the rules' RE2 translation. `key` names
 * the option in errors (`regex[1]`).
 */
export function compileGoRegexp(source: string, key: string): RegExp {
  try {
    return translateGoRegexp(source.trim());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${reason}; check brackets and escape special characters with \\`, key);
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
