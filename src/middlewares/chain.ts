import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from './define.js';
import { stringList } from './options.js';
import type { Middleware } from './types.js';

const schema = z.strictObject({ middlewares: stringList.default([]) });

/** `chain`: several middlewares under one name, applied in order. */
export const chain = defineMiddleware(schema, (options, deps) => {
  const members: Middleware[] = options.middlewares.map((name, i) => {
    try {
      return deps.resolveMiddleware(name);
    } catch (error) {
      const reason = error instanceof ConfigError ? error.describe() : String(error);
      throw new ConfigError(`cannot use "${name}": ${reason}`, `middlewares[${i}]`);
    }
  });
  return (next) => members.reduceRight((handler, middleware) => middleware(handler), next);
});
