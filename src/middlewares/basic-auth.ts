import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { setConsumer } from '../gateway/consumers.js';
import { respond } from '../runtime/respond.js';
import { defineMiddleware } from './define.js';
import { htpasswdLines, parseHtpasswdLine, type PasswordHash } from './htpasswd.js';
import { flag, stringList } from './options.js';
import type { MiddlewareDeps } from './types.js';
import { verifiedPasswords } from './verified-passwords.js';
import { requestHeader } from './request-tools.js';

const schema = z.strictObject({
  users: stringList.default([]),
  usersFile: z.string().default(''),
  realm: z.string().default('traefik'),
  removeHeader: flag.default(false),
  headerField: z.string().default(''),
});

interface Account {
  hash: PasswordHash;
  /** Set when the account belongs to a gateway consumer. */
  consumer?: string;
}

function readUsersFile(path: string, deps: MiddlewareDeps): string {
  try {
    return deps.readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      `cannot read "${path}" (${reason}); give a readable htpasswd file, relative to the configuration file`,
      'usersFile',
    );
  }
}

/**
 * Accounts from `usersFile`, then `users` (a later line for the same user wins, as in Traefik),
 * then the gateway consumers' htpasswd lines for names not taken already.
 */
function loadAccounts(options: z.output<typeof schema>, deps: MiddlewareDeps): Map<string, Account> {
  const accounts = new Map<string, Account>();
  if (options.usersFile !== '') {
    for (const { line, number } of htpasswdLines(readUsersFile(options.usersFile, deps))) {
      const { user, hash } = parseHtpasswdLine(line, `usersFile (${options.usersFile} line ${number})`);
      accounts.set(user, { hash });
    }
  }
  options.users.forEach((line, i) => {
    const { user, hash } = parseHtpasswdLine(line.trim(), `users[${i}]`);
    accounts.set(user, { hash });
  });
  for (const [consumer, config] of Object.entries(deps.consumers)) {
    (config.basicAuth ?? []).forEach((line, i) => {
      const { user, hash } = parseHtpasswdLine(line.trim(), `consumers.${consumer}.basicAuth[${i}]`);
      if (accounts.has(user)) {
        deps.log.warn(
          { middleware: deps.name, consumer, user },
          'basicAuth user already defined; consumer login ignored',
        );
      } else {
        accounts.set(user, { hash, consumer });
      }
    });
  }
  return accounts;
}

/** Decodes `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
function basicCredentials(header: string): { user: string; password: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  return { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

/**
 * `basicAuth`: HTTP Basic authentication against htpasswd hashes. Accounts of gateway consumers
 * log in too and mark the request with the consumer's name.
 */
export const basicAuth = defineMiddleware(
  schema,
  (options, deps) => {
    const accounts = loadAccounts(options, deps);
    const first = accounts.values().next().value;
    if (!first) {
      throw new ConfigError('no users; list "user:hash" lines in users or give a usersFile', 'users');
    }
    // Unknown users are checked against some real hash so that timing does not reveal names.
    const decoy = first.hash;
    const challenge = { 'www-authenticate': `Basic realm="${options.realm.replace(/["\\]/g, '\\$&')}"` };
    const headerField = options.headerField.toLowerCase();
    const { removeHeader } = options;

    return (next) => async (ctx) => {
      const credentials = basicCredentials(requestHeader(ctx, 'authorization'));
      let account: Account | undefined;
      if (credentials) {
        const candidate = accounts.get(credentials.user);
        const ok = await verifiedPasswords.verify(credentials.user, credentials.password, candidate?.hash ?? decoy);
        if (ok && candidate) account = candidate;
      }
      if (!credentials || !account) {
        respond(ctx, 401, '401 Unauthorized', challenge);
        return;
      }
      ctx.clientUsername = credentials.user;
      if (headerField) ctx.req.headers[headerField] = credentials.user;
      if (removeHeader) delete ctx.req.headers.authorization;
      if (account.consumer) setConsumer(ctx, account.consumer);
      return next(ctx);
    };
  },
  ['users'],
);
