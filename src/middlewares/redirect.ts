import type { RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';

const STATUS_TEXT: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

/**
 * Answers with a redirect as Traefik does: GET keeps the classic 302/301, other methods get
 * 307/308 so that browsers repeat the method and body.
 */
export function redirect(ctx: RequestContext, location: string, permanent: boolean): void {
  const isGet = ctx.req.method === 'GET';
  const status = permanent ? (isGet ? 301 : 308) : isGet ? 302 : 307;
  respond(ctx, status, STATUS_TEXT[status]!, { location });
}
