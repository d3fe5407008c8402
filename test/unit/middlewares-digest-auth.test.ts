import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { digestAuth } from '../../src/middlewares/digest-auth.js';
import { challengeOf, digestAuthorization, htdigestLine } from '../helpers/digest-client.js';
import { buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';

const ALICE = htdigestLine('alice', 'traefik', 'secret');

const harnesses: MiddlewareHarness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('digestAuth', () => {
  it('challenges, accepts a correct answer once per nonce count, and rejects replays and wrong passwords', async () => {
    const h = await MiddlewareHarness.start(buildMiddleware(digestAuth, { users: [ALICE], headerField: 'X-User' }));
    harnesses.push(h);
    const first = await h.request('/a?b=1');
    assert.equal(first.status, 401);
    assert.match(
      String(first.headers['www-authenticate']),
      /^Digest realm="traefik", nonce="[0-9a-f]+", opaque=.*qop="auth"$/,
    );
    const c = challengeOf(first.headers['www-authenticate']);

    const ok = await h.request('/a?b=1', {
      headers: { authorization: digestAuthorization(c, 'alice', 'secret', '/a?b=1', '00000001') },
    });
    assert.equal(ok.status, 200);
    assert.equal(h.last.headers['x-user'], 'alice');

    const replay = await h.request('/a?b=1', {
      headers: { authorization: digestAuthorization(c, 'alice', 'secret', '/a?b=1', '00000001') },
    });
    assert.equal(replay.status, 401);
    const next = await h.request('/a?b=1', {
      headers: { authorization: digestAuthorization(c, 'alice', 'secret', '/a?b=1', '00000002') },
    });
    assert.equal(next.status, 200);

    const wrong = await h.request('/a', {
      headers: { authorization: digestAuthorization(c, 'alice', 'nope', '/a', '00000003') },
    });
    assert.equal(wrong.status, 401);
    const otherUri = await h.request('/a', {
      headers: { authorization: digestAuthorization(c, 'alice', 'secret', '/b', '00000004') },
    });
    assert.equal(otherUri.status, 401);
  });

  it('refuses malformed lines and configurations without users for its realm', () => {
    const keyOf = (options: Record<string, unknown>) => {
      try {
        buildMiddleware(digestAuth, options);
      } catch (error) {
        return (error as ConfigError).key;
      }
      return 'no error';
    };
    assert.equal(keyOf({ users: [ALICE, 'bob:secret'] }), 'users[1]');
    assert.equal(keyOf({ users: [ALICE], realm: 'other' }), 'users');
    assert.equal(keyOf({ usersFile: 'missing' }), 'usersFile');
  });
});
