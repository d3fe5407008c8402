import type { Socket } from 'node:net';

/** The client sockets TCP routers hold open, so that shutdown can let them finish (graceTimeOut). */
export class OpenConnections {
  private readonly sockets = new Set<Socket>();
  private waiters: (() => void)[] = [];

  add(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) for (const done of this.waiters.splice(0)) done();
    });
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Resolves once every socket has closed (at once when none is open). */
  allClosed(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((done) => this.waiters.push(done));
  }
}
