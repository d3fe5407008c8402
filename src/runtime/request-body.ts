import type { RequestContext } from './context.js';

/** Whether the request has a body: one already read, or one announced (Content-Length or chunked). */
export function hasRequestBody(ctx: RequestContext): boolean {
  if (ctx.body) return ctx.body.length > 0;
  const { headers } = ctx.req;
  return (
    (headers['content-length'] !== undefined && headers['content-length'] !== '0') ||
    headers['transfer-encoding'] !== undefined
  );
}

/**
 * Reads the whole request body into `ctx.body` (where the transport then takes it from), unless it
 * is bigger than `limit` bytes (negative: no limit): then the bytes read so far are put back so
 * that the body can still be streamed, and 'too-large' is returned. Rejects when the client aborts.
 */
export async function bufferRequestBody(ctx: RequestContext, limit: number): Promise<Buffer | 'too-large'> {
  if (limit < 0) limit = Infinity;
  if (ctx.body !== undefined) return ctx.body.length > limit ? 'too-large' : ctx.body;
  const { req } = ctx;
  // No body: nothing to hold, and the request goes on without one (no `Content-Length: 0` added).
  if (!hasRequestBody(ctx)) return Buffer.alloc(0);
  if (Number(req.headers['content-length'] ?? 0) > limit) return 'too-large';
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      stop();
      req.pause();
      req.unshift(Buffer.concat(chunks));
      resolve('too-large');
    };
    const onEnd = () => {
      stop();
      resolve((ctx.body = Buffer.concat(chunks)));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onAborted = () => onError(new Error('client aborted the request body'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onAborted);
  });
}
