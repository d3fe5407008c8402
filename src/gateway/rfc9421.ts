import { createHmac } from 'node:crypto';
import { sameBytes } from '../security/constant-time.js';
import type { HmacKey } from './consumers.js';
import type { SignedRequest } from './signed-request.js';
import {
  isInnerList,
  parseDictionary,
  serializeInnerList,
  serializeItem,
  StructuredFieldError,
  type InnerList,
  type Item,
} from './structured-fields.js';

/** Policy shared by the RFC 9421 and draft-cavage verifiers. */
export interface SignaturePolicy {
  requiredComponents: readonly string[];
  /** Seconds `created` may lie in the past; 0 = no limit. */
  maxAgeSec: number;
  /** Seconds of tolerated clock difference (future `created`, past `expires`). */
  clockSkewSec: number;
  requireNonce: boolean;
  /** Only this Signature-Input label is considered, when set. */
  label?: string;
}

export type SignatureOutcome =
  | { ok: true; key: HmacKey; nonce?: string; bodyDigest?: 'content-digest' | 'digest' }
  | { ok: false; status: 400 | 401; reason: string; keyId?: string };

/** Marks a problem found while checking a signature; turned into a 401 outcome. */
export class SignatureRejection extends Error {
  override readonly name = 'SignatureRejection';
}

/**
 * Verifies an RFC 9421 `hmac-sha256` signature from the `Signature-Input` and `Signature` fields.
 * Checks run cheapest first; the nonce is only returned, because recording it is the caller's job
 * and must happen after the signature proved genuine (otherwise anyone could burn nonces).
 */
export function verifyRfc9421(
  request: SignedRequest,
  keyLookup: (keyId: string) => HmacKey | undefined,
  policy: SignaturePolicy,
  nowSec: number,
  bodyPresent: boolean,
): SignatureOutcome {
  let inputs, signatures;
  try {
    inputs = parseDictionary(joined(request, 'signature-input') ?? '');
    signatures = parseDictionary(joined(request, 'signature') ?? '');
  } catch (error) {
    if (error instanceof StructuredFieldError) {
      return { ok: false, status: 400, reason: `malformed Signature-Input or Signature: ${error.message}` };
    }
    throw error;
  }
  const label = chooseLabel(inputs, keyLookup, policy.label);
  if (label === undefined) return { ok: false, status: 401, reason: 'no usable signature label' };
  const input = inputs.get(label)!;
  const signature = signatures.get(label);
  if (!isInnerList(input)) return { ok: false, status: 400, reason: `Signature-Input ${label} is not an inner list` };
  if (!signature || isInnerList(signature) || !(signature.value instanceof Uint8Array)) {
    return { ok: false, status: 400, reason: `Signature ${label} is missing or not a byte sequence` };
  }
  const keyId = input.params.get('keyid');
  if (typeof keyId !== 'string') return { ok: false, status: 401, reason: 'keyid parameter missing' };
  try {
    const key = keyLookup(keyId);
    if (!key) throw new SignatureRejection(`unknown keyid "${keyId}"`);
    const alg = input.params.get('alg');
    if (alg !== undefined && alg !== 'hmac-sha256') throw new SignatureRejection(`alg ${String(alg)} is not allowed`);
    checkFreshness(integerParam(input, 'created', true), integerParam(input, 'expires', false), policy, nowSec);
    const covered = input.items.map(componentName);
    if (new Set(covered).size !== covered.length) throw new SignatureRejection('a component is listed twice');
    for (const required of requiredComponents(policy, bodyPresent)) {
      if (!covered.includes(required)) throw new SignatureRejection(`component ${required} is not covered`);
    }
    const nonce = input.params.get('nonce');
    if (nonce !== undefined && typeof nonce !== 'string') throw new SignatureRejection('nonce is not a string');
    if (policy.requireNonce && !nonce) throw new SignatureRejection('nonce parameter missing');
    const base = signatureBase(request, input);
    const expected = createHmac('sha256', key.secret).update(base, 'utf8').digest();
    if (!sameBytes(expected, signature.value)) throw new SignatureRejection('bad signature');
    const bodyDigest = covered.includes('content-digest') ? ('content-digest' as const) : undefined;
    return { ok: true, key, nonce, bodyDigest };
  } catch (error) {
    if (error instanceof SignatureRejection) return { ok: false, status: 401, reason: error.message, keyId };
    throw error;
  }
}

