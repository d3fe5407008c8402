import type { ZodType } from 'zod';
import type { ConfigError } from '../errors.js';

/**
 * After validation errors, the value without the offending keys, so that the rest of the
 * configuration can still be shown (by `portier check`) or used. A key that is still wrong once
 * removed (a required one) takes its parent with it. Falls back to `{}`.
 */
export function salvage<T>(schema: ZodType<T>, value: unknown, errors: readonly ConfigError[]): T {
  const current = structuredClone(value);
  const removed = new Set<string>();
  let pending = errors.map((error) => error.key?.split('.') ?? []);
  for (let round = 0; round < 8; round++) {
    for (let path of pending) {
      while (path.length > 0 && removed.has(path.join('.'))) path = path.slice(0, -1);
      if (path.length === 0) return schema.parse({});
      removed.add(path.join('.'));
      removePath(current, path);
    }
    const result = schema.safeParse(current);
    if (result.success) return result.data;
    pending = result.error.issues.map((issue) => [
      ...issue.path.map(String),
      ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
    ]);
  }
  return schema.parse({});
}

function removePath(value: unknown, path: readonly string[]): void {
  let node = value;
  for (const segment of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, unknown>)[segment];
  }
  if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[path[path.length - 1]!];
}
