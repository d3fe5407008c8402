import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { respond } from '../runtime/respond.js';
import { compileSourceCriterion, sourceCriterionSchema } from './client-ip.js';
import { defineMiddleware } from './define.js';
import { integer } from './options.js';

const schema = z.strictObject({
  amount: integer.default(0),
  sourceCriterion: sourceCriterionSchema.optional(),
});

/**
 * In-flight counts per middleware name, kept across configuration reloads so that requests
 * started under the old configuration still count (and are released) under the new one.
 */
const countersByMiddleware = new Map<string, Map<string, number>>();

/** `inFlightReq`: at most `amount` simultaneous requests per source (by default the request host); 429 beyond. */
export const inFlightReq = defineMiddleware(schema, (options, deps) => {
  if (options.amount <= 0) throw new ConfigError(`must be at least 1, got ${options.amount}`, 'amount');
  const { amount } = options;
  const source = compileSourceCriterion(options.sourceCriterion, 'sourceCriterion', 'host');
  let counters = countersByMiddleware.get(deps.name);
  if (!counters) countersByMiddleware.set(deps.name, (counters = new Map()));
  const inFlight = counters;
  return (next) => (ctx) => {
    const key = source(ctx);
    const current = inFlight.get(key) ?? 0;
    if (current >= amount) {
      respond(ctx, 429, 'Too Many Requests');
      return;
    }
    inFlight.set(key, current + 1);
    ctx.res.once('close', () => {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    });
    return next(ctx);
  };
});
