import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { respond } from '../runtime/respond.js';
import { compileIpStrategy, IpSet, ipStrategySchema } from './client-ip.js';
import { defineMiddleware } from './define.js';
import { integer, stringList } from './options.js';

const schema = z.strictObject({
  sourceRange: stringList.default([]),
  ipStrategy: ipStrategySchema.optional(),
  rejectStatusCode: integer.default(403),
});

/** `ipAllowList` (and its v2 name `ipWhiteList`): only clients from the listed ranges get through. */
export const ipAllowList = defineMiddleware(schema, (options) => {
  if (options.sourceRange.length === 0) {
    throw new ConfigError('is empty; list the allowed IPs or CIDR ranges, e.g. ["10.0.0.0/8"]', 'sourceRange');
  }
  const status = options.rejectStatusCode === 0 ? 403 : options.rejectStatusCode;
  const statusText = STATUS_CODES[status];
  if (!statusText)
    throw new ConfigError(`${status} is not an HTTP status code; use e.g. 403 or 404`, 'rejectStatusCode');
  const allowed = new IpSet(options.sourceRange, 'sourceRange');
  const clientIp = compileIpStrategy(options.ipStrategy, 'ipStrategy');
  return (next) => (ctx) => {
    if (allowed.has(clientIp(ctx))) return next(ctx);
    respond(ctx, status, statusText);
  };
});
