import { connect, type ClientHttp2Session } from 'node:http2';
import type { ConnectionOptions } from 'node:tls';
import { trackSessionConnection, type ConnectionTracker } from './connection-tracking.js';
import type { TransportOptions } from './transport-options.js';

/**
 * One HTTP/2 session per upstream origin (the pool key, see `originOf`) (`h2c://` and gRPC to `https://`), shared by all
 * requests to it as HTTP/2 intends. A session that closes or fails is forgotten, and the next
 * request opens a new one.
 */
export class Http2Sessions {
  private readonly sessions = new Map<string, ClientHttp2Session>();

  constructor(
    private readonly options: Pick<TransportOptions, 'connectTimeout' | 'readIdleTimeout' | 'pingTimeout'>,
    private readonly track?: ConnectionTracker,
  ) {}

  /** `authority` is `http://host:port` for h2c and `https://host:port` for h2 over TLS. */
  get(origin: string, authority: string, tls: ConnectionOptions): ClientHttp2Session {
    const existing = this.sessions.get(origin);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = connect(authority, tls);
    const forget = () => {
      if (this.sessions.get(origin) === session) this.sessions.delete(origin);
    };
    session.on('close', forget);
    session.on('error', forget);
    session.on('goaway', forget);
    if (this.track) trackSessionConnection(session, origin, this.track);
    const { connectTimeout, readIdleTimeout, pingTimeout } = this.options;
    if (connectTimeout > 0) {
      const timer = setTimeout(
        () => session.destroy(Object.assign(new Error('connect timed out'), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
        connectTimeout,
      );
      session.once('connect', () => clearTimeout(timer));
      session.once('close', () => clearTimeout(timer));
    }
    if (readIdleTimeout > 0) {
      session.setTimeout(readIdleTimeout);
      session.on('timeout', () => healthPing(session, pingTimeout, () => session.setTimeout(readIdleTimeout)));
    }
    // Idle sessions must not keep the process alive at shutdown.
    session.unref();
    this.sessions.set(origin, session);
    return session;
  }

  /** The origins with a session. */
  origins(): IterableIterator<string> {
    return this.sessions.keys();
  }

  retainOnly(origins: ReadonlySet<string>): void {
    for (const [origin, session] of this.sessions) {
      if (origins.has(origin)) continue;
      this.sessions.delete(origin);
      session.close();
    }
  }

  close(): void {
    for (const session of this.sessions.values()) session.destroy();
    this.sessions.clear();
  }
}

/**
 * Traefik's `readIdleTimeout`/`pingTimeout`: a session quiet for a while is pinged, and one whose
 * peer does not answer in time is closed, so that the next request opens a working one instead of
 * waiting on a dead connection.
 */
function healthPing(session: ClientHttp2Session, pingTimeout: number, rearm: () => void): void {
  if (session.closed || session.destroyed) return;
  const timer = setTimeout(() => session.destroy(new Error('HTTP/2 ping timed out')), pingTimeout);
  timer.unref();
  const sent = session.ping((error) => {
    clearTimeout(timer);
    // node's idle timer fires once: arm it again for the next quiet period, as Go keeps checking.
    if (error) session.destroy(error);
    else rearm();
  });
  if (!sent) {
    // Too many pings in flight already: check again after the next quiet period.
    clearTimeout(timer);
    rearm();
  }
}
