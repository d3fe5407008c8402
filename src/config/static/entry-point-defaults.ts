import type { EntryPointConfig } from './types.js';

/**
 * The entry point settings Portier applies when none is written, Traefik's defaults: what
 * `/api/entrypoints` shows under the written ones. Settings Portier ignores (`http2`,
 * `http.sanitizePath`…) have no entry here: showing their defaults would claim a behaviour it lacks.
 */
export const ENTRY_POINT_DEFAULTS = {
  transport: {
    lifeCycle: { graceTimeOut: '10s' },
    respondingTimeouts: { readTimeout: '60s', idleTimeout: '180s' },
  },
  forwardedHeaders: {},
  http: {},
  udp: { timeout: '3s' },
} as const satisfies Omit<EntryPointConfig, 'address'>;
