import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PemPair {
  cert: string;
  key: string;
}

let generated: PemPair | undefined;

/**
 * Traefik's fallback when no default certificate is configured: a self-signed one, made once per
 * process. Node cannot issue X.509 certificates itself, so openssl (on every Debian image) does it.
 */
export function defaultSelfSigned(): PemPair {
  if (generated) return generated;
  const dir = mkdtempSync(join(tmpdir(), 'portier-default-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const subject = ['-subj', '/CN=PORTIER DEFAULT CERT', '-keyout', key, '-out', cert];
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '365'];
    execFileSync('openssl', [...args, ...subject], { stdio: 'ignore' });
    generated = { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
    return generated;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
