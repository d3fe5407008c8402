import type { Duplex } from 'node:stream';
import type { TcpConnectionFacts } from './tcp-rule.js';

/** One TCP router, ready: what to do with each connection it matches. */
export interface TcpRoute {
  readonly name: string;
  /** Whether the router has `tls` (it answers TLS connections; else plain ones). */
  readonly tls: boolean;
  readonly passthrough: boolean;
  /**
   * Runs the router's middlewares, then joins `client` to the next server of its service; a
   * refused connection, or one to a service without servers, is closed. `peer` is the client IP.
   */
  serve(client: Duplex, peer: string | undefined): void;
}

interface Entry {
  route: TcpRoute;
  match: (facts: TcpConnectionFacts) => boolean;
}

/**
 * The TCP routers of one entry point, highest priority first; the first whose rule matches a
 * connection takes it. Routers with `tls` see TLS connections (by SNI, ALPN and client IP);
 * the others see plain connections, which have no name: only ``HostSNI(`*`)`` and `ClientIP`
 * can match those, as in Traefik.
 */
export class TcpTable {
  private readonly tlsEntries: Entry[] = [];
  private readonly plainEntries: Entry[] = [];

  /** Adds a router after the ones added before it (callers add by descending priority). */
  add(route: TcpRoute, match: Entry['match']): void {
    (route.tls ? this.tlsEntries : this.plainEntries).push({ route, match });
  }

  get hasTlsRoutes(): boolean {
    return this.tlsEntries.length > 0;
  }

  matchTls(facts: TcpConnectionFacts): TcpRoute | undefined {
    return this.tlsEntries.find((entry) => entry.match(facts))?.route;
  }

  matchPlain(clientIp: string): TcpRoute | undefined {
    const facts = { serverName: '', clientIp, alpn: [] };
    return this.plainEntries.find((entry) => entry.match(facts))?.route;
  }
}
