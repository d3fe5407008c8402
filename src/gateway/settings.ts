import type { StaticConfig } from '../config/static/types.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import { closeGatewayCluster, useGatewayCluster } from './cluster-store.js';

/** Process-wide gateway settings from the static configuration; set once at start. */
export interface GatewaySettings {
  /** Lower-case name of the header that carries the consumer to the upstream. */
  consumerHeader: string;
  /** Issuer and algorithm of JWTs that Portier mints (oauth2Introspection JWT mode). */
  jwtIssuer: string;
  jwtAlgorithm: 'ES256' | 'EdDSA';
  /** How long a minting key is used before a new one takes over (ms). */
  jwtKeyRotationMs: number;
}

const DEFAULTS: GatewaySettings = {
  consumerHeader: 'x-portier-consumer',
  jwtIssuer: 'portier',
  jwtAlgorithm: 'ES256',
  jwtKeyRotationMs: 24 * 3_600_000,
};

export const gatewaySettings: GatewaySettings = { ...DEFAULTS };

/** Injectable time source (ms since the epoch), so tests can replay old signature vectors. */
export const gatewayClock = { now: (): number => Date.now() };

/**
 * Applies `StaticConfig.gateway` and, when `cluster.redis` or `cluster.etcd` is set, makes it the
 * shared store for nonces, rate limits, sessions and signing keys. Call once at start, before
 * building middlewares.
 */
export function configureGateway(gateway: StaticConfig['gateway'] = {}, cluster?: StaticConfig['cluster']): void {
  const header = gateway.consumerHeader ?? 'X-Portier-Consumer';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header)) {
    throw new ConfigError(
      `"${header}" is not a valid header name; use letters, digits and "-"`,
      'gateway.consumerHeader',
    );
  }
  gatewaySettings.consumerHeader = header.toLowerCase();
  gatewaySettings.jwtIssuer = gateway.jwt?.issuer ?? DEFAULTS.jwtIssuer;
  gatewaySettings.jwtAlgorithm = gateway.jwt?.algorithm ?? DEFAULTS.jwtAlgorithm;
  gatewaySettings.jwtKeyRotationMs = gateway.jwt?.keyRotation
    ? parseDuration(gateway.jwt.keyRotation, 'gateway.jwt.keyRotation')
    : DEFAULTS.jwtKeyRotationMs;
  useGatewayCluster(cluster);
}

/** Releases shared connections (Redis, etcd). For shutdown and tests. */
export async function closeGateway(): Promise<void> {
  await closeGatewayCluster();
}
