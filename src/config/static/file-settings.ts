import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseLocated } from '../schema/parse-located.js';
import { normalizeBySchema } from '../schema/walk.js';
import type { ConfigSource } from '../source/index.js';
import { salvage } from './salvage.js';
import { staticConfigSchema } from './schema.js';
import { isV1StaticFile, v1StaticSchema } from './v1/schema.js';
import { translateV1Static } from './v1/translate.js';

export interface FileSettings {
  tree: Record<string, unknown>;
  errors: ConfigError[];
  warnings: string[];
}

/** The settings of a static file in v3 shape, translating a v1 file on the way. */
export function fileSettings(source: ConfigSource): FileSettings {
  const { data } = source;
  if (data === null || data === undefined) return { tree: {}, errors: [], warnings: [] };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      tree: {},
      errors: [new ConfigError('the static configuration must be a table/mapping of settings', undefined, source.file)],
      warnings: [],
    };
  }
  if (!isV1StaticFile(data)) {
    return { tree: normalizeBySchema(data, staticConfigSchema) as Record<string, unknown>, errors: [], warnings: [] };
  }
  const normalized = normalizeBySchema(data, v1StaticSchema);
  const parsed = parseLocated(v1StaticSchema, normalized, [], source.locate);
  const v1 = parsed.ok ? parsed.data : salvage(v1StaticSchema, normalized, parsed.errors);
  const translation = translateV1Static(v1, resolve(source.file), source.locate);
  return {
    tree: translation.tree,
    errors: [...(parsed.ok ? [] : parsed.errors), ...translation.errors],
    warnings: [`${source.file}: read as a Traefik v1 file`, ...translation.warnings],
  };
}
