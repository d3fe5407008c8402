import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { StickyCookieConfig } from '../config/dynamic/types.js';

const SAME_SITE: Record<string, string> = { none: 'None', lax: 'Lax', strict: 'Strict' };

/** Traefik's default cookie name: `_` and 5 hex digits of sha1("_TRAEFIK_BACKEND_" + service). */
export function defaultCookieName(serviceName: string): string {
  return '_' + createHash('sha1').update(`_TRAEFIK_BACKEND_${serviceName}`).digest('hex').slice(0, 5);
}

/** Cookie names may only hold token characters; Traefik turns the others into `_`. */
export function sanitizeCookieName(name: string): string {
  return name.replace(/[^A-Za-z0-9!#$%&'*+\-.^`|~]/g, '_');
}

/** The value naming one target (server URL or child service): 16 hex digits of its sha256. */
export function stickyValue(target: string): string {
  return createHash('sha256').update(target).digest('hex').slice(0, 16);
}

/** Finds one cookie's value in a Cookie header without parsing the others. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A sticky cookie setting, compiled: `lookup` maps a request's cookie to a target and
 * `setCookie` gives the precomputed Set-Cookie line for a target.
 */
export class StickyCookie<T> {
  readonly name: string;
  private readonly byValue = new Map<string, T>();
  private readonly lines = new Map<T, string>();

  /** `targets` pairs each target with the text hashed into its cookie value (its URL or name). */
  constructor(config: StickyCookieConfig, serviceName: string, targets: readonly (readonly [T, string])[]) {
    this.name = config.name ? sanitizeCookieName(config.name) : defaultCookieName(serviceName);
    let attributes = `; Path=${config.path || '/'}`;
    if (config.domain) attributes += `; Domain=${config.domain}`;
    if (config.maxAge && config.maxAge > 0) attributes += `; Max-Age=${config.maxAge}`;
    else if (config.maxAge && config.maxAge < 0) attributes += '; Max-Age=0';
    if (config.httpOnly) attributes += '; HttpOnly';
    if (config.secure) attributes += '; Secure';
    const sameSite = SAME_SITE[config.sameSite ?? ''];
    if (sameSite) attributes += `; SameSite=${sameSite}`;
    for (const [target, text] of targets) {
      const value = stickyValue(text);
      this.byValue.set(value, target);
      // Cookies written by Traefik v2 held the server URL itself; they keep working.
      this.byValue.set(text, target);
      this.lines.set(target, `${this.name}=${value}${attributes}`);
    }
  }

  lookup(cookieHeader: string | undefined): T | undefined {
    const value = readCookie(cookieHeader, this.name);
    return value === undefined ? undefined : this.byValue.get(value);
  }

  setCookie(target: T): string {
    return this.lines.get(target) ?? '';
  }
}

/** Adds a Set-Cookie line to response headers, after those the upstream set. */
export function appendSetCookie(headers: OutgoingHttpHeaders, line: string): void {
  const existing = headers['set-cookie'];
  headers['set-cookie'] = existing === undefined ? line : [existing, line].flat().map(String);
}
