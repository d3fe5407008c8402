import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '../observability/logger.js';

export interface PemPair {
  cert: string;
  key: string;
}

let generated: PemPair | undefined;

const OPENSSL_ARGS = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '365'];

/**
 * Makes the fallback certificate in the background at start, so the first TLS client does not
 * wait for openssl with the event loop blocked. Failing here is not final: the sync path retries.
 */
export async function prepareDefaultSelfSigned(): Promise<void> {
  if (generated) return;
  const dir = mkdtempSync(join(tmpdir(), 'portier-default-cert-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await promisify(execFile)('openssl', [
      ...OPENSSL_ARGS,
      '-subj',
      '/CN=PORTIER DEFAULT CERT',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    generated ??= { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } catch {
    // defaultSelfSigned() tries again, and reports, when a certificate is needed.
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Set when openssl could not make the certificate: the process does without one from then on. */
let failed = false;

/**
 * Traefik's fallback when no default certificate is configured: a self-signed one, made once per
 * process. Node cannot issue X.509 certificates itself, so openssl (on every Debian image) does it.
 * Without openssl there is none: the error is logged once, and connections that match no
 * configured certificate are refused rather than the whole TLS layer failing.
 */
export function defaultSelfSigned(): PemPair | undefined {
  if (generated || failed) return generated;
  const dir = mkdtempSync(join(tmpdir(), 'portier-default-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const subject = ['-subj', '/CN=PORTIER DEFAULT CERT', '-keyout', key, '-out', cert];
    execFileSync('openssl', [...OPENSSL_ARGS, ...subject], { stdio: 'ignore' });
    generated = { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
    return generated;
  } catch (error) {
    failed = true;
    logger.error(
      { err: (error as Error).message },
      'cannot generate the default TLS certificate with openssl; TLS connections matching no configured ' +
        'certificate are refused. Install openssl or configure tls.stores.default.defaultCertificate',
    );
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
