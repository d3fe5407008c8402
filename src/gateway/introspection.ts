import { createHash } from 'node:crypto';
import { request } from 'undici';
import { gatewayClock } from './settings.js';

/** The authorization server did not give a usable answer: fail closed with 503, never 401. */
export class IntrospectionUnavailable extends Error {
  override readonly name = 'IntrospectionUnavailable';
}

export interface IntrospectionClient {
  url: string;
  clientId: string;
  clientSecret: string;
  authMethod: 'client_secret_basic' | 'client_secret_post';
  tokenTypeHint?: string;
  timeoutMs: number;
  /** Longest time an active answer is reused (never past the token's `exp`). */
  activeTtlMs: number;
  /** How long an inactive answer is reused (short, so a fresh token is not refused for long). */
  inactiveTtlMs: number;
}

/** RFC 7662 response members that Portier uses; the rest is kept for claim forwarding. */
export type TokenInfo = Record<string, unknown> & { active: boolean; exp?: number };

interface CacheEntry {
  info: TokenInfo;
  expiresAt: number;
}

/**
 * Answers are cached per endpoint, client and SHA-256 of the token (never the token itself), at
 * module level so configuration reloads keep them. Concurrent lookups of one token share a call.
 */
const cache = new Map<string, CacheEntry>();
const pending = new Map<string, Promise<TokenInfo>>();
const MAX_ENTRIES = 50_000;

export async function introspect(client: IntrospectionClient, token: string): Promise<TokenInfo> {
  const key = `${client.url} ${client.clientId} ${createHash('sha256').update(token).digest('base64url')}`;
  const now = gatewayClock.now();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.info;
  if (hit) cache.delete(key);
  let call = pending.get(key);
  if (!call) {
    call = callEndpoint(client, token)
      .then((info) => {
        remember(key, info, client);
        return info;
      })
      .finally(() => pending.delete(key));
    pending.set(key, call);
  }
  return call;
}

function remember(key: string, info: TokenInfo, client: IntrospectionClient): void {
  const now = gatewayClock.now();
  const expiresAt = info.active
    ? Math.min(now + client.activeTtlMs, typeof info.exp === 'number' ? info.exp * 1000 : Infinity)
    : now + client.inactiveTtlMs;
  if (expiresAt <= now) return;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, { info, expiresAt });
}

async function callEndpoint(client: IntrospectionClient, token: string): Promise<TokenInfo> {
  const form = new URLSearchParams({ token });
  if (client.tokenTypeHint) form.set('token_type_hint', client.tokenTypeHint);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client.authMethod === 'client_secret_basic') {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before the Basic encoding.
    const user = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  let status: number;
  let text: string;
  try {
    const response = await request(client.url, {
      method: 'POST',
      headers,
      body: form.toString(),
      headersTimeout: client.timeoutMs,
      bodyTimeout: client.timeoutMs,
      signal: AbortSignal.timeout(client.timeoutMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new IntrospectionUnavailable(`introspection endpoint unreachable: ${(error as Error).message}`);
  }
  if (status !== 200) throw new IntrospectionUnavailable(`introspection endpoint answered ${status}`);
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch {
    throw new IntrospectionUnavailable('introspection endpoint answered with invalid JSON');
  }
  if (typeof info !== 'object' || info === null || typeof (info as TokenInfo).active !== 'boolean') {
    throw new IntrospectionUnavailable('introspection response lacks the boolean "active" member');
  }
  const result = info as TokenInfo;
  // An answer saying active for an already expired token is not trusted.
  if (result.active && typeof result.exp === 'number' && result.exp * 1000 <= gatewayClock.now()) {
    return { active: false };
  }
  return result;
}
