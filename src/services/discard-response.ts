import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/**
 * Where a mirror's answer goes: nowhere. It offers the part of ServerResponse that the transport
 * and `respond` use, and swallows the body at full speed so the mirror never holds memory.
 */
class DiscardResponse extends Writable {
  headersSent = false;
  statusCode = 200;

  writeHead(status: number): this {
    this.statusCode = status;
    this.headersSent = true;
    return this;
  }

  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }
}

export function discardResponse(): ServerResponse {
  return new DiscardResponse() as unknown as ServerResponse;
}
