import type { ClientHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Dispatcher, Pool } from 'undici';

/**
 * Told that a connection to an upstream origin (`scheme://host:port`) opened; the function it
 * returns is called once, when that connection closes. Connections are counted from their own
 * events, never per request, so the proxy's hot path pays nothing for it.
 */
export type ConnectionTracker = (origin: string) => () => void;

/**
 * Counts the connections of an undici pool. Each of its clients holds at most one socket at a
 * time, so a client's `disconnect` closes what its last `connect` opened; keying by client keeps
 * the count from going below zero if undici ever reported a close without an open.
 */
export function trackPoolConnections(pool: Pool, origin: string, track: ConnectionTracker): void {
  const open = new Map<Dispatcher, () => void>();
  const clientOf = (targets: readonly Dispatcher[]) => targets[targets.length - 1]!;
  pool.on('connect', (_url, targets) => {
    const client = clientOf(targets);
    open.get(client)?.();
    open.set(client, track(origin));
  });
  pool.on('disconnect', (_url, targets) => {
    const client = clientOf(targets);
    const release = open.get(client);
    open.delete(client);
    release?.();
  });
}

/** An HTTP/2 session counts as one connection from its handshake until it closes. */
export function trackSessionConnection(session: ClientHttp2Session, origin: string, track: ConnectionTracker): void {
  session.once('connect', () => session.once('close', track(origin)));
}

/** A socket of its own (an upgraded WebSocket connection) counts from its connection until it closes. */
export function trackSocketConnection(socket: Socket, origin: string, track: ConnectionTracker): void {
  const count = () => socket.once('close', track(origin));
  if (socket.connecting) socket.once('connect', count);
  else if (!socket.destroyed) count();
}
