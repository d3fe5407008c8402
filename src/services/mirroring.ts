import type { IncomingMessage } from 'node:http';
import type { MirroringConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import type { RequestContext } from '../runtime/context.js';
import { hasStreamedBody } from '../runtime/transport/upstream-request.js';
import type { ServiceDeps } from './deps.js';
import { discardResponse } from './discard-response.js';
import { bufferRequestBody } from '../runtime/request-body.js';
import type { Service } from './types.js';

interface Mirror {
  readonly service: Service;
  readonly percent: number;
  /** Requests seen and mirrored, so that exactly `percent`% are copied whatever the traffic. */
  seen: number;
  sent: number;
}

function takesThisRequest(mirror: Mirror): boolean {
  mirror.seen++;
  if (mirror.sent * 100 >= mirror.percent * mirror.seen) return false;
  mirror.sent++;
  return true;
}

/** A copy of the request for a mirror: same target and headers, its own answer, dropped. */
function mirrorContext(ctx: RequestContext, body: Buffer | undefined): RequestContext {
  const headers = { ...ctx.req.headers };
  if (!body) {
    delete headers['content-length'];
    delete headers['transfer-encoding'];
  }
  const req = { method: ctx.req.method, headers, socket: ctx.req.socket } as IncomingMessage;
  const { entryPoint, scheme, host, path, query, clientIp, localPort, startTime } = ctx;
  return { req, res: discardResponse(), entryPoint, scheme, host, path, query, clientIp, localPort, startTime, body };
}

/**
 * The `mirroring` service: the main service answers; each mirror gets a copy of `percent`% of
 * the requests (body included up to `maxBodySize`) and its answers are dropped.
 */
export function buildMirroring(config: MirroringConfig, deps: ServiceDeps): Service {
  if (!config.service) throw new ConfigError('needs the name of the main service', 'mirroring.service');
  const main = deps.resolveService(config.service);
  const mirrors: Mirror[] = (config.mirrors ?? []).map((ref, index) => {
    const key = `mirroring.mirrors[${index}]`;
    const percent = ref.percent ?? 0;
    if (typeof percent !== 'number' || percent < 0 || percent > 100) {
      throw new ConfigError(`must be a number from 0 to 100, got ${JSON.stringify(percent)}`, `${key}.percent`);
    }
    return { service: deps.resolveService(ref.name), percent, seen: 0, sent: 0 };
  });
  const mirrorBody = config.mirrorBody ?? true;
  const maxBodySize = config.maxBodySize ?? -1;

  const handle = async (ctx: RequestContext): Promise<void> => {
    const chosen = mirrors.filter(takesThisRequest);
    if (chosen.length === 0) return main.handle(ctx);
    let body = ctx.body;
    if (mirrorBody && !body && hasStreamedBody(ctx)) {
      let read: Buffer | 'too-large';
      try {
        read = await bufferRequestBody(ctx, maxBodySize);
      } catch {
        ctx.res.destroy(); // the client broke off its upload: nobody is left to answer
        return;
      }
      // Too large to copy: the main service still gets it, streamed, and the mirrors get nothing.
      if (read === 'too-large') return main.handle(ctx);
      body = read;
    }
    for (const mirror of chosen) {
      const copy = mirrorContext(ctx, mirrorBody ? body : undefined);
      // A mirror's failure, even a synchronous throw, must never reach the main request.
      void Promise.resolve()
        .then(() => mirror.service.handle(copy))
        .catch(() => undefined);
    }
    return main.handle(ctx);
  };

  return {
    handle,
    serverStatus: () => ({}),
    isAvailable: () => main.isAvailable(),
  };
}
