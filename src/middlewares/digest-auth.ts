import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { sameText } from '../security/constant-time.js';
import { respond } from '../runtime/respond.js';
import { defineMiddleware } from './define.js';
import { htpasswdLines } from './htpasswd.js';
import { flag, stringList } from './options.js';
import { requestHeader, requestUri } from './request-tools.js';
import type { MiddlewareDeps } from './types.js';

const schema = z.strictObject({
  users: stringList.default([]),
  usersFile: z.string().default(''),
  realm: z.string().default('traefik'),
  removeHeader: flag.default(false),
  headerField: z.string().default(''),
});

/** Nonces handed out and not yet expired, with the highest nonce count seen (replay guard). */
const MAX_NONCES = 10_000;
const NONCE_TTL_MS = 5 * 60_000;

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** `user:realm:HA1` lines (htdigest); only the middleware's realm counts. */
function loadSecrets(options: z.output<typeof schema>, deps: MiddlewareDeps): Map<string, string> {
  const lines: { line: string; key: string }[] = [];
  if (options.usersFile !== '') {
    let content: string;
    try {
      content = deps.readFile(options.usersFile);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(
        `cannot read "${options.usersFile}" (${reason}); give a readable htdigest file`,
        'usersFile',
      );
    }
    for (const { line, number } of htpasswdLines(content)) {
      lines.push({ line, key: `usersFile (${options.usersFile} line ${number})` });
    }
  }
  options.users.forEach((line, i) => lines.push({ line: line.trim(), key: `users[${i}]` }));
  const secrets = new Map<string, string>();
  for (const { line, key } of lines) {
    const [user, realm, ha1, extra] = line.split(':');
    if (!user || realm === undefined || !ha1 || extra !== undefined || !/^[0-9a-f]{32}$/i.test(ha1)) {
      throw new ConfigError('expected "user:realm:md5hex" as made by htdigest', key);
    }
    if (realm === options.realm) secrets.set(user, ha1.toLowerCase());
  }
  if (secrets.size === 0) {
    throw new ConfigError(
      `no users for realm "${options.realm}"; list "user:realm:hash" lines or a usersFile`,
      'users',
    );
  }
  return secrets;
}

/** Parses `Digest k="v", k2=v2` into a map; undefined for another scheme. */
function digestParams(header: string): Map<string, string> | undefined {
  const match = /^Digest\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const params = new Map<string, string>();
  const pair = /\s*([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/giy;
  for (let m = pair.exec(match[1]!); m; m = pair.exec(match[1]!)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return params;
}

/**
 * `digestAuth`: HTTP Digest authentication (MD5, qop=auth) against htdigest entries, with
 * server nonces that expire and nonce counts that must grow, so a captured answer cannot be replayed.
 */
export const digestAuth = defineMiddleware(
  schema,
  (options, deps) => {
    const secrets = loadSecrets(options, deps);
    const realm = options.realm;
    const opaque = randomBytes(16).toString('hex');
    const nonces = new Map<string, { nc: number; expires: number }>();
    const headerField = options.headerField.toLowerCase();
    const { removeHeader } = options;

    const challenge = (): Record<string, string> => {
      const nonce = randomBytes(16).toString('hex');
      if (nonces.size >= MAX_NONCES) nonces.delete(nonces.keys().next().value!);
      nonces.set(nonce, { nc: 0, expires: Date.now() + NONCE_TTL_MS });
      const quoted = realm.replace(/["\\]/g, '\\$&');
      return {
        'www-authenticate': `Digest realm="${quoted}", nonce="${nonce}", opaque="${opaque}", algorithm="MD5", qop="auth"`,
      };
    };

    /** The authenticated user, or undefined. */
    const check = (method: string, uri: string, header: string): string | undefined => {
      const p = digestParams(header);
      if (!p) return undefined;
      const user = p.get('username') ?? '';
      const nonce = p.get('nonce') ?? '';
      const algorithm = p.get('algorithm') ?? 'MD5';
      if (algorithm.toUpperCase() !== 'MD5' || p.get('opaque') !== opaque || p.get('qop') !== 'auth') return undefined;
      if (p.get('uri') !== uri) return undefined;
      const ha1 = secrets.get(user);
      const state = nonces.get(nonce);
      const nc = parseInt(p.get('nc') ?? '', 16);
      if (!ha1 || !state || state.expires < Date.now() || !(nc > state.nc)) return undefined;
      const expected = md5(`${ha1}:${nonce}:${p.get('nc')}:${p.get('cnonce') ?? ''}:auth:${md5(`${method}:${uri}`)}`);
      if (!sameText(expected, (p.get('response') ?? '').toLowerCase())) return undefined;
      state.nc = nc;
      return user;
    };

    return (next) => (ctx) => {
      const user = check(ctx.req.method ?? 'GET', ctx.req.url ?? requestUri(ctx), requestHeader(ctx, 'authorization'));
      if (user === undefined) {
        respond(ctx, 401, '401 Unauthorized', challenge());
        return;
      }
      ctx.clientUsername = user;
      if (headerField) ctx.req.headers[headerField] = user;
      if (removeHeader) delete ctx.req.headers.authorization;
      return next(ctx);
    };
  },
  ['users'],
);
