import type { HealthCheckConfig } from '../config/dynamic/types.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';

/** A health check setting with defaults applied and durations in milliseconds. */
export interface HealthCheckSettings {
  path: string;
  intervalMs: number;
  unhealthyIntervalMs: number;
  timeoutMs: number;
  scheme?: string;
  hostname?: string;
  port?: number;
  method: string;
  status?: number;
  headers: Record<string, string>;
}

/** Validates `loadBalancer.healthCheck` at build time, so a typo disables the service, not a timer. */
export function healthCheckSettings(config: HealthCheckConfig): HealthCheckSettings {
  const key = 'loadBalancer.healthCheck';
  const intervalMs = parseDuration(config.interval ?? '30s', `${key}.interval`);
  if (intervalMs <= 0) throw new ConfigError('must be a positive duration such as "10s"', `${key}.interval`);
  const unhealthyIntervalMs = config.unhealthyInterval
    ? parseDuration(config.unhealthyInterval, `${key}.unhealthyInterval`)
    : intervalMs;
  if (unhealthyIntervalMs <= 0) {
    throw new ConfigError('must be a positive duration such as "5s"', `${key}.unhealthyInterval`);
  }
  const path = config.path ?? '/';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    throw new ConfigError(`"${path}" must be a path such as "/health", not a URL`, `${key}.path`);
  }
  if (config.scheme && !['http', 'https'].includes(config.scheme)) {
    throw new ConfigError(`"${config.scheme}" is not supported; use "http" or "https"`, `${key}.scheme`);
  }
  return {
    path: path.startsWith('/') ? path : `/${path}`,
    intervalMs,
    unhealthyIntervalMs,
    timeoutMs: parseDuration(config.timeout ?? '5s', `${key}.timeout`),
    scheme: config.scheme,
    hostname: config.hostname,
    port: config.port,
    method: (config.method ?? 'GET').toUpperCase(),
    status: config.status,
    headers: config.headers ?? {},
  };
}
