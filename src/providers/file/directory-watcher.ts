import { watch, type FSWatcher } from 'node:fs';

/**
 * Watches directories (not files: editors save by writing a temp file and renaming it over the
 * original, which a file watch misses) and calls `onChange` once a burst of events has been
 * quiet for `debounceMs`.
 */
export class DirectoryWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = 50,
  ) {}

  /** Watches exactly these directories from now on. */
  watch(directories: readonly string[]): void {
    for (const [directory, watcher] of this.watchers) {
      if (directories.includes(directory)) continue;
      watcher.close();
      this.watchers.delete(directory);
    }
    for (const directory of directories) {
      if (this.watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, () => this.schedule());
        // The directory went away: forget it; the next listing decides whether to watch it again.
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(directory);
          this.schedule();
        });
        this.watchers.set(directory, watcher);
      } catch {
        // Gone between listing and watching: the event that removed it schedules a new listing.
      }
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, this.debounceMs);
  }
}
