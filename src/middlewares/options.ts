import { z } from 'zod';

/*
 * Option schemas shared by the middleware types. Values may come from YAML/TOML (typed) or from
 * Docker labels and KV stores (always strings), so scalars also accept their string spelling and
 * lists also accept Traefik's comma-separated label form.
 */

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false };

/** A boolean, also written `"true"` / `"false"` (any case) as labels do. */
export const flag = z.preprocess(
  (value) => (typeof value === 'string' ? (BOOLEAN_WORDS[value.trim().toLowerCase()] ?? value) : value),
  z.boolean(),
);

/** An integer, also written as a decimal string. */
export const integer = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int(),
);

/** A list of strings, also written as one comma-separated string. */
export const stringList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
      : value,
  z.array(z.string()),
);

/** A duration: seconds as a number, or Go syntax (`100ms`, `1m30s`); read with parseDuration. */
export const duration = z.union([z.string(), z.number().nonnegative()]);

/** A string that labels may also give as a number (ports, status codes). */
export const text = z.union([z.string(), z.number()]).transform(String);

/** Map of header name → value. */
export const headerMap = z.record(z.string(), z.string());
