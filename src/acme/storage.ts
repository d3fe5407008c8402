import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One certificate as Traefik's acme.json keeps it: PEMs in base64. */
export interface StoredCertificate {
  domain: { main: string; sans?: string[] };
  certificate: string;
  key: string;
  Store: string;
}

export interface ResolverRecord {
  Account?: { Email?: string; PrivateKey: string; Registration?: { uri?: string } };
  Certificates: StoredCertificate[];
}

/**
 * Traefik's `acme.json` layout (resolver name → account and certificates), so a file from
 * Traefik keeps working. Written atomically with mode 0600: it holds private keys.
 */
export class AcmeStorage {
  private data: Record<string, ResolverRecord>;

  constructor(private readonly path: string) {
    this.data = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8') || '{}') as Record<string, ResolverRecord>)
      : {};
  }

  resolver(name: string): ResolverRecord {
    return (this.data[name] ??= { Certificates: [] });
  }

  save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}

export const toBase64 = (pem: string | Buffer): string => Buffer.from(pem).toString('base64');
export const fromBase64 = (value: string): string => Buffer.from(value, 'base64').toString('utf8');
