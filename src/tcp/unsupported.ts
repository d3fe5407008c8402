/**
 * Traefik TCP settings Portier knows but does not honour. They are refused, not ignored: each one
 * changes what the server on the other end sees (a PROXY header, TLS verified against other CAs or
 * with a client certificate), so ignoring it would break connections with nothing but a debug log
 * to show why. The file schema and the labels say so with these reasons, each ending in the fix.
 */
export const UNSUPPORTED_TCP_SERVICE_KEYS = {
  proxyProtocol: 'is not supported yet: Portier cannot send the PROXY protocol header; remove it',
  serversTransport:
    'is not supported yet: Portier dials TCP servers with default settings (servers with tls: true are verified ' +
    'against the system CAs); remove it, and trust a private CA with the NODE_EXTRA_CA_CERTS environment variable',
} as const;

export const UNSUPPORTED_TCP_SERVERS_TRANSPORTS =
  'tcp.serversTransports is not supported yet: no TCP service can use one; remove the section (servers with ' +
  'tls: true are verified against the system CAs; trust a private CA with NODE_EXTRA_CA_CERTS)';
