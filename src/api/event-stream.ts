import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../runtime/context.js';
import type { RuntimeEvent } from '../runtime/view.js';

/** Proxies and browsers drop a silent stream; a comment line this often keeps it open. */
const HEARTBEAT_TICKS = 15;
const TICK_MS = 1000;

/**
 * `/api/events`: Server-Sent Events of the runtime's events. Each event is written the moment it is
 * emitted, with the event type as the SSE `event:` name. One listener on the runtime fans out to
 * every open stream, however many browsers are watching.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly ticker: NodeJS.Timeout;
  private ticks = 0;

  constructor(
    events: EventEmitter,
    private readonly generation: () => number,
    isTerminating: () => boolean,
  ) {
    events.on('event', (event: RuntimeEvent) => this.broadcast(event.type, event));
    // Open streams would otherwise hold a graceful shutdown for its whole grace period.
    this.ticker = setInterval(() => {
      if (isTerminating()) this.endAll();
      else if (++this.ticks % HEARTBEAT_TICKS === 0) this.send(': keep-alive\n\n');
    }, TICK_MS).unref();
  }

  open(ctx: RequestContext): void {
    const { req, res } = ctx;
    res.writeHead(200, {
      ...ctx.responseHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.flushHeaders();
    req.socket.setNoDelay(true);
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ generation: this.generation() })}\n\n`);
    this.clients.add(res);
    res.once('close', () => this.clients.delete(res));
  }

  /** Sends an event that does not come from the runtime (function changes). */
  publish(event: { type: string }): void {
    this.broadcast(event.type, event);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.ticker);
    this.endAll();
  }

  private endAll(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(type: string, data: unknown): void {
    this.send(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private send(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}
