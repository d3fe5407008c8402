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

/** The config key of a middleware's options, for error messages: `http.middlewares.x@file.hmacAuth`. */
export function optionsKey(deps: MiddlewareDeps, type: string): string {
  return `http.middlewares.${deps.name}.${type}`;
}