/** The components a signature must cover: the policy's, plus `content-digest` with a body. */
export function requiredComponents(policy: SignaturePolicy, bodyPresent: boolean): string[] {
  const required = [...policy.requiredComponents];
  if (bodyPresent && !required.includes('content-digest')) required.push('content-digest');
  return required;
}

export function checkFreshness(
  created: number | undefined,
  expires: number | undefined,
  policy: SignaturePolicy,
  now: number,
): void {
  if (created !== undefined) {
    if (created > now + policy.clockSkewSec) throw new SignatureRejection(`created ${created} is in the future`);
    if (policy.maxAgeSec > 0 && now - created > policy.maxAgeSec + policy.clockSkewSec) {
      throw new SignatureRejection(`created ${created} is older than maxAge ${policy.maxAgeSec}s`);
    }
  }
  if (expires !== undefined && now > expires + policy.clockSkewSec) {
    throw new SignatureRejection(`signature expired at ${expires}`);
  }
}

/** RFC 9421 §2.5: one line per covered component, then `@signature-params`. */
export function signatureBase(request: SignedRequest, input: InnerList): string {
  const lines = input.items.map((item) => `${serializeItem(item)}: ${componentValue(request, item)}`);
  lines.push(`"@signature-params": ${serializeInnerList(input)}`);
  return lines.join('\n');
}

function componentName(item: Item): string {
  if (typeof item.value !== 'string') throw new SignatureRejection('a component identifier is not a string');
  for (const param of item.params.keys()) {
    if (!(param === 'name' && item.value === '@query-param')) {
      throw new SignatureRejection(`component parameter ";${param}" is not supported`);
    }
  }
  return item.value;
}

function componentValue(request: SignedRequest, item: Item): string {
  const name = componentName(item);
  const query = request.query ? `?${request.query}` : '';
  switch (name) {
    case '@method':
      return request.method;
    case '@target-uri':
      return `${request.scheme}://${request.authority}${request.path}${query}`;
    case '@authority':
      return request.authority;
    case '@scheme':
      return request.scheme;
    case '@request-target':
      return `${request.path}${query}`;
    case '@path':
      return request.path;
    case '@query':
      return `?${request.query}`;
    case '@query-param':
      return queryParam(request, item.params.get('name'));
    default: {
      if (name.startsWith('@') || name !== name.toLowerCase()) {
        throw new SignatureRejection(`component ${name} is not supported for requests`);
      }
      const value = joined(request, name);
      if (value === undefined) throw new SignatureRejection(`component ${name} is missing from the request`);
      return value;
    }
  }
}

function queryParam(request: SignedRequest, name: unknown): string {
  if (typeof name !== 'string') throw new SignatureRejection('@query-param needs a name parameter');
  const values = new URLSearchParams(request.query).getAll(name);
  if (values.length !== 1) throw new SignatureRejection(`@query-param ${name} must occur exactly once`);
  return encodeURIComponent(values[0]!);
}

function joined(request: SignedRequest, header: string): string | undefined {
  return request.headerLines(header)?.join(', ');
}

function integerParam(input: InnerList, name: string, required: boolean): number | undefined {
  const value = input.params.get(name);
  if (value === undefined) {
    if (required) throw new SignatureRejection(`${name} parameter missing`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new SignatureRejection(`${name} is not an integer`);
  return value;
}

/** The configured label, else the first whose keyid we know, else the first (for the error). */
function chooseLabel(
  inputs: Map<string, Item | InnerList>,
  keyLookup: (keyId: string) => HmacKey | undefined,
  wanted: string | undefined,
): string | undefined {
  if (wanted !== undefined) return inputs.has(wanted) ? wanted : undefined;
  for (const [label, input] of inputs) {
    const keyId = input.params.get('keyid');
    if (typeof keyId === 'string' && keyLookup(keyId)) return label;
  }
  return inputs.keys().next().value;
}
