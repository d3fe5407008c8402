import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { domainKey, type AcmeStore, type ResolverRecord, type StoredAccount, type StoredCertificate } from './store.js';

/** Reads a Traefik acme.json (resolver name → account and certificates); empty when absent. */
export function readAcmeFile(path: string): Record<string, ResolverRecord> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8') || '{}') as Record<string, ResolverRecord>) : {};
}

/**
 * Traefik's `acme.json` layout, so a file from Traefik keeps working. Written atomically with
 * mode 0600: it holds private keys. One instance owns the file, so locks are the caller's queue
 * and challenges need no publishing.
 */
export class FileAcmeStore implements AcmeStore {
  readonly shared = false;
  private readonly data: Record<string, ResolverRecord>;

  constructor(private readonly path: string) {
    this.data = readAcmeFile(path);
  }

  get where(): string {
    return this.path;
  }

  read(resolver: string): Promise<ResolverRecord> {
    return Promise.resolve((this.data[resolver] ??= { Certificates: [] }));
  }

  async writeAccount(resolver: string, account: StoredAccount): Promise<void> {
    (await this.read(resolver)).Account = account;
    this.save();
  }

  async writeCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    const record = await this.read(resolver);
    const key = domainKey(certificate);
    record.Certificates = [...record.Certificates.filter((c) => domainKey(c) !== key), certificate];
    this.save();
  }

  exclusively<T>(_name: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return task(new AbortController().signal);
  }

  publishChallenge(): Promise<void> {
    return Promise.resolve();
  }

  challenges(): Promise<[]> {
    return Promise.resolve([]);
  }

  subscribe(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}
