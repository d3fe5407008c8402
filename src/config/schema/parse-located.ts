import type { ZodType } from 'zod';
import { ConfigError } from '../errors.js';
import { ConfigErrors, parseWithSchema } from '../validate.js';

export type Locate = (path: readonly string[]) => string | undefined;

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: ConfigError[] };

/**
 * `parseWithSchema`, with the same words, but each error carries the full key path (including an
 * unknown key's own name) and the `file:line:col` where that key is written.
 */
export function parseLocated<T>(
  schema: ZodType<T>,
  value: unknown,
  prefix: readonly string[],
  locate?: Locate,
): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const described = describedErrors(schema, value, prefix);
  const errors = result.error.issues.map((issue, index) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
    return new ConfigError(described[index]?.message ?? issue.message, path.join('.'), locate?.(path));
  });
  // A misspelt key comes first: the "is required" that usually follows it is its consequence.
  const unknownFirst = (error: ConfigError): number => (error.message.startsWith('unknown key') ? 0 : 1);
  return { ok: false, errors: errors.sort((a, b) => unknownFirst(a) - unknownFirst(b)) };
}

/** The project-wide wording (with "did you mean" hints), one error per zod issue, in order. */
function describedErrors(schema: ZodType, value: unknown, prefix: readonly string[]): ConfigError[] {
  try {
    parseWithSchema(schema, value, prefix.join('.'));
    return [];
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors;
    if (error instanceof ConfigError) return [error];
    throw error;
  }
}
