import type { OutgoingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { defineMiddleware } from './define.js';
import { flag } from './options.js';
import { patchResponse } from './response-patch.js';
import { sniffContentType } from './sniff-content-type.js';

const schema = z.strictObject({ autoDetect: flag.optional() });

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  return Buffer.from(chunk as Uint8Array);
}

/**
 * `contentType`: gives a response without Content-Type one sniffed from its first bytes, as
 * Traefik does when this middleware re-enables detection (off by default since v3).
 */
export const contentType = defineMiddleware(schema, (options, deps) => {
  if (options.autoDetect !== undefined) {
    deps.log.warn({ middleware: deps.name }, 'contentType.autoDetect is deprecated; remove it');
    if (!options.autoDetect) return (next) => next;
  }
  return (next) => (ctx) => {
    if (ctx.upgrade) return next(ctx);
    let held: { status: unknown; headers: OutgoingHttpHeaders } | undefined;
    const unpatch = patchResponse(ctx.res, (previous) => {
      /** Sends the held head with the type sniffed from the first body bytes. */
      const release = (first: Buffer): void => {
        unpatch();
        const head = held!;
        held = undefined;
        // Like Go, an empty body is sent without a guessed type.
        if (first.length > 0) head.headers['content-type'] = sniffContentType(first);
        previous.writeHead(head.status, head.headers);
      };
      return {
        writeHead: (status, ...rest) => {
          const headers = rest.find((arg): arg is OutgoingHttpHeaders => typeof arg === 'object' && arg !== null);
          const code = Number(status);
          const typed = headers && Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
          if (typed || code < 200 || code === 204 || code === 304 || ctx.res.hasHeader('content-type')) {
            unpatch();
            return previous.writeHead(status, ...rest);
          }
          held = { status, headers: { ...headers } };
          return ctx.res;
        },
        write: (chunk, encoding, ...rest) => {
          if (held) release(toBuffer(chunk, encoding));
          return previous.write(chunk, encoding, ...rest);
        },
        end: (chunk, ...rest) => {
          if (held) {
            const body = chunk === undefined || chunk === null || typeof chunk === 'function' ? undefined : chunk;
            release(body === undefined ? Buffer.alloc(0) : toBuffer(body, rest[0]));
          }
          return previous.end(chunk, ...rest);
        },
      };
    });
    return next(ctx);
  };
});
