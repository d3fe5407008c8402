/**
 * Removes the keys matching `patterns` from `tree` (in place) and returns the dotted paths it
 * removed. A pattern is a list of keys; `*` stands for any key or list index. Keys match ignoring
 * case. Used for settings Traefik knows that Portier accepts without acting on them.
 */
export function stripMatching(tree: unknown, patterns: readonly (readonly string[])[]): string[] {
  const removed: string[] = [];
  for (const pattern of patterns) strip(tree, pattern, [], removed);
  return removed;
}

function strip(node: unknown, pattern: readonly string[], path: string[], removed: string[]): void {
  if (typeof node !== 'object' || node === null) return;
  const object = node as Record<string, unknown>;
  const [head, ...rest] = pattern;
  for (const key of Object.keys(object)) {
    if (head !== '*' && key.toLowerCase() !== head?.toLowerCase()) continue;
    if (rest.length > 0) {
      strip(object[key], rest, [...path, key], removed);
      continue;
    }
    delete object[key];
    removed.push([...path, key].join('.'));
  }
}
