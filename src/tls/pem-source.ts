import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** `certFile` / `keyFile` / `caFiles` hold either a path or the PEM text itself, as in Traefik. */
export function readPem(value: string, baseDir: string): string {
  if (value.includes('-----BEGIN')) return value;
  return readFileSync(resolve(baseDir, value), 'utf8');
}

/** The files a value refers to (none for inline PEM), for watching them. */
export function pemPath(value: string, baseDir: string): string | undefined {
  return value.includes('-----BEGIN') ? undefined : resolve(baseDir, value);
}
