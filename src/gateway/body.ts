import type { RequestContext } from '../runtime/context.js';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Whether the request announces a body (a non-zero Content-Length or any Transfer-Encoding). */
export function hasBody(ctx: RequestContext): boolean {
  if (ctx.body) return ctx.body.length > 0;
  const { headers } = ctx.req;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Reads the whole request body, up to `limit` bytes, into `ctx.body` so the transport forwards
 * exactly the bytes that were checked. Rejects with BodyTooLargeError past the limit, leaving the
 * socket open so a 413 can still be written.
 */
export function bufferBody(ctx: RequestContext, limit: number): Promise<Buffer> {
  if (ctx.body) return Promise.resolve(ctx.body);
  const { req } = ctx;
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      ctx.body = Buffer.concat(chunks, size);
      resolve(ctx.body);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
