import { connect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import { logger } from '../observability/logger.js';
import type { TcpAddress } from './tcp-services.js';

const CONNECT_TIMEOUT_MS = 30_000;

/**
 * Joins a client connection to a new one to `address` (over TLS, verified against the system's
 * CAs, for servers with `tls: true`). A side that ends is passed on as an end, so a client that
 * half-closes still gets its answer; with `terminationDelay` the connection is closed that many
 * ms after either side ended, as Traefik does. An error on either side closes both.
 */
export function pipeTo(client: Duplex, address: TcpAddress, router: string): void {
  const { host, port } = address;
  const upstream = address.tls
    ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }) })
    : connect({ host, port });
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timed out')));
  upstream.once(address.tls ? 'secureConnect' : 'connect', () => upstream.setTimeout(0));
  const close = (error?: Error) => {
    if (error) logger.debug({ err: error.message, router, upstream: address }, 'TCP connection failed');
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', close);
  client.on('error', close);
  const delay = address.terminationDelay;
  if (delay !== undefined && delay >= 0) {
    // Without it a half-closed connection lasts until the other side closes too.
    const closeSoon = () => setTimeout(close, delay).unref();
    client.once('end', closeSoon);
    upstream.once('end', closeSoon);
  }
  // Data the client sends before the upstream handshake ends is buffered by the socket.
  client.pipe(upstream);
  upstream.pipe(client);
}
