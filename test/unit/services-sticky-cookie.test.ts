import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  defaultCookieName,
  readCookie,
  sanitizeCookieName,
  StickyCookie,
  stickyValue,
} from '../../src/services/sticky-cookie.js';

test('default cookie name is _ and 5 hex digits of sha1("_TRAEFIK_BACKEND_" + service)', () => {
  const expected = '_' + createHash('sha1').update('_TRAEFIK_BACKEND_whoami@docker').digest('hex').slice(0, 5);
  assert.equal(defaultCookieName('whoami@docker'), expected);
  assert.match(defaultCookieName('x'), /^_[0-9a-f]{5}$/);
});

test('cookie value is 16 hex digits of sha256(server URL)', () => {
  const url = 'http://10.0.0.5:8080';
  assert.equal(stickyValue(url), createHash('sha256').update(url).digest('hex').slice(0, 16));
});

test('custom names keep token characters only', () => {
  assert.equal(sanitizeCookieName('my cookie/1'), 'my_cookie_1');
  assert.equal(sanitizeCookieName('ok-name.v1'), 'ok-name.v1');
});

test('reads one cookie among several', () => {
  assert.equal(readCookie('a=1; lb=xyz; b=2', 'lb'), 'xyz');
  assert.equal(readCookie('alb=1', 'lb'), undefined);
  assert.equal(readCookie(undefined, 'lb'), undefined);
});

test('Set-Cookie carries the configured attributes and the cookie finds its target', () => {
  const sticky = new StickyCookie(
    { name: 'lb', secure: true, httpOnly: true, sameSite: 'lax', maxAge: 60, path: '/app' },
    'svc@file',
    [
      ['one', 'http://a:80'],
      ['two', 'http://b:80'],
    ],
  );
  assert.equal(
    sticky.setCookie('two'),
    `lb=${stickyValue('http://b:80')}; Path=/app; Max-Age=60; HttpOnly; Secure; SameSite=Lax`,
  );
  assert.equal(sticky.lookup(`x=1; lb=${stickyValue('http://a:80')}`), 'one');
  assert.equal(sticky.lookup('lb=http://b:80'), 'two', 'Traefik v2 cookies held the URL itself');
  assert.equal(sticky.lookup('lb=0000000000000000'), undefined);
  const plain = new StickyCookie({}, 'svc@file', [['one', 'http://a:80']]);
  assert.equal(plain.setCookie('one'), `${defaultCookieName('svc@file')}=${stickyValue('http://a:80')}; Path=/`);
});
