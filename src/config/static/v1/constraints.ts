import { ConfigError } from '../../errors.js';

/**
 * Traefik v1's `constraints = ["tag==api", "tag!=us-*"]` as one v3 constraints expression: every
 * entry must hold; `tag==x` holds when one of the workload's tags (the `traefik.tags` label) matches
 * `x`, `tag!=x` when none does, and `*` in `x` matches any run of characters, as in v1.
 * Throws ConfigError naming the entry (`key[i]`) that is not in that form.
 */
export function translateV1Constraints(entries: readonly string[], key: string, location?: string): string {
  return entries
    .map((entry, i) => {
      const match = /^\s*tag\s*(==|!=)\s*([^`]+?)\s*$/.exec(entry);
      if (!match) {
        throw new ConfigError(
          `"${entry}" is not a v1 constraint; write tag==<value> or tag!=<value> (* matches anything, as in tag!=us-*)`,
          `${key}[${i}]`,
          location,
        );
      }
      const [, operator, value] = match as unknown as [string, string, string];
      const matcher = value.includes('*') ? `TagRegex(\`^${globToRegexp(value)}$\`)` : `Tag(\`${value}\`)`;
      return operator === '==' ? matcher : `!${matcher}`;
    })
    .join(' && ');
}

function globToRegexp(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
}
