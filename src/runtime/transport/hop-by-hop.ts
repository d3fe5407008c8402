import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

type Headers = IncomingHttpHeaders | OutgoingHttpHeaders;

/** Headers that describe one connection and must never be passed on by a proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Also HTTP/2 pseudo-headers (`:path`…), which belong to one connection's framing as well. */
function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || name.startsWith(':');
}

/** Header names listed in `Connection`, which are hop-by-hop for this message only. */
function namedByConnection(connection: Headers['connection']): string[] | undefined {
  // The usual values name no other header: skip the parsing on the hot path.
  if (connection === undefined || connection === 'keep-alive' || connection === 'close') return undefined;
  const text = Array.isArray(connection) ? connection.join(',') : String(connection);
  return text
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token && token !== 'keep-alive' && token !== 'close');
}

/** Copies headers without the hop-by-hop ones and without `skip` (copying is cheaper than deleting). */
function copyEndToEnd(headers: Headers, skip?: string): Record<string, string | string[]> {
  const named = namedByConnection(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === skip || isHopByHop(name)) continue;
    if (named?.includes(name)) continue;
    out[name] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

/**
 * Request headers for the upstream: no hop-by-hop ones and no `Expect` (the entry point already
 * answered `100-continue`, and undici refuses the header).
 */
export function endToEndRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return copyEndToEnd(headers, 'expect');
}

/** Response headers for the client: the upstream's, without the hop-by-hop ones. */
export function endToEndResponseHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return copyEndToEnd(headers);
}

/** Removes hop-by-hop headers from a response's headers, in place. */
export function stripResponseHopByHop(headers: OutgoingHttpHeaders): void {
  for (const name of namedByConnection(headers.connection) ?? []) delete headers[name];
  for (const name in headers) if (isHopByHop(name)) delete headers[name];
}
