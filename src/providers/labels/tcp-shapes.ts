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
 * `traefik.tcp.services.<name>.*`: `server` becomes each container's `address`. `proxyProtocol`
 * is refused: Portier cannot send the PROXY header yet, and a backend expecting it would misread
 * every connection, so such a label is an error rather than silently ignored.
 */
export const tcpServiceShape = obj({
  loadBalancer: obj({
    server: obj({ port: int, tls: bool }),
    serversTransport: str,
    terminationDelay: int,
    proxyProtocol: {
      kind: 'refused',
      reason: 'is not supported yet: Portier cannot send the PROXY protocol header; remove the label',
    },
  }),
  weighted: obj({ services: { kind: 'array', item: obj({ name: str, weight: int }) } }),
});

/** Traefik's TCP middlewares. Their options are few, so unknown keys are typos, not passed on. */
export const tcpMiddlewareShapes: Record<string, Shape> = {
  ipAllowList: obj({ sourceRange: list }),
  ipWhiteList: obj({ sourceRange: list }),
  inFlightConn: obj({ amount: int }),
};
