import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalHost, normalizePath, splitTarget } from '../../src/rules/normalize.js';

describe('canonicalHost', () => {
  it('lowercases, strips the port, IPv6 brackets and the trailing dot', () => {
    assert.equal(canonicalHost('Example.COM'), 'example.com');
    assert.equal(canonicalHost('example.com:8080'), 'example.com');
    assert.equal(canonicalHost('example.com.'), 'example.com');
    assert.equal(canonicalHost('Example.com.:443'), 'example.com');
    assert.equal(canonicalHost('[::1]:8080'), '::1');
    assert.equal(canonicalHost('[2001:DB8::1]'), '2001:db8::1');
    assert.equal(canonicalHost('2001:db8::1'), '2001:db8::1');
    assert.equal(canonicalHost('10.0.0.1:80'), '10.0.0.1');
  });

  it('gives an empty string for a missing host', () => {
    assert.equal(canonicalHost(undefined), '');
    assert.equal(canonicalHost(''), '');
  });

  it('returns a canonical host unchanged', () => {
    assert.equal(canonicalHost('api.example.com'), 'api.example.com');
    assert.equal(canonicalHost('my_host-1'), 'my_host-1');
  });
});

describe('normalizePath', () => {
  it('returns clean paths as they are', () => {
    for (const path of ['/', '/a/b', '/a/b/', '/a.b/c..d', '/~user']) assert.equal(normalizePath(path), path);
  });

  it('decodes escapes of unreserved characters only, upper-casing the others', () => {
    assert.equal(normalizePath('/%41%62%2d%2E%5f%7E'), '/Ab-._~');
    assert.equal(normalizePath('/a%2fb'), '/a%2Fb');
    assert.equal(normalizePath('/a%20b%c3%a9'), '/a%20b%C3%A9');
    assert.equal(normalizePath('/100%'), '/100%25');
    assert.equal(normalizePath('/%zz'), '/%25zz');
  });

  it('removes dot-segments and duplicate slashes, keeping a trailing slash', () => {
    assert.equal(normalizePath('/a/./b/../c'), '/a/c');
    assert.equal(normalizePath('/a/b/..'), '/a/');
    assert.equal(normalizePath('/a/b/.'), '/a/b/');
    assert.equal(normalizePath('/../../etc/passwd'), '/etc/passwd');
    assert.equal(normalizePath('//a///b//'), '/a/b/');
    assert.equal(normalizePath('/..'), '/');
    assert.equal(normalizePath('/a/%2e%2E/b'), '/b');
    assert.equal(normalizePath('/a%2F../b'), '/a%2F../b'); // an encoded slash does not split segments
  });

  it('always starts with /', () => {
    assert.equal(normalizePath(''), '/');
    assert.equal(normalizePath('a/b'), '/a/b');
  });
});

describe('splitTarget', () => {
  it('splits origin-form targets', () => {
    assert.deepEqual(splitTarget('/a/b?x=1&y'), { path: '/a/b', query: 'x=1&y' });
    assert.deepEqual(splitTarget('/a'), { path: '/a', query: '' });
    assert.deepEqual(splitTarget('/a?'), { path: '/a', query: '' });
    assert.deepEqual(splitTarget('/a?b?c'), { path: '/a', query: 'b?c' });
  });

  it('takes the authority of absolute-form targets', () => {
    assert.deepEqual(splitTarget('http://a.com:8080/x?y'), { path: '/x', query: 'y', authority: 'a.com:8080' });
    assert.deepEqual(splitTarget('HTTPS://user:pw@b.com'), { path: '/', query: '', authority: 'b.com' });
    assert.deepEqual(splitTarget('http://[::1]:80?q'), { path: '/', query: 'q', authority: '[::1]:80' });
    assert.deepEqual(splitTarget('http://@/x'), { path: '/x', query: '' });
  });
});
