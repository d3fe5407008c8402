import type { IncomingHttpHeaders } from 'node:http';
import type { EntryPointConfig } from '../config/static/types.js';
import { IpSet } from '../middlewares/client-ip.js';

/** The headers a client could forge to pass for someone else, as Traefik lists them. */
const FORWARDED_HEADERS = [
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-prefix',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
  'x-real-ip',
];

/**
 * Decides, per entry point, whether a client's own X-Forwarded-* headers are believed. Only peers
 * in `forwardedHeaders.trustedIPs` (or every peer with `insecure: true`) keep them; from anyone
 * else they are removed before routing, so upstreams and IP-based middlewares see the truth.
 * `reservedHeaders` (the gateway's consumer header) only Portier may set: dropped from everyone.
 */
export function forwardedHeadersFilter(
  name: string,
  config: EntryPointConfig,
  reservedHeaders: readonly string[] = [],
): (headers: IncomingHttpHeaders, peer: string | undefined) => void {
  const options = config.forwardedHeaders ?? {};
  const reserved = reservedHeaders.map((header) => header.toLowerCase());
  const dropReserved = (headers: IncomingHttpHeaders) => {
    for (const header of reserved) if (header in headers) delete headers[header];
  };
  if (options.insecure) return dropReserved;
  const trustedIPs = options.trustedIPs ?? [];
  const trusted = new IpSet(trustedIPs, `entryPoints.${name}.forwardedHeaders.trustedIPs`);
  // Nobody trusted is the common case: then the peer's address need not even be read.
  const isTrusted = trustedIPs.length === 0 ? () => false : (peer: string) => trusted.has(peer);
  return (headers, peer) => {
    dropReserved(headers);
    if (peer !== undefined && isTrusted(peer)) return;
    for (const header of FORWARDED_HEADERS) if (header in headers) delete headers[header];
  };
}
