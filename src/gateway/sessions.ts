import type { SharedKv } from '../cluster/shared-kv.js';
import { gatewaySharedKv } from './cluster-store.js';
import { gatewayClock } from './settings.js';

/** What a gateway session remembers of the token it was created from. */
export interface Session {
  claims: Record<string, unknown>;
  /** Unix ms after which the session is void. */
  expiresAt: number;
}

export interface SessionStore {
  get(id: string): Promise<Session | undefined>;
  set(id: string, session: Session): Promise<void>;
}

class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Session>();
  private nextSweep = 0;

  get(id: string): Promise<Session | undefined> {
    const session = this.sessions.get(id);
    return Promise.resolve(session && session.expiresAt > gatewayClock.now() ? session : undefined);
  }

  set(id: string, session: Session): Promise<void> {
    const now = gatewayClock.now();
    if (now >= this.nextSweep) {
      for (const [key, value] of this.sessions) if (value.expiresAt <= now) this.sessions.delete(key);
      this.nextSweep = now + 60_000;
    }
    this.sessions.set(id, session);
    return Promise.resolve();
  }
}

/** Sessions shared by every instance; the store expires them with the session (Redis PX, an etcd lease). */
class SharedSessionStore implements SessionStore {
  constructor(private readonly kv: SharedKv) {}

  async get(id: string): Promise<Session | undefined> {
    const text = await this.kv.get(`portier:session:${id}`);
    if (!text) return undefined;
    const session = JSON.parse(text) as Session;
    return session.expiresAt > gatewayClock.now() ? session : undefined;
  }

  async set(id: string, session: Session): Promise<void> {
    const ttlMs = Math.max(1, Math.ceil(session.expiresAt - gatewayClock.now()));
    await this.kv.set(`portier:session:${id}`, JSON.stringify(session), ttlMs);
  }
}

/** One per process, module-level: sessions outlive the middlewares rebuilt on each configuration reload. */
const memory = new MemorySessionStore();

/**
 * The cluster store when there is one (settings fixed at start, before middlewares are built),
 * else the embedded store of this process. Middlewares ask once, when built; either way the
 * sessions themselves survive a configuration reload.
 */
export function sessionStore(): SessionStore {
  const kv = gatewaySharedKv();
  return kv ? new SharedSessionStore(kv) : memory;
}
