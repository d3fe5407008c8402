import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from './define.js';
import { appendRequestHeader, ensureLeadingSlash } from './request-tools.js';

export const REPLACED_PATH_HEADER = 'X-Replaced-Path';

const INVALID_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Whether a rewritten path has a malformed %-escape (Go's PathUnescape would fail). */
export function hasInvalidEscape(path: string): boolean {
  return INVALID_ESCAPE.test(path);
}

const schema = z.strictObject({ path: z.string().default('') });

/** `replacePath`: replaces the whole path; the original goes upstream in X-Replaced-Path. */
export const replacePath = defineMiddleware(schema, (options) => {
  const { path } = options;
  const target = ensureLeadingSlash(path) || '/';
  if (hasInvalidEscape(path)) {
    throw new ConfigError(`"${path}" has a malformed %-escape; write "%" as "%25"`, 'path');
  }
  return (next) => (ctx) => {
    appendRequestHeader(ctx, REPLACED_PATH_HEADER, ctx.path);
    ctx.path = target;
    return next(ctx);
  };
});
