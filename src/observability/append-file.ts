import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../config/errors.js';

/**
 * Opens a log file for appending, creating its folder. A failure is a configuration error naming
 * `key`, the setting that points at the file (`what` says which log it is).
 */
export function openAppendFile(path: string, what: string, key: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a');
  } catch (error) {
    throw new ConfigError(
      `cannot open the ${what} file "${path}" (${(error as Error).message}); point ${key} at a writable file`,
      key,
    );
  }
}
