import type { DynamicConfig } from '../config/dynamic/types.js';

/** The HTTP kinds, and their TCP and UDP counterparts (`tcpRouter`… as Traefik's rawdata names them). */
export type ObjectKind =
  'router' | 'service' | 'middleware' | 'tcpRouter' | 'tcpService' | 'tcpMiddleware' | 'udpRouter' | 'udpService';

/** A problem a provider found: a label typo, a malformed KV value, a file that does not parse… */
export interface ProviderIssue {
  message: string;
  /** The exact key: label name, KV key, or dotted config path. */
  key?: string;
  /** `file:line:col`, a container name, a KV endpoint… */
  location?: string;
  /** When the issue belongs to one object, that object is shown disabled with this message. */
  object?: { kind: ObjectKind; name: string };
}

/** A complete picture of what one provider wants: never a delta. Names are bare (no `@`). */
export interface ProviderSnapshot {
  config: DynamicConfig;
  issues: ProviderIssue[];
}

/**
 * Turns part of the outside world into dynamic configuration. Knows nothing of HTTP serving.
 * `start` resolves once the first snapshot has been emitted (or the first attempt failed and
 * was reported as an issue); the provider keeps emitting snapshots until `stop`.
 */
export interface Provider {
  readonly name: string;
  start(emit: (snapshot: ProviderSnapshot) => void): Promise<void>;
  stop(): Promise<void>;
}
