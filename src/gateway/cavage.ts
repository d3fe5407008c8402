import { sameBytes } from '../security/constant-time.js';
import { createHmac } from 'node:crypto';
import type { HmacKey } from './consumers.js';
import {
  checkFreshness,
  requiredComponents,
  SignatureRejection,
  type SignatureOutcome,
  type SignaturePolicy,
} from './rfc9421.js';
import type { SignedRequest } from './signed-request.js';

/**
 * The older draft-cavage signatures that Kong, APISIX and Tyk clients send:
 * `Authorization: Signature keyId="…",algorithm="hmac-sha256",headers="…",signature="…"` and
 * Kong's `Authorization: hmac username="…",…`. The same policy applies as for RFC 9421: each
 * required component must be covered by a cavage equivalent, and freshness comes from a signed
 * `(created)`, `Date` or `X-Date`.
 */
const ALGORITHMS: Record<string, string> = {
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
  hs2019: 'sha512',
};

/** Which cavage pseudo-headers cover which RFC 9421 component. */
const TARGET_COVERAGE = ['(request-target)', 'request-line'];
const EQUIVALENTS: Record<string, string[]> = {
  '@method': TARGET_COVERAGE,
  '@path': TARGET_COVERAGE,
  '@query': TARGET_COVERAGE,
  '@target-uri': TARGET_COVERAGE,
  '@request-target': TARGET_COVERAGE,
  '@authority': ['host'],
  'content-digest': ['digest'],
};

/** Whether the Authorization header carries a cavage or Kong signature. */
export function cavageScheme(request: SignedRequest): boolean {
  const value = request.headerLines('authorization')?.[0] ?? '';
  return /^(signature|hmac)\s/i.test(value);
}

export function verifyCavage(
  request: SignedRequest,
  keyLookup: (keyId: string) => HmacKey | undefined,
  policy: SignaturePolicy,
  nowSec: number,
  bodyPresent: boolean,
): SignatureOutcome {
  const header = request.headerLines('authorization')?.[0] ?? '';
  const params = parseParams(header.slice(header.search(/\s/) + 1));
  if (!params) return { ok: false, status: 400, reason: 'malformed Authorization signature parameters' };
  const keyId = params.get('keyid') ?? params.get('username');
  if (keyId === undefined) return { ok: false, status: 401, reason: 'keyId or username missing' };
  try {
    const key = keyLookup(keyId);
    if (!key) throw new SignatureRejection(`unknown keyid "${keyId}"`);
    const algorithm = ALGORITHMS[(params.get('algorithm') ?? 'hmac-sha256').toLowerCase()];
    if (!algorithm) throw new SignatureRejection(`algorithm ${params.get('algorithm')} is not allowed`);
    if (policy.requireNonce) throw new SignatureRejection('a nonce is required; draft-cavage signatures carry none');
    const signed = (params.get('headers') ?? 'date').toLowerCase().split(/\s+/).filter(Boolean);
    checkCoverage(signed, policy, bodyPresent);
    checkFreshness(freshnessSource(request, params, signed), optionalInteger(params.get('expires')), policy, nowSec);
    const signature = params.get('signature') ?? '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) throw new SignatureRejection('signature is not base64');
    const signingString = signed.map((name) => signingLine(request, params, name)).join('\n');
    const expected = createHmac(algorithm, key.secret).update(signingString, 'utf8').digest();
    if (!sameBytes(expected, Buffer.from(signature, 'base64'))) throw new SignatureRejection('bad signature');
    return { ok: true, key, bodyDigest: signed.includes('digest') ? 'digest' : undefined };
  } catch (error) {
    if (error instanceof SignatureRejection) return { ok: false, status: 401, reason: error.message, keyId };
    throw error;
  }
}

function checkCoverage(signed: string[], policy: SignaturePolicy, bodyPresent: boolean): void {
  for (const component of requiredComponents(policy, bodyPresent)) {
    const options = EQUIVALENTS[component] ?? [component];
    if (!options.some((option) => signed.includes(option))) {
      throw new SignatureRejection(`component ${component} is not covered (sign one of: ${options.join(', ')})`);
    }
  }
}

/** `(created)` when signed, else the signed Date or X-Date header, in Unix seconds. */
function freshnessSource(request: SignedRequest, params: Map<string, string>, signed: string[]): number {
  if (signed.includes('(created)')) {
    const created = optionalInteger(params.get('created'));
    if (created === undefined) throw new SignatureRejection('(created) is signed but created is missing');
    return created;
  }
  const dateHeader = ['x-date', 'date'].find((name) => signed.includes(name));
  if (!dateHeader) throw new SignatureRejection('neither (created), date nor x-date is signed');
  const value = request.headerLines(dateHeader)?.[0];
  const ms = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(ms)) throw new SignatureRejection(`${dateHeader} header is missing or not a date`);
  return Math.floor(ms / 1000);
}

function signingLine(request: SignedRequest, params: Map<string, string>, name: string): string {
  const target = request.query ? `${request.path}?${request.query}` : request.path;
  switch (name) {
    case '(request-target)':
      return `(request-target): ${request.method.toLowerCase()} ${target}`;
    case 'request-line':
      return `${request.method} ${target} HTTP/${request.httpVersion}`;
    case '(created)':
    case '(expires)':
      return `${name}: ${params.get(name.slice(1, -1))}`;
    default: {
      const lines = request.headerLines(name);
      if (!lines) throw new SignatureRejection(`signed header ${name} is missing from the request`);
      return `${name}: ${lines.join(', ')}`;
    }
  }
}

function optionalInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new SignatureRejection(`"${value}" is not an integer timestamp`);
  return Number(value);
}

/** `a="x", b="y"` (keys lower-cased); undefined when malformed. */
function parseParams(text: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  const pattern = /\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|([^\s,"]+))\s*(,|$)/y;
  while (pattern.lastIndex < text.length) {
    const match = pattern.exec(text);
    if (!match) return undefined;
    params.set(match[1]!.toLowerCase(), match[2] ?? match[3]!);
    if (match[4] === '') break;
  }
  return params.size ? params : undefined;
}
