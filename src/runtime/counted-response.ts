import { ServerResponse, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Http2ServerResponse, type Http2ServerRequest } from 'node:http2';

/**
 * Responses that count the body bytes written to them, for the access log and the metrics. The
 * socket's byte counter cannot serve: it includes the headers, and with HTTP/2 every stream of the
 * session shares it. Middlewares that wrap `write` (compress…) call these underneath, so the count
 * is of the bytes that reach the client.
 */
export interface BodyCounter {
  bodyBytes: number;
}

function chunkBytes(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  return (chunk as Uint8Array | null | undefined)?.byteLength ?? 0;
}

export class CountedResponse<Request extends IncomingMessage = IncomingMessage>
  extends ServerResponse<Request>
  implements BodyCounter
{
  bodyBytes = 0;
  /**
   * The header object given to `writeHead`: node sends it without keeping it where `getHeaders()`
   * looks (unless `setHeader` was called first), and the access log may name response headers.
   */
  headersGiven: OutgoingHttpHeaders | undefined = undefined;

  // A fixed signature rather than rest parameters: every proxied response comes through here.
  override writeHead(statusCode: number, reasonOrHeaders?: unknown, headers?: unknown): this {
    const given = typeof reasonOrHeaders === 'string' ? headers : reasonOrHeaders;
    if (given && typeof given === 'object' && !Array.isArray(given)) this.headersGiven = given as OutgoingHttpHeaders;
    return super.writeHead(statusCode, reasonOrHeaders as string, headers as OutgoingHttpHeaders);
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    this.bodyBytes += chunkBytes(chunk, encoding);
    return super.write(chunk, encoding as BufferEncoding, callback as () => void);
  }

  // node:http's `end` writes its last chunk without going through `write`.
  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk !== 'function') this.bodyBytes += chunkBytes(chunk, encoding);
    return super.end(chunk, encoding as BufferEncoding, callback as () => void);
  }
}

export class CountedHttp2Response<Request extends Http2ServerRequest = Http2ServerRequest>
  extends Http2ServerResponse<Request>
  implements BodyCounter
{
  bodyBytes = 0;

  // The HTTP/2 `end` hands its last chunk to `write`, so it is counted here too.
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    this.bodyBytes += chunkBytes(chunk, encoding);
    return super.write(chunk as string, encoding as BufferEncoding, callback as () => void);
  }
}

/** The response headers sent, by lower-case name, including those given to `writeHead`. */
export function sentHeaders(res: ServerResponse | Http2ServerResponse): OutgoingHttpHeaders {
  const given = (res as Partial<CountedResponse>).headersGiven;
  if (!given) return res.getHeaders();
  const headers = res.getHeaders();
  for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
  return headers;
}

/** Body bytes sent for the request: none for HEAD, whose body node never sends. */
export function bodyBytesSent(res: object, method: string | undefined): number {
  return method === 'HEAD' ? 0 : ((res as Partial<BodyCounter>).bodyBytes ?? 0);
}
