import type { RequestContext } from './context.js';

/**
 * Answers the request from the proxy itself (404, 503, 401, redirects…). The body is short
 * plain text: details belong in the log, never in the client's answer.
 */
export function respond(
  ctx: RequestContext,
  status: number,
  body: string,
  headers: Record<string, string | number | string[]> = {},
): void {
  const { res } = ctx;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = Buffer.from(body + (body.endsWith('\n') || body === '' ? '' : '\n'));
  res.writeHead(status, {
    ...ctx.responseHeaders,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': payload.length,
    ...headers,
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : payload);
}
