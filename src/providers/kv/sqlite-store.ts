import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KvPair, KvStore, KvWatch, KvWatchListener } from './store.js';

/** `PRAGMA data_version` is one cheap read: checking it this often keeps changes live within 200 ms. */
const POLL_MS = 50;

/**
 * Portier's single-file KV store (SQLite, WAL): the single-node default, where Traefik v1 had
 * BoltDB. `portier kv put|get|ls|rm` write it from another process; the provider notices through
 * `data_version`, which SQLite bumps whenever another connection commits.
 */
export async function openSqliteStore(filename: string): Promise<KvStore> {
  return new SqliteStore(filename);
}

class SqliteStore implements KvStore {
  readonly where: string;
  private readonly db: Database.Database;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(filename: string) {
    this.where = `embedded ${filename}`;
    mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 2000');
    this.db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  }

  async list(prefix: string): Promise<KvPair[]> {
    // A range on the primary key, not LIKE: `_` and `%` are ordinary characters in keys.
    return this.db
      .prepare<[string, string], KvPair>('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key')
      .all(prefix, `${prefix}\u{10FFFF}`);
  }

  async get(key: string): Promise<string | undefined> {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(key)?.value;
  }

  async put(key: string, value: string): Promise<void> {
    this.db
      .prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  async delete(key: string, options: { prefix?: boolean } = {}): Promise<number> {
    const result = options.prefix
      ? this.db.prepare('DELETE FROM kv WHERE key >= ? AND key < ?').run(key, `${key}\u{10FFFF}`)
      : this.db.prepare('DELETE FROM kv WHERE key = ?').run(key);
    return result.changes;
  }

  async watch(_prefix: string, listener: KvWatchListener): Promise<KvWatch> {
    let version = this.dataVersion();
    const timer = setInterval(() => {
      try {
        const current = this.dataVersion();
        if (current === version) return;
        version = current;
        listener.changed();
      } catch (error) {
        listener.lost(error as Error);
      }
    }, POLL_MS);
    this.timers.add(timer);
    return {
      close: () => {
        clearInterval(timer);
        this.timers.delete(timer);
      },
    };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    this.db.close();
  }

  private dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
