import type { Duplex } from 'node:stream';
import { ConfigError } from '../config/errors.js';
import type { TcpMiddlewareConfig } from '../config/dynamic/types.js';
import { IpSet } from '../rules/client-ip.js';

/**
 * Decides whether a new connection from `peer` (the client's IP) may go on. It may watch the
 * connection (to count it until it closes); a refused connection is closed by the caller.
 */
export type TcpGate = (client: Duplex, peer: string) => boolean;

/**
 * Open connections per middleware and client IP. It outlives configurations, so a reload does
 * not let a client that is at its `inFlightConn` limit open more.
 */
export class TcpConnectionCounts {
  private readonly counts = new Map<string, Map<string, number>>();

  /** Counts the connection until it closes; false (and not counted) once `limit` are open. */
  admit(middleware: string, peer: string, client: Duplex, limit: number): boolean {
    const byPeer = this.counts.get(middleware) ?? new Map<string, number>();
    this.counts.set(middleware, byPeer);
    const open = byPeer.get(peer) ?? 0;
    if (open >= limit) return false;
    byPeer.set(peer, open + 1);
    client.once('close', () => {
      const left = (byPeer.get(peer) ?? 1) - 1;
      if (left > 0) byPeer.set(peer, left);
      else byPeer.delete(peer);
    });
    return true;
  }
}

export const TCP_MIDDLEWARE_TYPES = ['ipAllowList', 'ipWhiteList', 'inFlightConn'] as const;

/** Compiles one TCP middleware; throws ConfigError naming the option (`key` is its path). */
export function compileTcpMiddleware(
  name: string,
  config: TcpMiddlewareConfig,
  counts: TcpConnectionCounts,
  key: string,
): { type: string; gate: TcpGate } {
  const types = Object.keys(config);
  if (types.length !== 1) {
    throw new ConfigError(
      `a TCP middleware has exactly one type (${TCP_MIDDLEWARE_TYPES.join(', ')}); found ${types.length ? types.join(', ') : 'none'}`,
      key,
    );
  }
  const allow = config.ipAllowList ?? config.ipWhiteList;
  if (allow) {
    const type = config.ipAllowList ? 'ipAllowList' : 'ipWhiteList';
    const allowed = new IpSet(allow.sourceRange, `${key}.${type}.sourceRange`);
    return { type, gate: (_client, peer) => allowed.has(peer) };
  }
  if (config.inFlightConn) {
    const amount = config.inFlightConn.amount;
    if (!Number.isInteger(amount) || amount < 1) {
      throw new ConfigError(
        `must be a whole number of connections, at least 1, not ${amount}`,
        `${key}.inFlightConn.amount`,
      );
    }
    return { type: 'inFlightConn', gate: (client, peer) => counts.admit(name, peer, client, amount) };
  }
  throw new ConfigError(
    `unknown TCP middleware type "${types[0]}"; use one of ${TCP_MIDDLEWARE_TYPES.join(', ')}`,
    key,
  );
}
