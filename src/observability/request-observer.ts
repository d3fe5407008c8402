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
    // As Traefik without `addInternals`: requests to Portier's own routers (API, dashboard, ping,
    // metrics) stay out of the metrics, the access log and the charts. A user's router that
    // sends traffic to `api@internal` on purpose is counted like any other.
    if (ctx.routerName?.endsWith('@internal')) return;
    const durationNs = Number(process.hrtime.bigint() - ctx.startTime);
    live.record(ctx.serviceName, ctx.upstreamUrl, status);
    if (metrics.enabled) {
      metrics.observeRequest({
        entryPoint: ctx.entryPoint,
        router: ctx.routerName,
        service: ctx.serviceName,
        consumer: ctx.consumer,
        method: ctx.req.method ?? 'GET',
        status,
        durationSeconds: durationNs / 1e9,
        requestBytes: Number(ctx.req.headers['content-length'] ?? 0) || 0,
        responseBytes: bytesSent,
      });
    }
    accessLog?.write(ctx, status, bytesSent, durationNs);
  };
}
