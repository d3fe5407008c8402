import { parseDuration } from '../config/duration.js';
import type { MiddlewareDeps } from '../middlewares/types.js';

/** Reads a duration option as whole seconds; `key` names it in the error. */
export function seconds(value: string | number, key: string): number {
  return Math.round(parseDuration(value, key) / 1000);
}

/** Reads a duration option as milliseconds. */
export function millis(value: string | number, key: string): number {
  return parseDuration(value, key);
}

/** The config key of a middleware's options, as written: `http.middlewares.auth.hmacAuth`. */
export function optionsKey(deps: MiddlewareDeps, type: string): string {
  const at = deps.name.lastIndexOf('@');
  return `http.middlewares.${at > 0 ? deps.name.slice(0, at) : deps.name}.${type}`;
}
