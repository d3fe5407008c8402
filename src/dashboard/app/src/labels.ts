import type { Kind, Protocol } from './api.js';
import { traitsOf } from './protocols.js';

const NOUNS: Record<Kind, string> = { routers: 'router', services: 'service', middlewares: 'middleware' };

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * TCP and UDP objects always say so ("TCP routers", "UDP router"), HTTP ones stay unmarked as
 * before TCP existed: the same name can be a router of several protocols.
 */
export function kindTitle(protocol: Protocol, kind: Kind): string {
  return traitsOf(protocol).marked ? `${protocolName(protocol)} ${kind}` : capitalised(kind);
}

/** "router", "TCP router" or "UDP router". */
export function objectNoun(protocol: Protocol, kind: Kind): string {
  return traitsOf(protocol).marked ? `${protocolName(protocol)} ${NOUNS[kind]}` : NOUNS[kind];
}

export function protocolName(protocol: Protocol): string {
  return protocol.toUpperCase();
}

/** "Routers" whatever the protocol, for the TCP and UDP kind tabs. */
export function plainTitle(kind: Kind): string {
  return capitalised(kind);
}
