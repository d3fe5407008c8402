function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges `override` onto `base` (lists are replaced, not joined). Keys are matched ignoring
 * case, so `PORTIER_ENTRYPOINTS_WEB_…` (lower-cased by env) lands on the file's `Web` entry point.
 */
export function mergeTrees(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const lower = key.toLowerCase();
    const existing = Object.keys(merged).find((candidate) => candidate.toLowerCase() === lower) ?? key;
    merged[existing] = mergeTrees(merged[existing], value);
  }
  return merged;
}
