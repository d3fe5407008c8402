/**
 * Fuzzes the gateway's parsers: RFC 8941 dictionaries, RFC 9421 and draft-cavage verification,
 * and Content-Digest. Each case must either parse or be rejected with a 4xx outcome; any other
 * exception is a bug. Parsed inner lists must also serialise back to a stable form.
 * Usage: node --import tsx bench/gateway-fuzz.bench.ts [cases=300000] [seed=1]
 */
import { verifyCavage } from '../src/gateway/cavage.js';
import type { HmacKey } from '../src/gateway/consumers.js';
import { verifyContentDigest } from '../src/gateway/content-digest.js';
import { verifyRfc9421, type SignaturePolicy } from '../src/gateway/rfc9421.js';
import type { SignedRequest } from '../src/gateway/signed-request.js';
import {
  isInnerList,
  parseDictionary,
  serializeInnerList,
  StructuredFieldError,
} from '../src/gateway/structured-fields.js';

const cases = Number(process.argv[2] ?? 300_000);
let state = Number(process.argv[3] ?? 1) >>> 0 || 1;
/** xorshift32: reproducible from the seed. */
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x1_0000_0000;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const SEEDS = [
  'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
  'sig1=("@method" "@authority" "@path" "@query" "content-digest");created=1700000000;nonce="n-1";keyid="device-1"',
  'sig1=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:, sig2=:AAAA:',
  'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:YQ==:',
  'a=?1, b=?0;x=1.5, c=(1 2 -3);y=tok/en, d="s\\"q", e',
  'sig1=("@query-param";name="Pet" "@method");alg="hmac-sha256";expires=1;created=0',
];
const CAVAGE_SEEDS = [
  'hmac username="alice123", algorithm="hmac-sha256", headers="date request-line", signature="ujWCGHeec9Xd6UD2zlyxiNMCiXnDOWeVFMu5VeRUxtw="',
  'Signature keyId="device-1",algorithm="hs2019",created=1700000000,headers="(request-target) (created) host",signature="AAAA"',
];
const ALPHABET = ' \t"\\=;,():?*-_./+0123456789aAzZ@%\u0000\u007f\u00e9\n';

function mutate(text: string): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else if (op < 0.75) out = out.slice(0, at) + pick([...ALPHABET]) + out.slice(at);
    else if (op < 0.9) out = out.slice(0, at) + pick(SEEDS).slice(0, Math.floor(random() * 20)) + out.slice(at);
    else out = out.slice(0, at) + out.slice(at).split('').reverse().join('');
  }
  return out;
}

const key: HmacKey = { consumer: 'fuzz@file', keyId: 'device-1', secret: Buffer.from('fuzz-secret') };
const lookup = (id: string) => (id === 'device-1' || id === 'alice123' ? key : undefined);
const policy: SignaturePolicy = { requiredComponents: [], maxAgeSec: 0, clockSkewSec: 30, requireNonce: false };

function request(headers: Record<string, string>): SignedRequest {
  return {
    method: 'POST',
    scheme: 'http',
    authority: 'example.com',
    path: '/foo',
    query: 'param=Value&Pet=dog',
    httpVersion: '1.1',
    headerLines: (name) => (headers[name] === undefined ? undefined : [headers[name]]),
  };
}

const counts = { parsed: 0, rejected: 0, verifiedOutcomes: 0 };
const started = process.hrtime.bigint();
for (let i = 0; i < cases; i++) {
  const input =
    random() < 0.05
      ? Buffer.from(Array.from({ length: 40 }, () => random() * 256)).toString('latin1')
      : mutate(pick(SEEDS));
  try {
    const dictionary = parseDictionary(input);
    counts.parsed++;
    for (const member of dictionary.values()) {
      if (!isInnerList(member)) continue;
      const once = serializeInnerList(member);
      const again = parseDictionary(`x=${once}`).get('x');
      if (!again || !isInnerList(again) || serializeInnerList(again) !== once) {
        throw new Error(`serialisation is not stable for ${JSON.stringify(input)}`);
      }
    }
  } catch (error) {
    if (!(error instanceof StructuredFieldError))
      throw new Error(`parser crashed on ${JSON.stringify(input)}: ${String(error)}`);
    counts.rejected++;
  }
  const headers = { 'signature-input': input, signature: mutate(pick(SEEDS)), date: 'Tue, 20 Apr 2021 02:07:55 GMT' };
  const outcomes = [
    verifyRfc9421(request(headers), lookup, policy, 1_700_000_000, random() < 0.5),
    verifyCavage(
      request({ ...headers, authorization: mutate(pick(CAVAGE_SEEDS)) }),
      lookup,
      policy,
      1_700_000_000,
      false,
    ),
  ];
  for (const outcome of outcomes) {
    if (outcome.ok || outcome.status === 400 || outcome.status === 401) counts.verifiedOutcomes++;
    else throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
  }
  const digest = verifyContentDigest(input, Buffer.from('{"hello": "world"}'));
  if (typeof digest.ok !== 'boolean') throw new Error('digest check returned nothing');
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    bench: 'gateway-fuzz',
    cases,
    ...counts,
    seconds: Number(seconds.toFixed(2)),
    casesPerSecond: Math.round(cases / seconds),
  }),
);
