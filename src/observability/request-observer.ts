import type { RequestContext } from '../runtime/context.js';
import type { RequestObserver } from '../runtime/entrypoint.js';
import type { AccessLog } from './access-log.js';
import type { Metrics } from './metrics.js';

/**
 * What the entry points call when a response has finished: feeds the Prometheus metrics, the
 * dashboard's live counters and the access log from one duration measurement.
 */
export function createRequestObserver(parts: { metrics: Metrics; accessLog?: AccessLog }): RequestObserver {
  const { metrics, accessLog } = parts;
  const live = metrics.live;
  return (ctx: RequestContext, status: number, bytesSent: number) => {
    const durationNs = process.hrtime.bigint() - ctx.startTime;
    // Portier's own API and dashboard traffic would drown the charts of the services users run.
    if (!ctx.serviceName?.endsWith('@internal')) live.record(ctx.serviceName, ctx.upstreamUrl, status);
    if (metrics.enabled) {
      metrics.observeRequest({
        entryPoint: ctx.entryPoint,
        router: ctx.routerName,
        service: ctx.serviceName,
        method: ctx.req.method ?? 'GET',
        status,
        durationSeconds: Number(durationNs) / 1e9,
        requestBytes: Number(ctx.req.headers['content-length'] ?? 0) || 0,
        responseBytes: bytesSent,
      });
    }
    accessLog?.write({ ctx, status, bytesSent, durationNs });
  };
}
