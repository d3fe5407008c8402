import { statSync } from 'node:fs';

/**
 * What files looked like when they were read, to tell when one is replaced. The inode and size
 * count too: a file renamed over the old one (how secrets are rotated) may keep its mtime.
 */
export class FileStamps {
  private readonly stamps: ReadonlyMap<string, string>;

  constructor(paths: readonly string[]) {
    this.stamps = new Map(paths.map((path) => [path, stampOf(path)]));
  }

  changed(): boolean {
    for (const [path, stamp] of this.stamps) if (stampOf(path) !== stamp) return true;
    return false;
  }
}

function stampOf(path: string): string {
  try {
    const { ino, size, mtimeMs } = statSync(path);
    return `${ino}:${size}:${mtimeMs}`;
  } catch {
    return 'missing';
  }
}
