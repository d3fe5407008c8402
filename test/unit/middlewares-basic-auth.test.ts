import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { ConfigError } from '../../src/config/errors.js';
import { basicAuth } from '../../src/middlewares/basic-auth.js';
import { parsePasswordHash, type PasswordHash } from '../../src/middlewares/htpasswd.js';
import { VerifiedPasswords } from '../../src/middlewares/verified-passwords.js';
import { basic, buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';

const PASSWORD = 'p@ss wörd';
/** Made with `openssl passwd -<format> -salt Sa1tSa1t 'p@ss wörd'`, bcrypt in htpasswd's $2y$ form. */
const HASHES = {
  apr1: '$apr1$Sa1tSa1t$MOqhMKDuXOBowCPiulm9R/',
  md5crypt: '$1$Sa1tSa1t$/dYXO4ulglAh10QJYIBXt1',
  sha256crypt: '$5$Sa1tSa1t$xc87.RawNIexwIJoIIftrGupHSRwnfl9xSUUZ.wQKrA',
  sha512crypt: '$6$Sa1tSa1t$IqyTBzcEaZBngGKFBrKSO.6wXZCXjHbu3/7bZeWrWEp5EauYOkpAULB3c5p2D55CRCKIZkBnUeOna5krngtgF0',
  sha1: '{SHA}iFXrzdzW6SkQ4l5UHiG/hH6VbME=',
  bcrypt: '$2y$04$c2/6U0igkCUiXK3aYWcUtOK7/jm3b6ZRlM2oMVSrEW/sk2GNmhK6W',
};

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(...args: Parameters<typeof buildMiddleware>): Promise<MiddlewareHarness> {
  const harness = await MiddlewareHarness.start(buildMiddleware(...args));
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('htpasswd hashes', () => {
  for (const [format, hash] of Object.entries(HASHES)) {
    it(`${format}: accepts the password and rejects others`, async () => {
      const parsed = parsePasswordHash(hash, 'users[0]');
      assert.equal(await parsed.verify(PASSWORD), true);
      assert.equal(await parsed.verify('p@ss word'), false);
      assert.equal(await parsed.verify(''), false);
    });
  }

  it('accepts bcrypt made by bcryptjs in its own $2b$ form', async () => {
    const parsed = parsePasswordHash(bcrypt.hashSync('pw', 4), 'users[0]');
    assert.equal(await parsed.verify('pw'), true);
  });

  it('refuses unknown formats (plain text, DES crypt, truncated hashes) with a fix', () => {
    for (const hash of ['secret', 'abJnggxhB/yWI', '$apr1$Sa1tSa1t$short', '$2y$04$tooShort']) {
      assert.throws(
        () => parsePasswordHash(hash, 'users[3]'),
        (error: unknown) =>
          error instanceof ConfigError && error.key === 'users[3]' && /openssl passwd -apr1/.test(error.message),
      );
    }
  });
});

describe('VerifiedPasswords', () => {
  function counting(result: boolean): PasswordHash & { calls: number } {
    const hash = {
      slow: true,
      text: '$2y$fake',
      calls: 0,
      verify: async () => {
        hash.calls++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return result;
      },
    };
    return hash;
  }

  it('computes a slow hash once for repeated and concurrent good credentials', async () => {
    const cache = new VerifiedPasswords();
    const hash = counting(true);
    const results = await Promise.all([cache.verify('u', 'p', hash), cache.verify('u', 'p', hash)]);
    assert.deepEqual(results, [true, true]);
    assert.equal(await cache.verify('u', 'p', hash), true);
    assert.equal(hash.calls, 1);
  });

  it('never caches failures', async () => {
    const cache = new VerifiedPasswords();
    const hash = counting(false);
    assert.equal(await cache.verify('u', 'p', hash), false);
    assert.equal(await cache.verify('u', 'p', hash), false);
    assert.equal(hash.calls, 2);
  });
});

describe('basicAuth', () => {
  const users = [`alice:${HASHES.bcrypt}`, `bob:${HASHES.apr1}`];

  it('asks for credentials with the default realm', async () => {
    const h = await harnessFor(basicAuth, { users });
    const reply = await h.request('/');
    assert.equal(reply.status, 401);
    assert.equal(reply.headers['www-authenticate'], 'Basic realm="traefik"');
    assert.equal(h.received.length, 0);
  });

  it('lets valid users through and keeps the Authorization header by default', async () => {
    const h = await harnessFor(basicAuth, { users, realm: 'staff' });
    for (const user of ['alice', 'bob']) {
      const reply = await h.request('/', { headers: { authorization: basic(user, PASSWORD) } });
      assert.equal(reply.status, 200);
    }
    assert.equal(h.last.headers.authorization, basic('bob', PASSWORD));
    const wrong = await h.request('/', { headers: { authorization: basic('alice', 'nope') } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['www-authenticate'], 'Basic realm="staff"');
    const unknown = await h.request('/', { headers: { authorization: basic('carol', PASSWORD) } });
    assert.equal(unknown.status, 401);
  });

  it('passes the user in headerField and removes the credentials with removeHeader', async () => {
    const h = await harnessFor(basicAuth, {
      users: users.join(','),
      headerField: 'X-WebAuth-User',
      removeHeader: 'true',
    });
    await h.request('/', { headers: { authorization: basic('bob', PASSWORD), 'x-webauth-user': 'forged' } });
    assert.equal(h.last.headers['x-webauth-user'], 'bob');
    assert.equal(h.last.headers.authorization, undefined);
  });

  it('reads usersFile through deps.readFile, skipping comments and blank lines', async () => {
    const files: Record<string, string> = { 'users.htpasswd': `# staff\n\n  bob:${HASHES.sha1}  \n` };
    const h = await harnessFor(basicAuth, { usersFile: 'users.htpasswd' }, { readFile: (path) => files[path]! });
    assert.equal((await h.request('/', { headers: { authorization: basic('bob', PASSWORD) } })).status, 200);
  });

  it('logs gateway consumers in and marks the request with the consumer', async () => {
    const h = await harnessFor(
      basicAuth,
      { users: [`bob:${HASHES.apr1}`] },
      { consumers: { 'mobile@file': { basicAuth: [`app:${HASHES.sha512crypt}`] } } },
    );
    await h.request('/', { headers: { authorization: basic('app', PASSWORD) } });
    assert.equal(h.last.consumer, 'mobile@file');
    await h.request('/', { headers: { authorization: basic('bob', PASSWORD) } });
    assert.equal(h.last.consumer, undefined);
  });

  it('reports configuration problems by option', () => {
    const keyOf = (options: Record<string, unknown>) => {
      try {
        buildMiddleware(basicAuth, options);
      } catch (error) {
        return (error as ConfigError).key;
      }
      return 'no error';
    };
    assert.equal(keyOf({}), 'users');
    assert.equal(keyOf({ users: [users[0], 'no-colon'] }), 'users[1]');
    assert.equal(keyOf({ users: ['x:plaintext'] }), 'users[0]');
    assert.equal(keyOf({ usersFile: 'missing.htpasswd' }), 'usersFile');
  });

  it('marks users as a secret option', () => {
    assert.deepEqual(basicAuth.secretOptions, ['users']);
  });
});
