import type { Kind, Protocol } from './api.js';

const NOUNS: Record<Kind, string> = { routers: 'router', services: 'service', middlewares: 'middleware' };

export const KINDS: readonly Kind[] = ['routers', 'services', 'middlewares'];

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * TCP objects always say so ("TCP routers", "TCP router"), HTTP ones stay unmarked as before TCP
 * existed: the same name can be a router of both protocols.
 */
export function kindTitle(protocol: Protocol, kind: Kind): string {
  return protocol === 'tcp' ? `TCP ${kind}` : capitalised(kind);
}

/** "router" or "TCP router". */
export function objectNoun(protocol: Protocol, kind: Kind): string {
  return protocol === 'tcp' ? `TCP ${NOUNS[kind]}` : NOUNS[kind];
}

/** "Routers" whatever the protocol, for the TCP kind tabs. */
export function plainTitle(kind: Kind): string {
  return capitalised(kind);
}
