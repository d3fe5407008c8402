import type { Duplex } from 'node:stream';
import type { CompiledTcpRule, TcpConnectionFacts } from './tcp-rule.js';

/** One TCP router, ready: what to do with each connection it matches. */
export interface TcpRoute {
  readonly name: string;
  /** Whether the router has `tls` (it answers TLS connections; else plain ones). */
  readonly tls: boolean;
  readonly passthrough: boolean;
  /**
   * The qualified name of the `tls.options` the router terminates TLS with; undefined for the
   * default options. Applied whatever the rule matched on (regexp, `*`, client IP, ALPN).
   */
  readonly tlsOptions?: string;
  /**
   * Runs the router's middlewares, then joins `client` to the next server of its service; a
   * refused connection, or one to a service without servers, is closed. `peer` is the client IP.
   */
  serve(client: Duplex, peer: string | undefined): void;
}

interface Entry {
  route: TcpRoute;
  match: (facts: TcpConnectionFacts) => boolean;
  /** Order of addition, which is priority order: the lowest matching position wins. */
  position: number;
  /** ``HostSNI(`*`)``: takes every plain connection. */
  catchAll: boolean;
}

/**
 * The TCP routers of one entry point, highest priority first; the first whose rule matches a
 * connection takes it. Routers with `tls` see TLS connections (by SNI, ALPN and client IP);
 * the others see plain connections, which have no name: only ``HostSNI(`*`)`` and `ClientIP`
 * can match those, as in Traefik. TLS routers whose rule only lists `HostSNI` names are found
 * by name rather than tested one by one.
 */
export class TcpTable {
  /** The highest-priority router listing each exact or `*.suffix` name. */
  private readonly tlsByName = new Map<string, Entry>();
  /** The TLS routers that must be tested against each connection. */
  private readonly tlsTested: Entry[] = [];
  private readonly plainEntries: Entry[] = [];
  private added = 0;
  /** Reused for every plain connection: they differ only by client IP, and matching is synchronous. */
  private readonly plainFacts = { serverName: '', clientIp: '', alpn: [] as string[] };

  /**
   * `servesHttp`: whether HTTP routers share the entry point (unknown counts as yes), in which
   * case a TLS connection must not be taken by a plain router before its first bytes are seen.
   */
  constructor(private readonly servesHttp = true) {}

  /** Adds a router after the ones added before it (callers add by descending priority). */
  add(route: TcpRoute, rule: CompiledTcpRule): void {
    const names = rule.sniNames;
    const entry: Entry = { route, match: rule.match, position: this.added++, catchAll: !!names?.includes('*') };
    if (!route.tls) this.plainEntries.push(entry);
    else if (!names || entry.catchAll) this.tlsTested.push(entry);
    else for (const name of names) if (!this.tlsByName.has(name)) this.tlsByName.set(name, entry);
  }

  matchTls(facts: TcpConnectionFacts): TcpRoute | undefined {
    const best = this.tlsByName.size ? this.byName(facts.serverName) : undefined;
    for (const entry of this.tlsTested) {
      if (best && entry.position > best.position) break;
      if (entry.match(facts)) return entry.route;
    }
    return best?.route;
  }

  matchPlain(clientIp: string): TcpRoute | undefined {
    return this.firstPlain(clientIp)?.route;
  }

  /**
   * The plain router that takes a connection before it has sent anything (server-first protocols
   * never will). As in Traefik, only with no TLS TCP routers and no HTTP routers, so that a TLS
   * client is never handed to a plain router; a catch-all plain router also takes them next to
   * HTTP routers (it claims the entry point's plain connections anyway; its TLS clients with them).
   */
  matchBeforeFirstBytes(clientIp: string): TcpRoute | undefined {
    if (this.tlsTested.length > 0 || this.tlsByName.size > 0) return undefined;
    const entry = this.firstPlain(clientIp);
    return entry && (!this.servesHttp || entry.catchAll) ? entry.route : undefined;
  }

  /** The router listing the name itself or its `*.suffix`, whichever comes first. */
  private byName(name: string): Entry | undefined {
    const exact = name ? this.tlsByName.get(name) : undefined;
    const dot = name.indexOf('.');
    const wildcard = dot > 0 ? this.tlsByName.get(`*${name.slice(dot)}`) : undefined;
    return wildcard && (!exact || wildcard.position < exact.position) ? wildcard : exact;
  }

  private firstPlain(clientIp: string): Entry | undefined {
    this.plainFacts.clientIp = clientIp;
    return this.plainEntries.find((entry) => entry.match(this.plainFacts));
  }
}
