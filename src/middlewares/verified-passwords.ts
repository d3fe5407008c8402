import { createHmac, randomBytes } from 'node:crypto';
import type { PasswordHash } from './htpasswd.js';

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers successful checks of slow hashes (bcrypt costs ~100 ms of CPU) for a few minutes, so
 * that a client repeating its credentials does not make basic auth a CPU sink. Entries are keyed
 * by an HMAC under a per-process random key: the cache never holds anything that could be
 * brute-forced offline. Concurrent checks of the same credentials share one computation.
 */
export class VerifiedPasswords {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly pending = new Map<string, Promise<boolean>>();

  async verify(user: string, password: string, hash: PasswordHash): Promise<boolean> {
    if (!hash.slow) return hash.verify(password);
    const id = createHmac('sha256', this.key).update(`${hash.text}\0${user}\0${password}`).digest('base64');
    const expires = this.verified.get(id);
    if (expires !== undefined) {
      if (expires > Date.now()) return true;
      this.verified.delete(id);
    }
    const running = this.pending.get(id);
    if (running) return running;
    const check = hash.verify(password).then((ok) => {
      if (ok) this.remember(id);
      return ok;
    });
    this.pending.set(id, check);
    try {
      return await check;
    } finally {
      this.pending.delete(id);
    }
  }

  private remember(id: string): void {
    if (this.verified.size >= MAX_ENTRIES) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(id, Date.now() + TTL_MS);
  }
}

/** One cache for the process, so that configuration reloads keep it. */
export const verifiedPasswords = new VerifiedPasswords();
