import { createSocket, type Socket } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import { logger } from '../observability/logger.js';
import type { UdpAddress } from './udp-services.js';

/**
 * One client's conversation with the server chosen for it: its own upstream socket, whose
 * answers from that server go back to the client from the entry point's socket. The handlers are
 * made once per session; a datagram costs no allocation here.
 */
export class UdpSession {
  /** The entry point's sweep count when a datagram last passed, in either direction. */
  lastTick: number;
  private readonly upstream: Socket;
  private readonly port: number;
  private readonly host: string;
  private closed = false;

  constructor(
    listener: Socket,
    readonly clientAddress: string,
    readonly clientPort: number,
    /** `host:port` of the server, as the balancers list it. */
    readonly server: string,
    target: UdpAddress,
    tick: number,
    private readonly currentTick: () => number,
  ) {
    this.lastTick = tick;
    this.port = target.port;
    this.host = target.host;
    // Not connect()ed: node refuses sends while a connect is pending, and the first datagram
    // must go at once. Answers are filtered by source instead.
    this.upstream = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
    const byName = isIP(target.host) === 0;
    this.upstream.on('message', (datagram, from) => {
      if (from.port !== this.port || (!byName && from.address !== this.host)) return;
      this.lastTick = this.currentTick();
      listener.send(datagram, this.clientPort, this.clientAddress);
    });
    // A server that is down answers with ICMP "port unreachable", reported here as ECONNREFUSED;
    // the session stays, as the server may come back before it idles out.
    this.upstream.on('error', (error) => logger.debug({ err: error, server }, 'UDP server unreachable'));
  }

  send(datagram: Buffer): void {
    this.upstream.send(datagram, this.port, this.host);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstream.close();
  }
}
