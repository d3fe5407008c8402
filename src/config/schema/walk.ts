/**
 * Reads the structure of zod schemas (zod 4 `def` objects), so that loaders can match keys
 * written in any case to the canonical ones and turn flag/env strings into typed values.
 */
import { mergeTrees } from './merge.js';

interface SchemaDef {
  type: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
  entries?: Record<string, string>;
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { def?: SchemaDef } | undefined)?.def;
}

/** The schema with optional/default/nullable/pipe wrappers removed. */
export function unwrapSchema(schema: unknown): SchemaDef | undefined {
  let def = defOf(schema);
  while (def && (def.innerType !== undefined || (def.type === 'pipe' && def.in !== undefined))) {
    def = defOf(def.innerType ?? def.in);
  }
  return def;
}

/** The canonical key of an object schema that matches `key` ignoring case. */
export function canonicalKey(def: SchemaDef | undefined, key: string): string | undefined {
  if (!def?.shape) return undefined;
  if (key in def.shape) return key;
  const lower = key.toLowerCase();
  return Object.keys(def.shape).find((candidate) => candidate.toLowerCase() === lower);
}

/** The schema of the child at `key` (object field, record value or array element). */
export function childSchema(def: SchemaDef | undefined, key: string): unknown {
  if (!def) return undefined;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  const canonical = canonicalKey(def, key);
  return canonical === undefined ? undefined : def.shape?.[canonical];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites `value` to the schema's canonical spelling: object keys matched ignoring case, enum
 * values likewise, and the strings that flags and env vars produce turned into booleans, numbers
 * and comma-separated lists where the schema wants those. A bare section (`--api`, YAML `ping:`)
 * becomes an empty object. Anything unknown is left as it is, for validation to report.
 */
export function normalizeBySchema(value: unknown, schema: unknown): unknown {
  const def = unwrapSchema(schema);
  if (!def) return value;
  switch (def.type) {
    case 'object':
      if (value === null || value === true || value === 'true') return {};
      if (!isPlainObject(value)) return value;
      // Two spellings of one key (`--entrypoints.x` and `--entryPoints.y`) merge into one.
      return Object.entries(value).reduce<Record<string, unknown>>((result, [key, child]) => {
        const canonical = canonicalKey(def, key);
        if (canonical === undefined) return { ...result, [key]: child };
        const normalized = normalizeBySchema(child, def.shape?.[canonical]);
        return { ...result, [canonical]: mergeTrees(result[canonical], normalized) };
      }, {});
    case 'record':
      if (value === null || value === true || value === 'true') return {};
      if (!isPlainObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, child]) => [key, normalizeBySchema(child, def.valueType)]),
      );
    case 'array': {
      const items =
        typeof value === 'string'
          ? value
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean)
          : value;
      return Array.isArray(items) ? items.map((item) => normalizeBySchema(item, def.element)) : items;
    }
    case 'boolean':
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return value;
    case 'number':
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'enum': {
      if (typeof value !== 'string') return value;
      const lower = value.toLowerCase();
      return Object.values(def.entries ?? {}).find((entry) => entry.toLowerCase() === lower) ?? value;
    }
    default:
      return value;
  }
}
