import { timingSafeEqual } from 'node:crypto';

/**
 * Compares secrets without leaking, through timing, how much of them matched. The length is not
 * secret here (hashes and MACs have fixed lengths), so a length mismatch answers at once.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `sameBytes` for text, compared as UTF-8. */
export function sameText(a: string, b: string): boolean {
  return sameBytes(Buffer.from(a), Buffer.from(b));
}
