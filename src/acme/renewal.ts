import { X509Certificate } from 'node:crypto';
import { fromBase64, type StoredCertificate } from './store.js';

/**
 * Whether a stored certificate is due for renewal, by Traefik's windows: the longer the
 * certificates a resolver gets (`certificatesDuration`, hours; Let's Encrypt's 90 days unless
 * set), the earlier before expiry; about a third of the lifetime for short ones. An unreadable
 * certificate is due.
 */
export function renewalDue(stored: StoredCertificate, certificatesDuration = 2160): boolean {
  const hours = certificatesDuration;
  const renewBeforeHours =
    hours >= 365 * 24 ? 4 * 30 * 24 : hours >= 90 * 24 ? 30 * 24 : hours >= 7 * 24 ? 24 : hours >= 24 ? 6 : 1 / 3;
  try {
    const notAfter = Date.parse(new X509Certificate(fromBase64(stored.certificate)).validTo);
    return notAfter - Date.now() < renewBeforeHours * 3600_000;
  } catch {
    return true;
  }
}
