import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from './define.js';
import { ensureLeadingSlash } from './request-tools.js';

const schema = z.strictObject({ prefix: z.string().default('') });

/** `addPrefix`: prepends a fixed prefix to the path. */
export const addPrefix = defineMiddleware(schema, (options) => {
  if (options.prefix === '') throw new ConfigError('must not be empty; set it like "/api"', 'prefix');
  const { prefix } = options;
  return (next) => (ctx) => {
    ctx.path = ensureLeadingSlash(prefix + ctx.path);
    return next(ctx);
  };
});
