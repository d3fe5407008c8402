/** The `functions` section of the static configuration, checked and with defaults applied. */
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import type { StaticConfig } from '../config/static/types.js';
import type { FunctionLimits } from './runner.js';

export interface FunctionSettings {
  storeDirectory: string;
  limits: FunctionLimits;
  idleUnloadMs: number;
  env: Record<string, Record<string, string>>;
}

/** Loading gets at least this long, whatever `functions.timeout` says. */
const MIN_LOAD_TIMEOUT_MS = 10_000;

export const DEFAULTS = {
  storeDirectory: 'portier-functions',
  timeout: '10s',
  memoryLimitMb: 128,
  concurrency: 32,
  idleUnload: '5m',
  maxBodyBytes: 6 * 1024 * 1024,
} as const;

export function resolveSettings(config: StaticConfig['functions'], baseDir: string): FunctionSettings {
  const c = config ?? {};
  const directory = c.store?.directory ?? DEFAULTS.storeDirectory;
  const memoryLimitMb = c.memoryLimitMb ?? DEFAULTS.memoryLimitMb;
  if (!Number.isInteger(memoryLimitMb) || memoryLimitMb < 16) {
    throw new ConfigError(
      `must be a whole number of megabytes, at least 16 (got ${memoryLimitMb}); for example memoryLimitMb = 128`,
      'functions.memoryLimitMb',
    );
  }
  const concurrency = c.concurrency ?? DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(
      `must be a whole number of calls in flight, at least 1 (got ${concurrency})`,
      'functions.concurrency',
    );
  }
  const maxBodyBytes = c.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new ConfigError(
      `must be a whole number of bytes, at least 1 (got ${maxBodyBytes})`,
      'functions.maxBodyBytes',
    );
  }
  const timeoutMs = parseDuration(c.timeout ?? DEFAULTS.timeout, 'functions.timeout');
  if (timeoutMs <= 0) throw new ConfigError('must be longer than zero, for example "10s"', 'functions.timeout');
  return {
    storeDirectory: isAbsolute(directory) ? directory : resolve(baseDir, directory),
    limits: {
      timeoutMs,
      loadTimeoutMs: Math.max(timeoutMs, MIN_LOAD_TIMEOUT_MS),
      memoryLimitMb,
      concurrency,
      maxBodyBytes,
    },
    idleUnloadMs: parseDuration(c.idleUnload ?? DEFAULTS.idleUnload, 'functions.idleUnload'),
    env: c.env ?? {},
  };
}
