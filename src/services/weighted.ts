import type { WeightedConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import { onResponseHeaders, type RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import type { ServiceDeps } from './deps.js';
import { EdfScheduler } from './edf.js';
import { appendSetCookie, StickyCookie } from './sticky-cookie.js';
import type { Service } from './types.js';

interface Child {
  readonly name: string;
  readonly service: Service;
  readonly weight: number;
}

/** The `weighted` service: EDF round robin over child services, with an optional sticky cookie. */
export function buildWeighted(name: string, config: WeightedConfig, deps: ServiceDeps): Service {
  const children: Child[] = (config.services ?? []).map((ref, index) => {
    const key = `weighted.services[${index}]`;
    if (!ref.name) throw new ConfigError('needs the name of a service', `${key}.name`);
    const weight = ref.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw new ConfigError(`must be a number, got ${JSON.stringify(weight)}`, `${key}.weight`);
    }
    return { name: ref.name, service: deps.resolveService(ref.name), weight };
  });
  const scheduler = new EdfScheduler(children.map((child) => ({ item: child, weight: child.weight })));
  const available = (child: Child): boolean => child.service.isAvailable();
  const sticky = config.sticky?.cookie
    ? new StickyCookie<Child>(
        config.sticky.cookie,
        name,
        children.map((child) => [child, child.name]),
      )
    : undefined;

  const handle = (ctx: RequestContext): void | Promise<void> => {
    let child = sticky?.lookup(ctx.req.headers.cookie);
    if (!child || !(child.weight > 0) || !available(child)) {
      child = scheduler.next(available);
      if (!child) {
        respond(ctx, 503, 'no available server');
        return;
      }
      if (sticky) {
        const line = sticky.setCookie(child);
        onResponseHeaders(ctx, (_status, headers) => appendSetCookie(headers, line));
      }
    }
    return child.service.handle(ctx);
  };

  return {
    handle,
    serverStatus: () => ({}),
    isAvailable: () => children.some((child) => child.weight > 0 && available(child)),
  };
}
