import { ConfigError } from './errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a Traefik duration: a number of seconds (`10`), or Go syntax (`1m30s`, `250ms`).
 * Returns milliseconds. `key` names the setting in the error.
 */
export function parseDuration(value: string | number, key: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new ConfigError(`must be a non-negative duration, got ${value}`, key);
    return value * 1000;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    consumed = part.lastIndex;
  }
  if (text === '' || consumed !== text.length) {
    throw new ConfigError(`"${value}" is not a duration; write it like "10s", "250ms" or "1m30s"`, key);
  }
  return total;
}
