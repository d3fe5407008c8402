import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

type Write = ServerResponse['write'];
type End = ServerResponse['end'];

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return Buffer.from(chunk as Uint8Array);
}

/**
 * Holds back a whole response (status, headers, body) instead of sending it, so that a middleware
 * can inspect it and then send it, send something else, or discard it and try again. Bodies
 * beyond `limit` bytes are not kept: `overflowed` tells.
 */
export class ResponseCapture {
  status = 200;
  headers: OutgoingHttpHeaders = {};
  overflowed = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private onEnd: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly limit: number,
  ) {
    res.writeHead = (status: number, ...rest: unknown[]) => {
      this.status = status;
      const headers = rest.find((arg) => typeof arg === 'object' && arg !== null);
      if (headers) {
        for (const [name, value] of Object.entries(headers)) this.headers[name.toLowerCase()] = value;
      }
      return res;
    };
    res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      this.keep(toBuffer(chunk, encoding));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done);
      return true;
    }) as Write;
    res.end = ((chunk?: unknown, encoding?: unknown) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') this.keep(toBuffer(chunk, encoding));
      this.ended = true;
      this.onEnd?.();
      return res;
    }) as End;
  }

  /** Resolves once the response is complete (or the client went away). */
  finished(): Promise<void> {
    if (this.ended || this.res.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.onEnd = resolve;
      this.res.once('close', () => resolve());
    });
  }

  /** Forgets what was captured, to capture another attempt. */
  reset(): void {
    this.status = 200;
    this.headers = {};
    this.overflowed = false;
    this.chunks = [];
    this.size = 0;
    this.ended = false;
  }

  /** Sends the captured response for real. */
  send(method: string | undefined): void {
    this.restore();
    const body = Buffer.concat(this.chunks);
    const headers = { ...this.headers };
    delete headers['transfer-encoding'];
    const bodiless = method === 'HEAD' || this.status === 204 || this.status === 304;
    if (!bodiless) headers['content-length'] = body.length;
    this.res.writeHead(this.status, headers);
    this.res.end(bodiless ? undefined : body);
  }

  /** Stops capturing without sending anything (the caller answers itself). */
  restore(): void {
    // The patches (ours, and any a response hook stacked on them) are own properties that
    // shadow ServerResponse's methods: removing them brings the real ones back.
    const patched = this.res as unknown as Record<string, unknown>;
    delete patched.writeHead;
    delete patched.write;
    delete patched.end;
  }

  private keep(chunk: Buffer): void {
    if (this.overflowed) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.overflowed = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }
}
