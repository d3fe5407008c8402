import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import { ENTRY_POINT_DEFAULTS } from '../config/static/entry-point-defaults.js';
import type { EntryPointConfig } from '../config/static/types.js';
import { logger } from '../observability/logger.js';
import { parseListenAddress } from '../runtime/listen-address.js';
import type { UdpBalancer } from './udp-services.js';
import { addressKey } from './udp-services.js';
import { UdpSession } from './udp-session.js';

/** The router serving an entry point: UDP has no rule, so there is at most one. */
export interface UdpRoute {
  name: string;
  balancer: UdpBalancer;
}

/** How many sweeps make up one idle timeout: sessions end between 1 and 1.25 timeouts idle. */
const SWEEPS_PER_TIMEOUT = 4;

/**
 * A `…/udp` entry point: one socket receiving every client's datagrams. Each client address gets
 * a session on a server picked when its first datagram arrives; the session lasts until it has
 * been idle for `udp.timeout` (Traefik's default 3s), or its server leaves the configuration.
 */
export class UdpEntryPoint {
  private socket: Socket | undefined;
  /** Client address → client port → session: looking up a datagram's session builds no key. */
  private readonly sessions = new Map<string, Map<number, UdpSession>>();
  private sessionCount = 0;
  private route: UdpRoute | undefined;
  private tick = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sweepMs: number;
  private readonly currentTick = () => this.tick;

  constructor(
    readonly name: string,
    private readonly config: EntryPointConfig,
  ) {
    const key = `entryPoints.${name}.udp.timeout`;
    const timeout = parseDuration(config.udp?.timeout ?? ENTRY_POINT_DEFAULTS.udp.timeout, key);
    if (!(timeout > 0)) {
      throw new ConfigError(
        `must be longer than 0, like "${ENTRY_POINT_DEFAULTS.udp.timeout}" (Traefik's default)`,
        key,
      );
    }
    this.sweepMs = Math.max(1, Math.ceil(timeout / SWEEPS_PER_TIMEOUT));
  }

  async listen(): Promise<void> {
    const { host, port } = parseListenAddress(this.config.address, `entryPoints.${this.name}.address`);
    // Without a host, listen on both stacks (udp6 takes IPv4 too), or IPv4 where IPv6 is off.
    const attempts: ['udp4' | 'udp6', string][] = host
      ? [[host.includes(':') ? 'udp6' : 'udp4', host]]
      : [
          ['udp6', '::'],
          ['udp4', '0.0.0.0'],
        ];
    let failure: unknown;
    for (const [type, address] of attempts) {
      const socket = createSocket(type);
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, address, () => {
            socket.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        failure = error;
        socket.close();
        continue;
      }
      socket.on('error', (error) => logger.error({ err: error, entryPoint: this.name }, 'UDP listener error'));
      socket.on('message', (datagram, from) => this.onDatagram(socket, datagram, from));
      this.socket = socket;
      return;
    }
    throw failure;
  }

  get port(): number {
    return this.socket?.address().port ?? 0;
  }

  /**
   * Takes the router of a new configuration. Sessions whose server it can still pick carry on
   * (a reload does not break a call or a DNS retry); the others end now.
   */
  setRoute(route: UdpRoute | undefined): void {
    this.route = route;
    this.closeWhere((session) => !route?.balancer.servers.has(session.server));
  }

  async shutdown(): Promise<void> {
    this.closeWhere(() => true);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private onDatagram(socket: Socket, datagram: Buffer, from: RemoteInfo): void {
    const session = this.sessions.get(from.address)?.get(from.port) ?? this.open(socket, from);
    if (!session) return;
    session.lastTick = this.tick;
    session.send(datagram);
  }

  private open(socket: Socket, from: RemoteInfo): UdpSession | undefined {
    const target = this.route?.balancer.pick();
    // No router or no server: the datagram is dropped, as a closed port would drop it.
    if (!target) return undefined;
    const session = new UdpSession(
      socket,
      from.address,
      from.port,
      addressKey(target),
      target,
      this.tick,
      this.currentTick,
    );
    let byPort = this.sessions.get(from.address);
    if (!byPort) this.sessions.set(from.address, (byPort = new Map()));
    byPort.set(from.port, session);
    this.sessionCount++;
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepMs).unref();
    return session;
  }

  private sweep(): void {
    this.tick++;
    this.closeWhere((session) => this.tick - session.lastTick > SWEEPS_PER_TIMEOUT);
  }

  private closeWhere(ended: (session: UdpSession) => boolean): void {
    for (const [address, byPort] of this.sessions) {
      for (const [port, session] of byPort) {
        if (!ended(session)) continue;
        session.close();
        byPort.delete(port);
        this.sessionCount--;
      }
      if (byPort.size === 0) this.sessions.delete(address);
    }
    // Nothing to time out: no timer runs while the entry point is quiet.
    if (this.sessionCount === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
