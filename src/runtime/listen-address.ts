import { ConfigError } from '../config/errors.js';

export interface ListenAddress {
  host?: string;
  port: number;
  /** `…/udp` addresses are UDP entry points; the rest (bare or `…/tcp`) serve TCP, HTTP and TLS. */
  protocol: 'tcp' | 'udp';
}

/** Reads an entry point address the way Traefik writes it: `:80`, `127.0.0.1:8080`, `[::1]:443`, `:53/udp`. */
export function parseListenAddress(address: string, key: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:/[\]]*)):(\d{1,5})(?:\/(tcp|udp))?$/i.exec(address.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new ConfigError(
      `"${address}" is not a listen address; write it like ":80", "127.0.0.1:8080" or ":53/udp"`,
      key,
    );
  }
  const host = match[1] ?? match[2];
  const protocol = match[4]?.toLowerCase() === 'udp' ? 'udp' : 'tcp';
  return host ? { host, port, protocol } : { port, protocol };
}

/** Whether an entry point address is a UDP one, without validating the rest of it. */
export function isUdpAddress(address: string): boolean {
  return /\/udp$/i.test(address.trim());
}
