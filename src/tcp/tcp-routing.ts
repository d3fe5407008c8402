import type { Duplex } from 'node:stream';

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

/**
 * The TCP routers of one entry point. TLS connections are matched by SNI (exact name, then a
 * one-label wildcard, then `*`); plain connections only by `HostSNI(\`*\`)`, which then takes
 * every plain connection of the entry point, as in Traefik. Routers are added highest priority
 * first: the first one to claim a name keeps it.
 */
export class TcpTable {
  private readonly byName = new Map<string, TcpRoute>();
  private catchAllTls: TcpRoute | undefined;
  plainCatchAll: TcpRoute | undefined;

  add(route: TcpRoute, names: string[]): void {
    for (const name of names) {
      if (!route.tls) {
        if (name === '*') this.plainCatchAll ??= route;
      } else if (name === '*') this.catchAllTls ??= route;
      else if (!this.byName.has(name)) this.byName.set(name, route);
    }
  }

  get hasTlsRoutes(): boolean {
    return this.byName.size > 0 || this.catchAllTls !== undefined;
  }

  matchTls(serverName: string | undefined): TcpRoute | undefined {
    if (serverName) {
      const exact = this.byName.get(serverName);
      if (exact) return exact;
      const dot = serverName.indexOf('.');
      const wildcard = dot > 0 ? this.byName.get(`*${serverName.slice(dot)}`) : undefined;
      if (wildcard) return wildcard;
    }
    return this.catchAllTls;
  }
}
