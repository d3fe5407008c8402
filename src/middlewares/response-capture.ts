import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { patchResponse, type ResponseMethods } from './response-patch.js';

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
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
  private below: ResponseMethods | undefined;
  private readonly unpatch: () => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly limit: number,
  ) {
    this.unpatch = patchResponse(res, (previous) => {
      this.below = previous;
      return {
        writeHead: (status, ...rest) => {
          this.status = Number(status);
          const headers = rest.find((arg) => typeof arg === 'object' && arg !== null);
          if (headers) {
            for (const [name, value] of Object.entries(headers)) this.headers[name.toLowerCase()] = value;
          }
          return res;
        },
        write: (chunk, encoding, callback) => {
          this.keep(toBuffer(chunk, encoding));
          const done = typeof encoding === 'function' ? encoding : callback;
          if (typeof done === 'function') process.nextTick(done);
          return true;
        },
        end: (chunk, encoding) => {
          if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
            this.keep(toBuffer(chunk, encoding));
          this.ended = true;
          this.onEnd?.();
          return res;
        },
      };
    });
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

  /** Sends the captured response for real, below any interception stacked on this one. */
  send(method: string | undefined): void {
    this.unpatch();
    const body = Buffer.concat(this.chunks);
    const headers = { ...this.headers };
    delete headers['transfer-encoding'];
    const bodiless = method === 'HEAD' || this.status === 204 || this.status === 304;
    if (!bodiless) headers['content-length'] = body.length;
    this.below!.writeHead(this.status, headers);
    this.below!.end(bodiless ? undefined : body);
  }

  /** Stops capturing without sending anything (the caller answers itself). */
  restore(): void {
    this.unpatch();
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
