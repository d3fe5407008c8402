import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConsumerConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import type { RequestContext } from '../runtime/context.js';
import { gatewaySettings } from './settings.js';

export interface HmacKey {
  consumer: string;
  keyId: string;
  secret: Buffer;
}

/** Credential lookups for one configuration's consumers. Secrets stay inside; never log this. */
export interface ConsumerIndex {
  hmacKey(keyId: string): HmacKey | undefined;
  /** Finds the consumer owning `apiKey`, comparing SHA-256 digests in constant time. */
  apiKeyOwner(apiKey: string): string | undefined;
}

const built = new WeakMap<Readonly<Record<string, ConsumerConfig>>, ConsumerIndex>();

/** Builds the lookups once per consumers object (that is, once per configuration). */
export function consumerIndex(consumers: Readonly<Record<string, ConsumerConfig>>): ConsumerIndex {
  let index = built.get(consumers);
  if (!index) {
    index = buildIndex(consumers);
    built.set(consumers, index);
  }
  return index;
}

function buildIndex(consumers: Readonly<Record<string, ConsumerConfig>>): ConsumerIndex {
  const hmacKeys = new Map<string, HmacKey>();
  const apiKeys = new Map<string, { consumer: string; digest: Buffer }>();
  for (const [consumer, config] of Object.entries(consumers)) {
    const key = `http.consumers.${consumer}`;
    const keys = config.hmacKeys ?? [];
    if (keys.length > 2) {
      throw new ConfigError(
        `has ${keys.length} HMAC keys; keep at most two (the current and the next)`,
        `${key}.hmacKeys`,
      );
    }
    keys.forEach((hmac, i) => {
      const where = `${key}.hmacKeys[${i}]`;
      const owner = hmacKeys.get(hmac.id);
      if (owner)
        throw new ConfigError(`keyid "${hmac.id}" is also used by consumer "${owner.consumer}"`, `${where}.id`);
      hmacKeys.set(hmac.id, { consumer, keyId: hmac.id, secret: hmacSecret(hmac, where) });
    });
    (config.apiKeys ?? []).forEach((apiKey, i) => {
      const digest = apiKeyDigest(apiKey, `${key}.apiKeys[${i}]`);
      const hex = digest.toString('hex');
      const owner = apiKeys.get(hex);
      if (owner && owner.consumer !== consumer) {
        throw new ConfigError(`the same API key is also given to consumer "${owner.consumer}"`, `${key}.apiKeys[${i}]`);
      }
      apiKeys.set(hex, { consumer, digest });
    });
  }
  return {
    hmacKey: (keyId) => hmacKeys.get(keyId),
    apiKeyOwner(apiKey) {
      const digest = sha256(apiKey);
      const entry = apiKeys.get(digest.toString('hex'));
      return entry && timingSafeEqual(entry.digest, digest) ? entry.consumer : undefined;
    },
  };
}

function hmacSecret(hmac: { secret?: string; secretBase64?: string }, where: string): Buffer {
  if ((hmac.secret === undefined) === (hmac.secretBase64 === undefined)) {
    throw new ConfigError('set exactly one of "secret" or "secretBase64"', where);
  }
  if (hmac.secret !== undefined) {
    if (hmac.secret === '') throw new ConfigError('must not be empty', `${where}.secret`);
    return Buffer.from(hmac.secret, 'utf8');
  }
  const text = hmac.secretBase64!.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new ConfigError(
      'is not base64; write the key bytes in base64 (e.g. `openssl rand -base64 32`)',
      `${where}.secretBase64`,
    );
  }
  return Buffer.from(text, 'base64');
}

/** API keys are configured as `sha256:<64 hex>` digests, or as plain text that is hashed here. */
function apiKeyDigest(apiKey: string, where: string): Buffer {
  if (apiKey.startsWith('sha256:')) {
    const hex = apiKey.slice(7);
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new ConfigError('a "sha256:" key must be followed by 64 hex digits (`printf %s KEY | sha256sum`)', where);
    }
    return Buffer.from(hex, 'hex');
  }
  if (apiKey === '') throw new ConfigError('must not be empty', where);
  return sha256(apiKey);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Removes any client-sent consumer header. Skipped once a gateway middleware has authenticated
 * the request, so that a later middleware in the chain keeps the value Portier set.
 */
export function stripClientConsumerHeader(ctx: RequestContext): void {
  if (ctx.consumer === undefined) delete ctx.req.headers[gatewaySettings.consumerHeader];
}

/**
 * Records the authenticated consumer for the upstream (header), the access log and metrics.
 * Configured consumers go upstream under the name the operator wrote (`app`, not `app@file`).
 */
export function setConsumer(ctx: RequestContext, consumer: string, headerValue = displayName(consumer)): void {
  ctx.consumer = consumer;
  ctx.req.headers[gatewaySettings.consumerHeader] = headerValue;
}

/** The consumer's name as the operator wrote it: `app@file` becomes `app`. */
export function displayName(consumer: string): string {
  const at = consumer.lastIndexOf('@');
  return at > 0 ? consumer.slice(0, at) : consumer;
}
