import { int, list, obj, str } from './shape.js';

/** `traefik.udp.routers.<name>.*`: UDP routers have no rule, only where and to what. */
export const udpRouterShape = obj({ entryPoints: list, service: str });

/** `traefik.udp.services.<name>.*`: `server.port` becomes each container's `address`. */
export const udpServiceShape = obj({
  loadBalancer: obj({ server: obj({ port: int }) }),
  weighted: obj({ services: { kind: 'array', item: obj({ name: str, weight: int }) } }),
});
