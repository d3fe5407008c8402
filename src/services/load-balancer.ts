import type { LoadBalancerConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import { onResponseHeaders, type RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import { handleUpstreamFailure } from '../runtime/transport/failure.js';
import { forward } from '../runtime/transport/forward.js';
import { canResend } from '../runtime/transport/upstream-request.js';
import type { UpstreamServer } from '../runtime/transport/upstreams.js';
import type { ServiceDeps } from './deps.js';
import { EdfScheduler } from './edf.js';
import { healthCheckSettings } from './health-check-config.js';
import type { ServerHealth } from './health-checks.js';
import { appendSetCookie, StickyCookie } from './sticky-cookie.js';
import type { Service, ServerState } from './types.js';

interface Member {
  readonly server: UpstreamServer;
  readonly weight: number;
  readonly health: ServerHealth | undefined;
  /** Until when (ms) a server that refused a connection is passed over; 0 when it did not. */
  refusedUntil: number;
}

/** Traefik's default, which Portier applies too and the API shows on a load balancer that leaves it out. */
export const DEFAULT_PASS_HOST_HEADER = true;

/** A refused dial sent nothing, so trying other servers is safe; bounded to keep a bad answer quick. */
const DIAL_ATTEMPTS = 3;
/** A server that refused a connection (a container that just stopped) is skipped this long. */
const REFUSED_PAUSE_MS = 1000;

function isUp(member: Member): boolean {
  return member.health === undefined || member.health.up;
}

function isUsable(member: Member): boolean {
  return isUp(member) && (member.refusedUntil === 0 || member.refusedUntil <= Date.now());
}

function readMembers(name: string, config: LoadBalancerConfig, deps: ServiceDeps): Member[] {
  const servers = config.servers ?? [];
  const settings = config.healthCheck ? healthCheckSettings(config.healthCheck) : undefined;
  return servers.map((entry, index) => {
    const key = `loadBalancer.servers[${index}]`;
    const weight = entry.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw new ConfigError(`must be a number, got ${JSON.stringify(weight)}`, `${key}.weight`);
    }
    const server = deps.upstreams.server(entry.url, `${key}.url`);
    const health =
      config.healthCheck && settings
        ? deps.health.watch(name, server, config.healthCheck, settings, (event) => deps.onServerStatus(event))
        : undefined;
    return { server, weight, health, refusedUntil: 0 };
  });
}

/**
 * The `loadBalancer` service: weighted round robin over servers (EDF), optional sticky cookie,
 * active health checks, and one retry on another server when a server refuses the connection.
 */
export function buildLoadBalancer(name: string, config: LoadBalancerConfig, deps: ServiceDeps): Service {
  const members = readMembers(name, config, deps);
  // Shuffled, as Traefik does: after every reload the first picks must not all go to servers[0].
  const scheduler = new EdfScheduler(shuffled(members).map((member) => ({ item: member, weight: member.weight })));
  const options = { passHostHeader: config.passHostHeader ?? DEFAULT_PASS_HOST_HEADER };
  const retryOptions = { ...options, retryUnreachable: true };
  const sticky = config.sticky?.cookie
    ? new StickyCookie<Member>(
        config.sticky.cookie,
        name,
        members.map((member) => [member, member.server.url]),
      )
    : undefined;
  const canRetry = scheduler.size > 1;
  const byUrl = new Map(members.map((member) => [member.server.url, member]));
  // A hook rather than a header: after a retry the cookie must name the server that answered.
  const setStickyCookie = (ctx: RequestContext): void =>
    onResponseHeaders(ctx, (_status, headers) => {
      const answered = byUrl.get(ctx.upstreamUrl ?? '');
      if (sticky && answered) appendSetCookie(headers, sticky.setCookie(answered));
    });

  const handle = async (ctx: RequestContext): Promise<void> => {
    let member = sticky?.lookup(ctx.req.headers.cookie);
    const cookieValid = member !== undefined && isUsable(member) && member.weight > 0;
    if (!member || !cookieValid) {
      member = scheduler.next(isUsable) ?? scheduler.next(isUp);
      if (!member) {
        respond(ctx, 503, 'no available server');
        return;
      }
      if (sticky) setStickyCookie(ctx);
    }
    const mayRetry = canRetry && canResend(ctx);
    const tried = [member];
    let dialError = await forward(ctx, member.server, mayRetry ? retryOptions : options);
    while (dialError) {
      member.refusedUntil = Date.now() + REFUSED_PAUSE_MS;
      const other =
        tried.length < DIAL_ATTEMPTS
          ? scheduler.next((candidate) => !tried.includes(candidate) && isUsable(candidate))
          : undefined;
      if (!other) {
        handleUpstreamFailure(ctx, member.server, dialError, options);
        return;
      }
      // The client's cookie named the server that refused: point it at the one that answers.
      if (cookieValid && tried.length === 1) setStickyCookie(ctx);
      tried.push(other);
      member = other;
      dialError = await forward(ctx, member.server, tried.length < DIAL_ATTEMPTS ? retryOptions : options);
    }
  };

  return {
    handle,
    serverStatus(): Record<string, ServerState> {
      const status: Record<string, ServerState> = {};
      for (const member of members) status[member.server.url] = isUp(member) ? 'UP' : 'DOWN';
      return status;
    },
    isAvailable: () => members.some((member) => member.weight > 0 && isUp(member)),
  };
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
