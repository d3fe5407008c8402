/** TLS record type of a handshake: the first byte of every TLS connection. */
export const TLS_HANDSHAKE = 0x16;

export type HelloParse = { complete: false } | { complete: true; serverName?: string; alpn: string[] };

/**
 * Reads the server name (SNI) and ALPN list from the ClientHello at the start of `data`, without
 * consuming it, so the connection can be routed before the handshake. Only the first record is
 * read; a ClientHello split over several records is served as if it had no SNI.
 */
export function parseClientHello(data: Buffer): HelloParse {
  if (data.length < 5) return { complete: false };
  const recordEnd = 5 + data.readUInt16BE(3);
  if (data.length < recordEnd) return { complete: false };
  const result: { complete: true; serverName?: string; alpn: string[] } = { complete: true, alpn: [] };
  try {
    let at = 5;
    if (data[at] !== 1) return result;
    at += 4 + 2 + 32; // handshake header, client_version, random
    at += 1 + data[at]!; // session id
    at += 2 + data.readUInt16BE(at); // cipher suites
    at += 1 + data[at]!; // compression methods
    const extensionsEnd = Math.min(recordEnd, at + 2 + data.readUInt16BE(at));
    at += 2;
    while (at + 4 <= extensionsEnd) {
      const type = data.readUInt16BE(at);
      const length = data.readUInt16BE(at + 2);
      const body = data.subarray(at + 4, at + 4 + length);
      if (type === 0 && body.length > 5 && body[2] === 0) {
        result.serverName = body
          .subarray(5, 5 + body.readUInt16BE(3))
          .toString('latin1')
          .toLowerCase();
      } else if (type === 16 && body.length > 2) {
        for (let p = 2; p < body.length; p += 1 + body[p]!)
          result.alpn.push(body.subarray(p + 1, p + 1 + body[p]!).toString('latin1'));
      }
      at += 4 + length;
    }
  } catch {
    // A malformed hello: the TLS handshake itself will reject it.
  }
  return result;
}
