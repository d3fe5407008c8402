import { createHash } from 'node:crypto';

export const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** An `htdigest` line: user:realm:md5(user:realm:password). */
export const htdigestLine = (user: string, realm: string, password: string): string =>
  `${user}:${realm}:${md5(`${user}:${realm}:${password}`)}`;

export interface DigestChallenge {
  nonce: string;
  opaque: string;
  realm: string;
}

/** The parameters of a `WWW-Authenticate: Digest …` challenge. */
export function challengeOf(header: string | string[] | undefined): DigestChallenge {
  const text = String(header);
  const value = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(text)?.[1] ?? '';
  return { nonce: value('nonce'), opaque: value('opaque'), realm: value('realm') };
}

/**
 * The RFC 7616 (MD5, qop=auth) answer to a challenge for a GET of `uri`, as a browser computes it:
 * response = MD5(HA1:nonce:nc:cnonce:auth:MD5(method:uri)).
 */
export function digestAuthorization(
  challenge: DigestChallenge,
  user: string,
  password: string,
  uri: string,
  nc = '00000001',
): string {
  const c = challenge;
  const ha1 = md5(`${user}:${c.realm}:${password}`);
  const response = md5(`${ha1}:${c.nonce}:${nc}:abc:auth:${md5(`GET:${uri}`)}`);
  return `Digest username="${user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", qop=auth, nc=${nc}, cnonce="abc", response="${response}", opaque="${c.opaque}", algorithm=MD5`;
}
