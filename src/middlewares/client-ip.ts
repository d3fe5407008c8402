import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { ipv6SubnetStart } from '../net/ip-address.js';
import { IpSet } from '../rules/client-ip.js';
import type { RequestContext } from '../runtime/context.js';
import { flag, integer, stringList } from './options.js';
import { requestHeader } from './request-tools.js';

/*
 * Traefik's `ipStrategy` and `sourceCriterion`: which client a request is attributed to. Shared by
 * ipAllowList, inFlightReq and the rate limiters.
 */

export const ipStrategySchema = z.strictObject({
  depth: integer.default(0),
  excludedIPs: stringList.default([]),
  ipv6Subnet: integer.optional(),
});

export const sourceCriterionSchema = z.strictObject({
  ipStrategy: ipStrategySchema.optional(),
  requestHeaderName: z.string().default(''),
  requestHost: flag.default(false),
});

export type IpStrategyOptions = z.output<typeof ipStrategySchema>;
export type SourceCriterionOptions = z.output<typeof sourceCriterionSchema>;

/** Extracts the identity of a request's source ('' when it cannot be told). */
export type SourceExtractor = (ctx: RequestContext) => string;

// One implementation of IP ranges, shared with the ClientIP matcher, offered here to the ipStrategy users.
export { IpSet };

/** Splits X-Forwarded-For into its entries, in order. */
function forwardedFor(ctx: RequestContext): string[] {
  return requestHeader(ctx, 'x-forwarded-for').split(',');
}

/** Compiles an `ipStrategy` (absent: the TCP peer). `key` prefixes option names in errors. */
export function compileIpStrategy(options: IpStrategyOptions | undefined, key: string): SourceExtractor {
  const subnet = options?.ipv6Subnet;
  if (subnet !== undefined && (subnet <= 0 || subnet > 128)) {
    throw new ConfigError(`must be between 1 and 128, got ${subnet}`, `${key}.ipv6Subnet`);
  }
  const inSubnet = subnet === undefined ? (ip: string) => ip : ipv6SubnetStart(subnet);
  if (options && options.depth > 0) {
    const { depth } = options;
    return (ctx) => {
      const entries = forwardedFor(ctx);
      return entries.length < depth ? '' : inSubnet(entries[entries.length - depth]!.trim());
    };
  }
  if (options && options.excludedIPs.length > 0) {
    const excluded = new IpSet(options.excludedIPs, `${key}.excludedIPs`);
    return (ctx) => {
      const entries = forwardedFor(ctx);
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i]!.trim();
        if (entry !== '' && !excluded.has(entry)) return entry;
      }
      return '';
    };
  }
  return (ctx) => inSubnet(ctx.clientIp);
}

/**
 * Compiles a `sourceCriterion`: one of ipStrategy, requestHeaderName or requestHost.
 * `fallback` is what an empty criterion means (client IP for rateLimit, host for inFlightReq).
 */
export function compileSourceCriterion(
  options: SourceCriterionOptions | undefined,
  key: string,
  fallback: 'ip' | 'host',
): SourceExtractor {
  const chosen = [
    options?.ipStrategy && 'ipStrategy',
    options?.requestHeaderName && 'requestHeaderName',
    options?.requestHost && 'requestHost',
  ].filter(Boolean);
  if (chosen.length > 1) throw new ConfigError(`${chosen.join(' and ')} are mutually exclusive; keep one`, key);
  if (options?.requestHeaderName) {
    const name = options.requestHeaderName;
    return (ctx) => requestHeader(ctx, name);
  }
  if (options?.requestHost || (chosen.length === 0 && fallback === 'host')) return (ctx) => ctx.host;
  return compileIpStrategy(options?.ipStrategy, `${key}.ipStrategy`);
}
