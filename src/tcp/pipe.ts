import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { logger } from '../observability/logger.js';
import type { TcpAddress } from './tcp-services.js';

const CONNECT_TIMEOUT_MS = 30_000;

/** Joins a client connection to a new one to `address`; either side closing closes both. */
export function pipeTo(client: Duplex, address: TcpAddress, router: string): void {
  const upstream = connect({ host: address.host, port: address.port });
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timed out')));
  upstream.once('connect', () => upstream.setTimeout(0));
  const close = (error?: Error) => {
    if (error) logger.debug({ err: error.message, router, upstream: address }, 'TCP connection failed');
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', close);
  client.on('error', close);
  client.pipe(upstream);
  upstream.pipe(client);
}
