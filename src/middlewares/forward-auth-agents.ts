import { Agent } from 'undici';

/** TLS settings of a forwardAuth server connection, PEMs already read. */
export interface ForwardAuthTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

/**
 * undici Agents for forwardAuth servers with their own TLS settings, one per distinct setting and
 * shared by the middlewares that have it. Middlewares carry no lifecycle hook, but each
 * configuration builds all of its middlewares in one synchronous pass: so right after a pass, the
 * agents none of its middlewares asked for are closed (gracefully: requests in flight finish). A
 * middleware of an older configuration that still gets a request is handed a fresh agent.
 */
export class ForwardAuthAgents {
  private readonly agents = new Map<string, Agent>();
  private wanted = new Set<string>();
  private sweepPending = false;

  /** Called while a middleware is built; returns how its requests get their agent. */
  lease(tls: ForwardAuthTls): () => Agent {
    const key = JSON.stringify(tls);
    this.wanted.add(key);
    if (!this.sweepPending) {
      this.sweepPending = true;
      setImmediate(() => this.sweep());
    }
    return () => this.agents.get(key) ?? this.create(key, tls);
  }

  /** How many agents are open, for tests. */
  get size(): number {
    return this.agents.size;
  }

  private create(key: string, tls: ForwardAuthTls): Agent {
    const agent = new Agent({ connect: tls });
    this.agents.set(key, agent);
    return agent;
  }

  private sweep(): void {
    this.sweepPending = false;
    for (const [key, agent] of this.agents) {
      if (this.wanted.has(key)) continue;
      this.agents.delete(key);
      void agent.close().catch(() => undefined);
    }
    this.wanted = new Set();
  }
}

export const forwardAuthAgents = new ForwardAuthAgents();
