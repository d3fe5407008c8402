import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readPem } from './pem-source.js';
import type { PemPair } from './self-signed.js';

export interface LoadedCertificate {
  readonly pem: PemPair;
  /** Lower-case DNS names it serves (SANs, else the subject CN); wildcards as `*.example.com`. */
  readonly names: string[];
  readonly notAfter: Date;
  /** The certFile as written, or `inline` for PEM text, for the API and errors. */
  readonly source: string;
}

/**
 * Reads and checks one certificate: both PEMs parse and the key belongs to the certificate.
 * The error names the key and says what to fix; the caller disables only this certificate.
 */
export function loadCertificate(config: { certFile: string; keyFile: string }, key: string, baseDir: string) {
  const source = config.certFile.includes('-----BEGIN') ? 'inline' : config.certFile;
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readPem(config.certFile, baseDir);
  } catch (error) {
    throw new Error(`${key}.certFile: cannot read "${source}" (${(error as Error).message}); fix the path`);
  }
  try {
    keyPem = readPem(config.keyFile, baseDir);
  } catch (error) {
    const keySource = config.keyFile.includes('-----BEGIN') ? 'inline' : config.keyFile;
    throw new Error(`${key}.keyFile: cannot read "${keySource}" (${(error as Error).message}); fix the path`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new Error(
      `${key}.certFile: "${source}" is not a PEM certificate; give a file holding -----BEGIN CERTIFICATE-----`,
    );
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new Error(`${key}.keyFile: not a PEM private key (or it is encrypted); give an unencrypted PEM key`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new Error(
      `${key}.keyFile: the key does not belong to the certificate "${source}"; pair each certFile with its own key`,
    );
  }
  return {
    pem: { cert: certPem, key: keyPem },
    names: certificateNames(x509),
    notAfter: new Date(x509.validTo),
    source,
  };
}

export function certificateNames(x509: X509Certificate): string[] {
  const sans = (x509.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  if (sans.length) return sans;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x509.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}
