/**
 * Configuration files as plain data (TOML or YAML, chosen by extension), each with `locate` to
 * trace a key path back to `file:line:col` for error messages. Used by the static loader and the
 * file provider.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseTomlSource } from './toml-source.js';
import type { ConfigSource } from './types.js';
import { parseYamlSource } from './yaml-source.js';

export type { ConfigSource } from './types.js';

/** The configuration formats Portier reads, by file extension. */
export const CONFIG_EXTENSIONS = ['.toml', '.yml', '.yaml'] as const;

export function isConfigFileName(file: string): boolean {
  return (CONFIG_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());
}

/** Parses configuration text; the format comes from the file name's extension. */
export function parseConfigText(text: string, file: string): ConfigSource {
  const extension = extname(file).toLowerCase();
  if (extension === '.toml') return parseTomlSource(text, file);
  if (extension === '.yml' || extension === '.yaml') return parseYamlSource(text, file);
  throw new ConfigError(
    `cannot tell the format of "${file}": name it with a .toml, .yml or .yaml extension`,
    undefined,
    file,
  );
}

/** Reads and parses a configuration file; a missing or unreadable file is a ConfigError. */
export function readConfigFile(file: string): ConfigSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error);
    throw new ConfigError(`cannot read configuration file: ${reason}`, undefined, file);
  }
  return parseConfigText(text, file);
}
