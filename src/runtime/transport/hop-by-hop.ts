import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one connection and must never be passed on by a proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-');
}

/** Header names listed in `Connection`, which are hop-by-hop for this message only. */
function namedByConnection(connection: string | string[] | number | undefined): string[] {
  if (connection === undefined) return [];
  const text = Array.isArray(connection) ? connection.join(',') : String(connection);
  return text
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Copies request headers for the upstream without the hop-by-hop ones and without `Expect`
 * (the entry point already answered `100-continue`, and undici refuses the header).
 */
export function endToEndRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = namedByConnection(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isHopByHop(name) || name === 'expect') continue;
    if (named.length && named.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Removes hop-by-hop headers from an upstream response, in place (undici hands us a fresh object). */
export function stripResponseHopByHop(headers: OutgoingHttpHeaders): void {
  for (const name of namedByConnection(headers.connection)) delete headers[name];
  for (const name in headers) if (isHopByHop(name)) delete headers[name];
}
