import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isConfigFileName } from '../../config/source/index.js';

export interface Listing {
  /** Configuration files, in a stable (sorted) order: earlier files win on duplicates. */
  files: string[];
  /** Every directory visited, to be watched. */
  directories: string[];
}

/**
 * Lists the `.toml`/`.yml`/`.yaml` files under `root`, recursively like Traefik. Names starting
 * with a dot are skipped: editor swap files, and Kubernetes ConfigMap mounts whose `..data`
 * directories would otherwise duplicate every file. Symlinks are followed, once each.
 */
export function listConfigFiles(root: string): Listing {
  const listing: Listing = { files: [], directories: [] };
  visit(root, listing, new Set());
  return listing;
}

function visit(directory: string, listing: Listing, seen: Set<string>): void {
  const real = realpathSync(directory);
  if (seen.has(real)) return;
  seen.add(real);
  listing.directories.push(directory);
  for (const name of readdirSync(directory).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(directory, name);
    let kind: 'file' | 'directory' | undefined;
    try {
      const stats = statSync(path);
      kind = stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : undefined;
    } catch {
      continue; // Removed while listing, or a dangling symlink.
    }
    if (kind === 'directory') visit(path, listing, seen);
    else if (kind === 'file' && isConfigFileName(name)) listing.files.push(path);
  }
}
