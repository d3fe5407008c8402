import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import bcrypt from 'bcryptjs';
import { encrypt as shaCrypt } from 'unixcrypt';
import { ConfigError } from '../config/errors.js';
import { sameBytes, sameText } from '../security/constant-time.js';

// apache-md5 is CommonJS and its typings declare an ES default export that does not exist.
const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string, settings: string) => string;

/** A stored password hash, parsed once; `verify` compares in constant time. */
export interface PasswordHash {
  /** Whether one check costs real CPU (bcrypt, SHA-crypt): worth caching successful checks. */
  readonly slow: boolean;
  /** The stored text, to key cached verifications (a changed hash invalidates them). */
  readonly text: string;
  verify(password: string): Promise<boolean>;
}

export const SUPPORTED_FORMATS =
  'use bcrypt (htpasswd -nbB user password), apr1 (openssl passwd -apr1), {SHA} (htpasswd -nbs user password) or SHA-crypt (openssl passwd -6)';

const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;
const MD5_CRYPT = /^\$(?:apr1|1)\$[^$]{0,8}\$[./0-9A-Za-z]{22}$/;
const SHA1 = /^\{SHA\}[A-Za-z0-9+/]{27}=$/;
const SHA_CRYPT = /^\$[56]\$(?:rounds=\d+\$)?[^$]{0,16}\$[./0-9A-Za-z]{43,86}$/;

/** MD5-crypt implementations work on bytes given as a latin1 string; this keeps UTF-8 passwords right. */
function asByteString(password: string): string {
  return Buffer.from(password, 'utf8').toString('latin1');
}

/**
 * Parses one stored hash. `key` names the option in errors. The formats are those Traefik's
 * basicAuth accepts (bcrypt, MD5-crypt, {SHA}) plus SHA-crypt, which it does not.
 */
export function parsePasswordHash(text: string, key: string): PasswordHash {
  if (BCRYPT.test(text)) {
    return { slow: true, text, verify: (password) => bcrypt.compare(password, text) };
  }
  if (MD5_CRYPT.test(text)) {
    return { slow: false, text, verify: async (password) => sameText(aprMd5(asByteString(password), text), text) };
  }
  if (SHA1.test(text)) {
    const expected = Buffer.from(text.slice('{SHA}'.length), 'base64');
    return {
      slow: false,
      text,
      verify: async (password) => sameBytes(createHash('sha1').update(password, 'utf8').digest(), expected),
    };
  }
  if (SHA_CRYPT.test(text)) {
    const settings = text.slice(0, text.lastIndexOf('$'));
    return { slow: true, text, verify: async (password) => sameText(shaCrypt(password, settings), text) };
  }
  throw new ConfigError(`the password hash has an unknown format; ${SUPPORTED_FORMATS}`, key);
}

/** Splits an htpasswd line `user:hash`; the user name may not contain `:`. */
export function parseHtpasswdLine(line: string, key: string): { user: string; hash: PasswordHash } {
  const separator = line.indexOf(':');
  if (separator <= 0 || line.indexOf(':', separator + 1) !== -1) {
    throw new ConfigError(`expected "user:hash" (one colon); ${SUPPORTED_FORMATS}`, key);
  }
  return { user: line.slice(0, separator), hash: parsePasswordHash(line.slice(separator + 1), key) };
}

/** The meaningful lines of an htpasswd file: trimmed, without blanks and `#` comments. */
export function htpasswdLines(content: string): { line: string; number: number }[] {
  return content
    .split('\n')
    .map((raw, index) => ({ line: raw.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'));
}
