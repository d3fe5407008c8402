import type { z } from 'zod';
import { parseWithSchema } from '../config/validate.js';
import type { Middleware, MiddlewareDeps, MiddlewareType } from './types.js';

/**
 * Declares a middleware type whose factory receives typed options. The options are parsed again
 * here (parsing is idempotent) so that callers which bypass the runtime's validation, such as the
 * v1 rule modifiers, still get defaults applied and bad values reported as ConfigError.
 */
export function defineMiddleware<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  create: (options: z.output<S>, deps: MiddlewareDeps) => Middleware,
  secretOptions?: readonly string[],
): MiddlewareType {
  return {
    schema,
    create: (options, deps) => create(parseWithSchema(schema, options, deps.name) as z.output<S>, deps),
    ...(secretOptions ? { secretOptions } : {}),
  };
}
