import { UNSUPPORTED_TCP_SERVICE_KEYS } from '../../tcp/unsupported.js';
import { bool, int, list, obj, str, type Shape } from './shape.js';

/** `traefik.tcp.routers.<name>.*` */
export const tcpRouterShape = obj({
  rule: str,
  ruleSyntax: str,
  entryPoints: list,
  middlewares: list,
  service: str,
  priority: int,
  tls: obj(
    {
      passthrough: bool,
      certResolver: str,
      options: str,
      domains: { kind: 'array', item: obj({ main: str, sans: list }) },
    },
    { self: 'bool' },
  ),
});

/**
 * `traefik.tcp.services.<name>.*`: `server` becomes each container's `address`. The settings
 * Portier cannot honour (`proxyProtocol`, `serversTransport`) are refused
 * with the reason, as the file schema refuses them, rather than silently ignored.
 */
export const tcpServiceShape = obj({
  loadBalancer: obj({
    server: obj({ port: int, tls: bool }),
    terminationDelay: int,
    ...Object.fromEntries(
      Object.entries(UNSUPPORTED_TCP_SERVICE_KEYS).map(([key, reason]) => [
        key,
        { kind: 'refused', reason: reason.replace(/remove it\b/, 'remove the label') } satisfies Shape,
      ]),
    ),
  }),
  weighted: obj({ services: { kind: 'array', item: obj({ name: str, weight: int }) } }),
});

/** Traefik's TCP middlewares. Their options are few, so unknown keys are typos, not passed on. */
export const tcpMiddlewareShapes: Record<string, Shape> = {
  ipAllowList: obj({ sourceRange: list }),
  ipWhiteList: obj({ sourceRange: list }),
  inFlightConn: obj({ amount: int }),
};
