import type { RequestContext } from '../runtime/context.js';

/** Sends a JSON body the way Traefik's API does: `application/json`, one trailing newline. */
export function sendJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const { res } = ctx;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = Buffer.from(JSON.stringify(body) + '\n');
  res.writeHead(status, {
    ...ctx.responseHeaders,
    'content-type': 'application/json',
    'content-length': payload.length,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : payload);
}

/** Traefik's error shape: `{"message": "…"}`. */
export function sendError(ctx: RequestContext, status: number, message: string): void {
  sendJson(ctx, status, { message });
}
