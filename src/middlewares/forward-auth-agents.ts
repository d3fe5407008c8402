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
 * shared by the middlewares that have it. Middlewares carry no lifecycle hook, so the runtime calls
 * `sweep` after each configuration build: the agents none of that build's middlewares asked for
 * are closed (gracefully: requests in flight finish), even when the build has no TLS forwardAuth
 * left. A middleware of an older configuration that still gets a request is handed a fresh agent.
 */
export class ForwardAuthAgents {
  private readonly agents = new Map<string, Agent>();
  /** Settings leased since the last sweep. */
  private wanted = new Set<string>();

  /** Called while a middleware is built; returns how its requests get their agent. */
  lease(tls: ForwardAuthTls): () => Agent {
    const key = JSON.stringify(tls);
    this.wanted.add(key);
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

  /** After a configuration build: closes the agents it did not lease. */
  sweep(): void {
    for (const [key, agent] of this.agents) {
      if (this.wanted.has(key)) continue;
      this.agents.delete(key);
      void agent.close().catch(() => undefined);
    }
    this.wanted = new Set();
  }
}

export const forwardAuthAgents = new ForwardAuthAgents();
