import type { UdpConfig } from '../config/dynamic/types.js';
import {
  addObjectsDroppedByProviders,
  issueLookup,
  placeholderIn,
  type ObjectIssues,
} from '../runtime/object-issues.js';
import { qualifiedReferences, routerEntryPoints, routerFields, tryCompile } from '../runtime/router-build.js';
import { checkServiceNotReported, streamServiceViews } from '../runtime/stream-views.js';
import type { UdpRouterView, UdpView } from '../runtime/view.js';
import type { UdpRoute } from './udp-entrypoint.js';
import { UdpServiceBuilder } from './udp-services.js';

export interface UdpBuildInput {
  udp: UdpConfig | undefined;
  /** The `…/udp` entry points: routers without `entryPoints` serve all of them. */
  udpEntryPoints: readonly string[];
  /** Every entry point, to tell a TCP one named by a UDP router from a missing one. */
  allEntryPoints: readonly string[];
  objectIssues: ObjectIssues;
}

export interface UdpRouting {
  /** The router of each UDP entry point that has one. */
  routes: Map<string, UdpRoute>;
  view: UdpView;
}

/**
 * Compiles the `udp` section: a broken router or service is disabled with its error and the
 * others keep serving. A datagram carries nothing to choose between routers, so each entry
 * point is served by one router: the first by name; the others are told which one holds it.
 */
export function buildUdp(input: UdpBuildInput): UdpRouting {
  const { udp = {}, objectIssues } = input;
  const issuesOf = issueLookup(objectIssues);
  const builder = new UdpServiceBuilder(udp.services ?? {});
  const services = streamServiceViews(udp.services ?? {}, builder, (name) => issuesOf('udpService', name));

  const routes = new Map<string, UdpRoute>();
  const routers: Record<string, UdpRouterView> = {};
  for (const name of Object.keys(udp.routers ?? {}).sort()) {
    const config = udp.routers![name]!;
    const errors = issuesOf('udpRouter', name);
    const { serviceName } = qualifiedReferences(name, config);
    services[serviceName]?.usedBy.push(name);
    const { using, warnings } = routerEntryPoints(config.entryPoints, input.udpEntryPoints, (ep) =>
      entryPointProblem(ep, input, routes),
    );
    if (using.length === 0) errors.push('no UDP entry point left for this router');
    const route = tryCompile(errors, (): UdpRoute => {
      checkServiceNotReported(issuesOf('udpService', serviceName), serviceName);
      return { name, balancer: builder.resolve(serviceName) };
    });
    const disabled = errors.length > 0;
    routers[name] = {
      ...config,
      ...routerFields(name, errors, warnings),
      using: disabled ? [] : using,
    };
    if (!disabled && route) for (const ep of using) routes.set(ep, route);
  }

  addObjectsDroppedByProviders(objectIssues, {
    udpRouter: placeholderIn(routers, (fields) => ({ ...fields, service: '', using: [] })),
    udpService: placeholderIn(services, (fields) => ({ ...fields, type: 'loadbalancer' as const, usedBy: [] })),
  });
  return { routes, view: { routers, services } };
}

function entryPointProblem(ep: string, input: UdpBuildInput, routes: Map<string, UdpRoute>): string | undefined {
  if (input.udpEntryPoints.includes(ep)) {
    const holder = routes.get(ep);
    return (
      holder && `entryPoint "${ep}" is already served by UDP router "${holder.name}" (one router per UDP entry point)`
    );
  }
  if (input.allEntryPoints.includes(ep)) {
    return `entryPoint "${ep}" is not a UDP entry point; give it an address ending in "/udp", like ":53/udp"`;
  }
  return `entryPoint "${ep}" doesn't exist`;
}
