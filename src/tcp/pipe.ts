import { connect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import { logger } from '../observability/logger.js';
import type { TcpAddress } from './tcp-services.js';

const CONNECT_TIMEOUT_MS = 30_000;
/** Traefik's default `terminationDelay`. */
const DEFAULT_TERMINATION_DELAY_MS = 100;

/**
 * Joins a client connection to a new one to `address` (over TLS, verified against the system's
 * CAs, for servers with `tls: true`). A side that ends is passed on as an end, so a client that
 * half-closes still gets its answer within `terminationDelay` ms (100 unless set; negative: no
 * limit), then both are closed, as Traefik does. An error or a close on either side closes both.
 */
export function pipeTo(client: Duplex, address: TcpAddress, router: string): void {
  const { host, port } = address;
  const upstream = address.tls
    ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }) })
    : connect({ host, port });
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timed out')));
  upstream.once(address.tls ? 'secureConnect' : 'connect', () => upstream.setTimeout(0));
  let deadline: NodeJS.Timeout | undefined;
  const close = (error?: Error) => {
    if (error) logger.debug({ err: error.message, router, upstream: address }, 'TCP connection failed');
    clearTimeout(deadline);
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', close);
  client.on('error', close);
  // Either side going away (shutdown, a reset) leaves nothing for the other to talk to.
  upstream.once('close', () => close());
  client.once('close', () => close());
  const delay = address.terminationDelay ?? DEFAULT_TERMINATION_DELAY_MS;
  if (delay >= 0) {
    const closeSoon = () => (deadline ??= setTimeout(close, delay));
    client.once('end', closeSoon);
    upstream.once('end', closeSoon);
  }
  // Data the client sends before the upstream handshake ends is buffered by the socket.
  client.pipe(upstream);
  upstream.pipe(client);
}
