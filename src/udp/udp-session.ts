import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { logger } from '../observability/logger.js';
import type { UdpAddress } from './udp-services.js';

/** Datagrams held while the upstream socket connects (a name lookup at most); more are dropped, as UDP may. */
const MAX_PENDING = 64;

/**
 * One client's conversation with the server chosen for it: its own upstream socket, connected to
 * that server (so the kernel passes only its answers and no datagram needs a lookup), whose
 * answers go back to the client from the entry point's socket. The handlers are made once per
 * session; a datagram costs no allocation here.
 */
export class UdpSession {
  /** The entry point's sweep count when a datagram last passed, in either direction. */
  lastTick: number;
  private readonly upstream: Socket;
  /** Datagrams from the client before the connect completes; undefined once connected. */
  private pending: Buffer[] | undefined = [];
  private state: 'connecting' | 'connected' | 'failed' | 'closed' = 'connecting';

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
    this.upstream = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
    this.upstream.on('message', (datagram) => {
      this.lastTick = this.currentTick();
      listener.send(datagram, this.clientPort, this.clientAddress);
    });
    // A server that is down answers with ICMP "port unreachable", reported here as ECONNREFUSED;
    // the session stays, as the server may come back before it idles out.
    this.upstream.on('error', (error) => logger.debug({ err: error, server }, 'UDP server unreachable'));
    // node refuses sends while a connect is pending, hence the queue.
    this.upstream.connect(target.port, target.host, (error?: Error) => {
      const pending = this.pending ?? [];
      this.pending = undefined;
      if (this.state === 'closed') return;
      if (error) {
        this.state = 'failed';
        logger.warn({ err: error, server }, 'UDP server cannot be reached; datagrams of this session are dropped');
        return;
      }
      this.state = 'connected';
      for (const datagram of pending) this.upstream.send(datagram);
    });
  }

  send(datagram: Buffer): void {
    if (this.state === 'connected') this.upstream.send(datagram);
    else if (this.pending && this.pending.length < MAX_PENDING) this.pending.push(datagram);
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending = undefined;
    this.upstream.close();
  }
}
