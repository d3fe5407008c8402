import { ConfigError } from '../config/errors.js';

export interface ListenAddress {
  host?: string;
  port: number;
}

/** Reads an entry point address the way Traefik writes it: `:80`, `127.0.0.1:8080`, `[::1]:443`. */
export function parseListenAddress(address: string, key: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:/[\]]*)):(\d{1,5})(?:\/(tcp|udp))?$/.exec(address.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new ConfigError(`"${address}" is not a listen address; write it like ":80" or "127.0.0.1:8080"`, key);
  }
  if (match[4] === 'udp') throw new ConfigError(`UDP entry points are not supported yet ("${address}")`, key);
  const host = match[1] ?? match[2];
  return host ? { host, port } : { port };
}
