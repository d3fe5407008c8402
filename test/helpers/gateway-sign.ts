/**
 * A deliberately independent RFC 9421 hmac-sha256 signer for tests: it writes the signature base
 * by hand rather than through the verifier's serializer, so a shared bug cannot cancel out.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SignInput {
  method: string;
  authority: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  components: string[];
  keyId: string;
  secret: Buffer;
  created: number;
  nonce?: string;
  expires?: number;
  label?: string;
}

export function contentDigest(body: string | Buffer, algorithm: 'sha-256' | 'sha-512' = 'sha-256'): string {
  const digest = createHash(algorithm.replace('-', '')).update(body).digest('base64');
  return `${algorithm}=:${digest}:`;
}

/** Returns the Signature-Input and Signature header values. */
export function signRequest(input: SignInput): { 'signature-input': string; signature: string } {
  const label = input.label ?? 'sig1';
  const query = input.query ?? '';
  const value = (component: string): string => {
    switch (component) {
      case '@method':
        return input.method;
      case '@authority':
        return input.authority;
      case '@path':
        return input.path;
      case '@query':
        return `?${query}`;
      default: {
        const header = input.headers[component];
        if (header === undefined) throw new Error(`test signer: no header ${component}`);
        return header;
      }
    }
  };
  let params = `(${input.components.map((c) => `"${c}"`).join(' ')});created=${input.created}`;
  if (input.expires !== undefined) params += `;expires=${input.expires}`;
  if (input.nonce !== undefined) params += `;nonce="${input.nonce}"`;
  params += `;keyid="${input.keyId}"`;
  const base = [...input.components.map((c) => `"${c}": ${value(c)}`), `"@signature-params": ${params}`].join('\n');
  const signature = createHmac('sha256', input.secret).update(base).digest('base64');
  return { 'signature-input': `${label}=${params}`, signature: `${label}=:${signature}:` };
}
