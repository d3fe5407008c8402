import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FileProviderConfig } from '../../config/static/types.js';
import { logger } from '../../observability/logger.js';
import type { Provider, ProviderIssue, ProviderSnapshot } from '../types.js';
import { DirectoryWatcher } from './directory-watcher.js';
import { FileSet } from './file-set.js';
import { listConfigFiles } from './list-files.js';

/**
 * The file provider: dynamic configuration from one file or a directory tree of `.toml`/`.yml`/
 * `.yaml` files, merged. Edits apply live unless `watch` is false; a file that stops parsing
 * keeps serving its last good content while its error is reported. Relative paths resolve
 * against `baseDir`.
 */
export function createFileProvider(config: FileProviderConfig, baseDir: string): Provider {
  return new FileProvider(config, baseDir);
}

/** Reads the files once (for `portier check`). */
export async function loadDynamicFiles(config: FileProviderConfig, baseDir: string): Promise<ProviderSnapshot> {
  const files = new FileSet();
  const targets = findTargets(config, baseDir);
  files.refresh(targets.files);
  return files.snapshot(targets.issues);
}

class FileProvider implements Provider {
  readonly name = 'file';
  private readonly files = new FileSet();
  private watcher: DirectoryWatcher | undefined;
  private emit: ((snapshot: ProviderSnapshot) => void) | undefined;
  private lastEmitted: string | undefined;

  constructor(
    private readonly config: FileProviderConfig,
    private readonly baseDir: string,
  ) {}

  async start(emit: (snapshot: ProviderSnapshot) => void): Promise<void> {
    this.emit = emit;
    // Traefik watches unless told not to.
    if (this.config.watch !== false) this.watcher = new DirectoryWatcher(() => this.reloadSafely());
    this.reload();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    this.emit = undefined;
  }

  private reload(): void {
    const targets = findTargets(this.config, this.baseDir);
    this.files.refresh(targets.files);
    this.watcher?.watch(targets.directories);
    const snapshot = this.files.snapshot(targets.issues);
    const serialized = JSON.stringify(snapshot);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    this.emit?.(snapshot);
  }

  private reloadSafely(): void {
    try {
      this.reload();
    } catch (error) {
      logger.error({ err: error, provider: this.name }, 'file provider reload failed');
    }
  }
}

interface Targets {
  files: string[];
  directories: string[];
  issues: ProviderIssue[];
}

function findTargets(config: FileProviderConfig, baseDir: string): Targets {
  const targets: Targets = { files: [], directories: [], issues: [] };
  if (config.filename === undefined && config.directory === undefined) {
    targets.issues.push({
      message: 'set providers.file.filename or providers.file.directory to say where the dynamic configuration is',
      key: 'providers.file',
    });
  }
  if (config.filename !== undefined) {
    const file = resolve(baseDir, config.filename);
    targets.directories.push(dirname(file));
    if (existsSync(file)) targets.files.push(file);
    else targets.issues.push({ message: `the file ${file} does not exist`, key: 'providers.file.filename' });
  }
  if (config.directory !== undefined) {
    const directory = resolve(baseDir, config.directory);
    try {
      const listing = listConfigFiles(directory);
      targets.files.push(...listing.files.filter((file) => !targets.files.includes(file)));
      targets.directories.push(...listing.directories);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      // Watching the parent notices when the directory is created.
      if (missing) targets.directories.push(dirname(directory));
      const reason = missing ? 'does not exist' : `cannot be read: ${String(error)}`;
      targets.issues.push({ message: `the directory ${directory} ${reason}`, key: 'providers.file.directory' });
    }
  }
  return targets;
}
