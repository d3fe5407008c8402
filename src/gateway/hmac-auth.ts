import { z } from 'zod';
import { defineMiddleware } from '../middlewares/define.js';
import { duration, flag, integer, stringList } from '../middlewares/options.js';
import type { Middleware, MiddlewareDeps } from '../middlewares/types.js';
import type { RequestContext } from '../runtime/context.js';
import { bufferRequestBody, hasRequestBody } from '../runtime/request-body.js';
import { cavageScheme, verifyCavage } from './cavage.js';
import { consumerIndex, setConsumer, stripClientConsumerHeader } from './consumers.js';
import { verifyContentDigest, verifyLegacyDigest } from './content-digest.js';
import { nonceStore } from './nonce-store.js';
import { optionsKey, seconds } from './options.js';
import { reject } from './reject.js';
import { verifyRfc9421, type SignatureOutcome, type SignaturePolicy } from './rfc9421.js';
import { gatewayClock } from './settings.js';
import { signedRequestOf, type SignedRequest } from './signed-request.js';

const schema = z.strictObject({
  requiredComponents: stringList.optional(),
  maxAge: duration.optional(),
  clockSkew: duration.optional(),
  requireNonce: flag.optional(),
  /** Only verify the signature with this label (default: the first one whose keyid is known). */
  label: z.string().optional(),
  /** Largest body buffered to check its digest, in bytes. */
  maxBodySize: integer.pipe(z.number().positive()).optional(),
});

const DEFAULT_COMPONENTS = ['@method', '@authority', '@path', '@query'];

/** How long a nonce is remembered when maxAge sets no bound. */
const UNBOUNDED_NONCE_TTL_SEC = 300;

function create(options: z.output<typeof schema>, deps: MiddlewareDeps): Middleware {
  const key = optionsKey(deps, 'hmacAuth');
  const policy: SignaturePolicy = {
    requiredComponents: options.requiredComponents ?? DEFAULT_COMPONENTS,
    maxAgeSec: seconds(options.maxAge ?? 300, `${key}.maxAge`),
    clockSkewSec: seconds(options.clockSkew ?? 30, `${key}.clockSkew`),
    requireNonce: options.requireNonce ?? false,
    label: options.label,
  };
  const maxBodySize = options.maxBodySize ?? 1024 * 1024;
  const nonceTtlSec = (policy.maxAgeSec || UNBOUNDED_NONCE_TTL_SEC) + policy.clockSkewSec;
  const consumers = consumerIndex(deps.consumers);
  const lookup = consumers.hmacKey.bind(consumers);
  const nonces = nonceStore();

  return (next) => async (ctx) => {
    stripClientConsumerHeader(ctx);
    const request = signedRequestOf(ctx);
    const bodyPresent = hasRequestBody(ctx);
    const nowSec = Math.floor(gatewayClock.now() / 1000);
    const verify = cavageScheme(request) && !request.headerLines('signature-input') ? verifyCavage : verifyRfc9421;
    const outcome = verify(request, lookup, policy, nowSec, bodyPresent);
    if (!outcome.ok) {
      reject(ctx, deps, { status: outcome.status, reason: outcome.reason, detail: { keyid: outcome.keyId } });
      return;
    }
    const detail = { keyid: outcome.key.keyId, consumer: outcome.key.consumer };
    if (outcome.bodyDigest && !(await bodyMatchesDigest(ctx, deps, request, outcome, maxBodySize, detail))) return;
    if (outcome.nonce !== undefined) {
      let fresh: boolean;
      try {
        fresh = await nonces.remember(`${outcome.key.keyId}:${outcome.nonce}`, nonceTtlSec);
      } catch (error) {
        const reason = `nonce store unavailable: ${(error as Error).message}`;
        reject(ctx, deps, { status: 503, reason, detail, headers: { 'retry-after': '1' } });
        return;
      }
      if (!fresh) {
        reject(ctx, deps, { status: 401, reason: 'replayed nonce', detail });
        return;
      }
    }
    setConsumer(ctx, outcome.key.consumer);
    await next(ctx);
  };
}

/** Buffers the body (into ctx.body, for forwarding) and checks the signed digest; answers on failure. */
async function bodyMatchesDigest(
  ctx: RequestContext,
  deps: MiddlewareDeps,
  request: SignedRequest,
  outcome: Extract<SignatureOutcome, { ok: true }>,
  maxBodySize: number,
  detail: Record<string, unknown>,
): Promise<boolean> {
  let body: Buffer | 'too-large';
  try {
    body = await bufferRequestBody(ctx, maxBodySize);
  } catch (error) {
    reject(ctx, deps, { status: 400, reason: (error as Error).message, detail });
    return false;
  }
  if (body === 'too-large') {
    reject(ctx, deps, { status: 413, reason: `request body exceeds ${maxBodySize} bytes`, detail });
    return false;
  }
  const header = outcome.bodyDigest === 'digest' ? 'digest' : 'content-digest';
  const value = request.headerLines(header)?.join(', ') ?? '';
  const check = header === 'digest' ? verifyLegacyDigest(value, body) : verifyContentDigest(value, body);
  if (!check.ok) reject(ctx, deps, { status: 400, reason: check.reason, detail });
  return check.ok;
}

export const hmacAuth = defineMiddleware(schema, create);
