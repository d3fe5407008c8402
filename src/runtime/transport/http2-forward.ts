import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { constants, type ClientHttp2Stream, type ServerHttp2Stream } from 'node:http2';
import type { RequestContext } from '../context.js';
import { handleUpstreamFailure, type ForwardOptions, type ForwardOutcome } from './failure.js';
import { clientResponseHeaders } from './response-headers.js';
import { hasStreamedBody, upstreamHeaders, upstreamPath } from './upstream-request.js';
import type { UpstreamServer } from './upstreams.js';

/** gRPC (and gRPC-Web) requests need HTTP/2 to the upstream: trailers carry their status. */
export function isGrpc(ctx: RequestContext): boolean {
  const type = ctx.req.headers['content-type'];
  return typeof type === 'string' && type.startsWith('application/grpc');
}

/**
 * Sends the request over an HTTP/2 session (`h2c://` servers, and gRPC to `https://` ones) and
 * relays the answer, trailers included, which is what gRPC's status travels in.
 */
export function forwardHttp2(ctx: RequestContext, server: UpstreamServer, options: ForwardOptions) {
  return new Promise<ForwardOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: ForwardOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let stream: ClientHttp2Stream;
    try {
      const session = server.upstreams.http2Session(server);
      const streamed = ctx.body === undefined && hasStreamedBody(ctx);
      stream = session.request(requestHeaders(ctx, server, options), {
        endStream: ctx.body === undefined && !streamed,
      });
      if (ctx.body !== undefined) stream.end(ctx.body);
      else if (streamed) {
        ctx.req.pipe(stream);
        // pipe() does not pass errors on: a client that breaks off its upload cancels the stream.
        ctx.req.once('error', () => stream.close(constants.NGHTTP2_CANCEL));
      }
    } catch (error) {
      finish(handleUpstreamFailure(ctx, server, error as Error, options));
      return;
    }
    const onClientClose = () => {
      if (!ctx.res.writableFinished) stream.close(constants.NGHTTP2_CANCEL);
    };
    ctx.res.once('close', onClientClose);
    stream.on('response', (headers, flags) => {
      const status = Number(headers[':status']);
      if (status < 200) return;
      const head = clientResponseHeaders(ctx, status, headers);
      if (flags & constants.NGHTTP2_FLAG_END_STREAM && endWithHeadersOnly(ctx, status, head)) return;
      ctx.res.writeHead(status, head);
      // Send the head now, so a stream that stays quiet for a while is not held back.
      ctx.res.flushHeaders();
      stream.pipe(ctx.res);
    });
    stream.on('trailers', (trailers: IncomingHttpHeaders) => {
      ctx.res.addTrailers(withoutPseudoHeaders(trailers));
    });
    stream.on('end', () => {
      ctx.res.off('close', onClientClose);
      finish(undefined);
    });
    stream.on('error', (error) => {
      ctx.res.off('close', onClientClose);
      finish(handleUpstreamFailure(ctx, server, error, options));
    });
    // A stream cancelled by us or closed by GOAWAY may end with neither 'end' nor 'error'.
    stream.once('close', () => {
      ctx.res.off('close', onClientClose);
      if (!settled && !ctx.res.headersSent)
        finish(handleUpstreamFailure(ctx, server, new Error('HTTP/2 stream closed'), options));
      else if (!ctx.res.writableEnded) ctx.res.destroy();
      finish(undefined);
    });
  });
}

function requestHeaders(ctx: RequestContext, server: UpstreamServer, options: ForwardOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = upstreamHeaders(ctx, server, options.passHostHeader, false);
  const authority = headers.host ?? server.host;
  delete headers.host;
  // `te: trailers` is hop-by-hop in HTTP/1.1 but gRPC servers require it in HTTP/2.
  if (String(ctx.req.headers.te ?? '').includes('trailers')) headers.te = 'trailers';
  return {
    ...headers,
    ':method': ctx.req.method ?? 'GET',
    ':path': upstreamPath(ctx, server),
    ':authority': authority,
    ':scheme': server.secure ? 'https' : 'http',
  };
}

function withoutPseudoHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(':') && value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * A gRPC "trailers-only" answer (status in the headers, no body) must reach an HTTP/2 client as
 * one HEADERS frame ending the stream; node's compatibility response always sends trailers
 * after the head, so answer on the raw stream. HTTP/1.1 clients get the usual response.
 */
function endWithHeadersOnly(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders): boolean {
  const stream = (ctx.res as unknown as { stream?: ServerHttp2Stream }).stream;
  if (ctx.req.httpVersionMajor !== 2 || !stream || stream.headersSent) return false;
  stream.respond({ ...headers, ':status': status }, { endStream: true });
  return true;
}
