import type { ZodType } from 'zod';
import { ConfigError } from './errors.js';
import { closestKey } from './did-you-mean.js';

/**
 * Validates `value` with a zod schema and returns the parsed data, or throws one ConfigError per
 * problem. Keys are reported as full dotted paths under `keyPrefix`
 * (`http.middlewares.strip.stripPrefix.prefixes`), and unknown keys get a "did you mean" hint.
 */
export function parseWithSchema<T>(schema: ZodType<T>, value: unknown, keyPrefix: string, location?: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigErrors(
    result.error.issues.map((issue) => {
      const path = [keyPrefix, ...issue.path.map(String)].filter(Boolean).join('.');
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeysAt(schema, issue.path);
        const hints = issue.keys.map((key) => {
          const guess = closestKey(key, known);
          return guess ? `"${key}" (did you mean "${guess}"?)` : `"${key}"`;
        });
        return new ConfigError(`unknown key ${hints.join(', ')}`, path, location);
      }
      if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
        return new ConfigError(`is required (expected ${issue.expected})`, path, location);
      }
      return new ConfigError(issue.message, path, location);
    }),
  );
}

/** Several configuration errors found at once; `errors` holds each one. */
export class ConfigErrors extends ConfigError {
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.describe()).join('; '), errors[0]?.key, errors[0]?.location);
  }
}

/** Walks a zod object schema along `path` and lists the keys it allows there. */
function knownKeysAt(schema: ZodType, path: PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const segment of path) {
    node = childSchema(node, segment);
    if (!node) return [];
  }
  const shape = objectShape(node);
  return shape ? Object.keys(shape) : [];
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { innerType?: unknown; type?: string } } | undefined;
  while (current?.def?.innerType) current = current.def.innerType;
  return current;
}

function objectShape(node: unknown): Record<string, unknown> | undefined {
  const inner = unwrap(node) as { def?: { shape?: Record<string, unknown> } } | undefined;
  return inner?.def?.shape;
}

function childSchema(node: unknown, segment: PropertyKey): unknown {
  const inner = unwrap(node) as { def?: { type?: string; element?: unknown; valueType?: unknown } } | undefined;
  const def = inner?.def;
  if (!def) return undefined;
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  return objectShape(inner)?.[String(segment)];
}
