import type { ServiceConfig } from '../config/dynamic/types.js';

const REDACTED = '<redacted>';

/** `http://user:secret@host/` → `http://<redacted>@host/`: credentials never reach the API. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
}

/**
 * A service configuration as the API may show it: server URLs without credentials and
 * health-check header values (often `Authorization`) hidden.
 */
export function redactServiceConfig(config: ServiceConfig): ServiceConfig {
  const lb = config.loadBalancer;
  if (!lb) return config;
  const headers = lb.healthCheck?.headers;
  return {
    ...config,
    loadBalancer: {
      ...lb,
      servers: lb.servers.map((server) => ({ ...server, url: redactUrl(server.url) })),
      ...(headers && {
        healthCheck: {
          ...lb.healthCheck,
          headers: Object.fromEntries(Object.keys(headers).map((name) => [name, REDACTED])),
        },
      }),
    },
  };
}
