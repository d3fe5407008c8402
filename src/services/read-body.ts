import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body while it stays within `limit` bytes (negative: no limit). A body that
 * grows past it is put back into the stream, unread, so it can still be streamed upstream whole.
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (limit >= 0 && size > limit) {
        cleanup();
        req.pause();
        req.unshift(Buffer.concat(chunks));
        resolve(undefined);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
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
