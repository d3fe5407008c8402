import { createHash } from 'node:crypto';
import { sameBytes } from '../security/constant-time.js';
import { isInnerList, parseDictionary, StructuredFieldError } from './structured-fields.js';

/** Only these are secure (RFC 9530 §5); legacy ones such as md5 are ignored. */
const ALGORITHMS: Record<string, string> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

export type DigestCheck = { ok: true } | { ok: false; reason: string };

/** Checks an RFC 9530 `Content-Digest` value against the body bytes. */
export function verifyContentDigest(header: string, body: Buffer): DigestCheck {
  let dictionary;
  try {
    dictionary = parseDictionary(header);
  } catch (error) {
    if (error instanceof StructuredFieldError)
      return { ok: false, reason: `malformed Content-Digest: ${error.message}` };
    throw error;
  }
  let checked = 0;
  for (const [name, member] of dictionary) {
    const algorithm = ALGORITHMS[name];
    if (!algorithm) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      return { ok: false, reason: `Content-Digest ${name} is not a byte sequence` };
    }
    if (!digestMatches(algorithm, body, Buffer.from(member.value))) {
      return { ok: false, reason: `Content-Digest ${name} does not match the body` };
    }
    checked++;
  }
  return checked ? { ok: true } : { ok: false, reason: 'Content-Digest has no sha-256 or sha-512 value' };
}

/** Checks a legacy `Digest` header (`SHA-256=<base64>`, comma-separated) against the body. */
export function verifyLegacyDigest(header: string, body: Buffer): DigestCheck {
  let checked = 0;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const algorithm = ALGORITHMS[part.slice(0, eq).trim().toLowerCase()];
    if (eq < 0 || !algorithm) continue;
    const value = part.slice(eq + 1).trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { ok: false, reason: 'Digest value is not base64' };
    if (!digestMatches(algorithm, body, Buffer.from(value, 'base64'))) {
      return { ok: false, reason: 'Digest does not match the body' };
    }
    checked++;
  }
  return checked ? { ok: true } : { ok: false, reason: 'Digest has no SHA-256 or SHA-512 value' };
}

function digestMatches(algorithm: string, body: Buffer, expected: Buffer): boolean {
  const actual = createHash(algorithm).update(body).digest();
  return sameBytes(actual, expected);
}
