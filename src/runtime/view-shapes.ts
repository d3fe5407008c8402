import type { MiddlewareConfig, ServiceConfig } from '../config/dynamic/types.js';
import { DEFAULT_PASS_HOST_HEADER } from '../services/load-balancer.js';
import { redactServiceConfig } from './redact.js';

/**
 * How a service's configuration appears in the API: redacted, and with `passHostHeader: true` on a
 * load balancer that does not set it, which is Traefik's default and the one Portier applies.
 */
export function serviceAsShown(config: ServiceConfig): ServiceConfig {
  const redacted = redactServiceConfig(config);
  const lb = redacted.loadBalancer;
  return lb
    ? { ...redacted, loadBalancer: { ...lb, passHostHeader: lb.passHostHeader ?? DEFAULT_PASS_HOST_HEADER } }
    : redacted;
}

/**
 * A middleware's options as the user wrote them: the parsed (typed, redacted) value of each key
 * they set, without the defaults its schema filled in. Traefik's API leaves unset options out,
 * so `{"basicAuth":{"users":[…]}}` stays exactly that.
 */
export function optionsAsWritten(
  redacted: Record<string, unknown>,
  written: MiddlewareConfig | undefined,
): Record<string, unknown> {
  const writtenOptions = written ? Object.values(written)[0] : undefined;
  return Object.fromEntries(
    Object.entries(redacted).map(([type, options]) => [type, keepWritten(options, writtenOptions)]),
  );
}

function keepWritten(value: unknown, written: unknown): unknown {
  if (!isPlainObject(value) || !isPlainObject(written)) return value;
  // Labels and KV keys may differ in case from the option names the schema settled on.
  const writtenByKey = new Map(Object.entries(written).map(([key, v]) => [key.toLowerCase(), v]));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => writtenByKey.has(key.toLowerCase()))
      .map(([key, v]) => [key, keepWritten(v, writtenByKey.get(key.toLowerCase()))]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
