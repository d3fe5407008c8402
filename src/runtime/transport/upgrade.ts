import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { RequestContext } from '../context.js';
import { trackSocketConnection } from './connection-tracking.js';
import { handleUpstreamFailure, type ForwardOptions, type ForwardOutcome } from './failure.js';
import { clientResponseHeaders } from './response-headers.js';
import { upstreamHeaders, upstreamPath } from './upstream-request.js';
import type { UpstreamServer } from './upstreams.js';

/** Serialises a response head for a raw socket (the 101 answer bypasses ServerResponse). */
function rawHead(status: number, statusMessage: string, headers: OutgoingHttpHeaders): string {
  let head = `HTTP/1.1 ${status} ${statusMessage}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) head += `${name}: ${item}\r\n`;
  }
  return head + '\r\n';
}

/** Ties two sockets together until either side ends or fails; then both are destroyed. */
function splice(client: Duplex, upstream: Duplex): void {
  const destroyBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on('error', destroyBoth);
    socket.on('close', destroyBoth);
  }
  upstream.pipe(client);
  client.pipe(upstream);
}

/**
 * Forwards an HTTP Upgrade (WebSocket) request on its own upstream connection. A 101 answer is
 * written to the client socket and the two sockets are spliced; any other answer is relayed as
 * a normal response.
 */
export function forwardUpgrade(
  ctx: RequestContext,
  server: UpstreamServer,
  options: ForwardOptions,
): Promise<ForwardOutcome> {
  const upgrade = ctx.upgrade!;
  const client = upgrade.socket;
  const headers = upstreamHeaders(ctx, server, options.passHostHeader, true);
  headers.connection = 'Upgrade';
  const protocol = ctx.req.headers.upgrade;
  if (protocol) headers.upgrade = protocol;

  return new Promise((resolve) => {
    const request = (server.secure ? httpsRequest : httpRequest)({
      host: server.hostname,
      port: server.port,
      method: ctx.req.method,
      path: upstreamPath(ctx, server),
      headers,
      agent: false,
      timeout: server.upstreams.connectTimeout,
      ...(server.secure && server.upstreams.tlsOptions(server)),
    });
    let settled = false;
    const settle = (outcome: ForwardOutcome): void => {
      settled = true;
      client.off('close', abandon);
      resolve(outcome);
    };
    const abandon = (): void => {
      if (!settled) request.destroy();
      settle(undefined);
    };
    client.once('close', abandon);

    request.once('socket', (socket) => {
      socket.once('connect', () => socket.setTimeout(0));
      const track = server.upstreams.connectionTracker;
      if (track) trackSocketConnection(socket, server.origin, track);
    });
    request.on('timeout', () => {
      const connecting = request.socket?.connecting ?? true;
      request.destroy(
        Object.assign(new Error('upstream connect timeout'), {
          code: connecting ? 'UND_ERR_CONNECT_TIMEOUT' : 'ETIMEDOUT',
        }),
      );
    });
    request.on('error', (error) => {
      if (settled) return;
      if (client.destroyed) settle(undefined);
      else settle(handleUpstreamFailure(ctx, server, error, options));
    });
    request.on('upgrade', (response: IncomingMessage, upstream: Duplex, upstreamHead: Buffer) => {
      if (settled || client.destroyed) {
        upstream.destroy();
        return;
      }
      const head = clientResponseHeaders(ctx, 101, response.headers, true);
      client.write(rawHead(101, response.statusMessage || 'Switching Protocols', head));
      ctx.res.statusCode = 101; // for the access log, written when the socket closes
      if (upstreamHead.length) client.write(upstreamHead);
      if (upgrade.head.length) upstream.write(upgrade.head);
      splice(client, upstream);
      settle(undefined);
    });
    request.on('response', (response: IncomingMessage) => {
      // The upstream declined the upgrade: its answer goes to the client as an ordinary response.
      const status = response.statusCode ?? 502;
      ctx.res.writeHead(status, clientResponseHeaders(ctx, status, response.headers));
      response.pipe(ctx.res);
      response.once('error', () => ctx.res.destroy());
      settle(undefined);
    });
    request.end();
  });
}
