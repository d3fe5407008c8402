import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { compileRule, defaultPriority, ruleDomains } from '../../src/rules/index.js';
import { matches, routingRequest } from '../helpers/rules-request.js';

describe('v3 Host', () => {
  it('compares the canonical host, with the rule side lowercased and its trailing dot dropped', () => {
    assert.equal(matches('Host(`example.com`)', { host: 'example.com' }), true);
    assert.equal(matches('Host(`Example.COM`)', { host: 'example.com' }), true);
    assert.equal(matches('Host(`example.com.`)', { host: 'example.com' }), true);
    assert.equal(matches('Host(`example.com`)', { host: 'www.example.com' }), false);
    assert.equal(matches('Host(`example.com`)', { host: '' }), false);
    assert.equal(matches('Host(`[::1]`)', { host: '::1' }), true);
  });

  it('matches exactly one label with *.domain', () => {
    assert.equal(matches('Host(`*.example.com`)', { host: 'a.example.com' }), true);
    assert.equal(matches('Host(`*.example.com`)', { host: 'a.b.example.com' }), false);
    assert.equal(matches('Host(`*.example.com`)', { host: 'example.com' }), false);
    assert.equal(matches('Host(`*.example.com`)', { host: 'aexample.com' }), false);
  });

  it('matches every request, even without a host, with Host(`*`)', () => {
    assert.equal(matches('Host(`*`)', { host: '' }), true);
    assert.equal(matches('Host(`*`)', { host: 'anything.test' }), true);
  });
});

describe('v3 HostRegexp', () => {
  it('is an unanchored Go regexp on the canonical host', () => {
    assert.equal(matches('HostRegexp(`^[a-z]+\\.example\\.com$`)', { host: 'api.example.com' }), true);
    assert.equal(matches('HostRegexp(`^[a-z]+\\.example\\.com$`)', { host: 'a1.example.com' }), false);
    assert.equal(matches('HostRegexp(`example`)', { host: 'www.example.org' }), true);
    assert.equal(matches('HostRegexp(`(?i)^EXAMPLE\\.com$`)', { host: 'example.com' }), true);
  });
});

describe('v3 Path, PathPrefix, PathRegexp', () => {
  it('Path is an exact comparison', () => {
    assert.equal(matches('Path(`/products`)', { path: '/products' }), true);
    assert.equal(matches('Path(`/products`)', { path: '/products/' }), false);
    assert.equal(matches('Path(`/products`)', { path: '/Products' }), false);
  });

  it('PathPrefix is a plain string prefix, without segment boundary', () => {
    assert.equal(matches('PathPrefix(`/api`)', { path: '/api' }), true);
    assert.equal(matches('PathPrefix(`/api`)', { path: '/api/v1' }), true);
    assert.equal(matches('PathPrefix(`/api`)', { path: '/apidocs' }), true);
    assert.equal(matches('PathPrefix(`/api`)', { path: '/ap' }), false);
  });

  it('PathRegexp is unanchored', () => {
    assert.equal(matches('PathRegexp(`^/products/[0-9]+$`)', { path: '/products/42' }), true);
    assert.equal(matches('PathRegexp(`^/products/[0-9]+$`)', { path: '/products/42/x' }), false);
    assert.equal(matches('PathRegexp(`\\.(css|js)$`)', { path: '/static/app.js' }), true);
    assert.equal(matches('PathRegexp(`^/(?P<section>[a-z]+)/`)', { path: '/docs/x' }), true);
  });

  it('compares the routing path: escapes decoded except reserved ones', () => {
    assert.equal(matches('Path(`/foo bar`)', { path: '/foo%20bar' }), true);
    assert.equal(matches('Path(`/café`)', { path: '/caf%C3%A9' }), true);
    assert.equal(matches('Path(`/a/b`)', { path: '/a%2Fb' }), false);
    assert.equal(matches('Path(`/a%2Fb`)', { path: '/a%2Fb' }), true);
    assert.equal(matches('PathPrefix(`/a b/`)', { path: '/a%20b%2Fc' }), false);
    assert.equal(matches('PathPrefix(`/a b`)', { path: '/a%20b%2Fc' }), true);
  });
});

describe('v3 Method', () => {
  it('compares the method, the rule side upper-cased', () => {
    assert.equal(matches('Method(`GET`)', { method: 'GET' }), true);
    assert.equal(matches('Method(`post`)', { method: 'POST' }), true);
    assert.equal(matches('Method(`GET`)', { method: 'POST' }), false);
  });
});

describe('v3 Header and HeaderRegexp', () => {
  it('Header needs one value equal to the given one; the name is case-insensitive', () => {
    const headers = { 'content-type': 'application/json' };
    assert.equal(matches('Header(`Content-Type`, `application/json`)', { headers }), true);
    assert.equal(matches('Header(`content-type`, `application/json`)', { headers }), true);
    assert.equal(matches('Header(`Content-Type`, `application/JSON`)', { headers }), false);
    assert.equal(matches('Header(`X-Missing`, `a`)', { headers }), false);
  });

  it('tries each value of a header given as an array', () => {
    assert.equal(matches('Header(`X-Tag`, `b`)', { headers: { 'x-tag': ['a', 'b'] } }), true);
  });

  it('tells repeated header lines from one line holding a comma, on a real Node request', async () => {
    const rule = compileRule('Header(`X-Tag`, `b`)');
    const results: boolean[] = [];
    const server = createServer((req, res) => {
      results.push(rule.match({ host: '', path: '/', query: '', clientIp: '', req }));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const send = (headerLines: string) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end(`GET / HTTP/1.1\r\nHost: x\r\n${headerLines}Connection: close\r\n\r\n`);
        });
        socket.on('error', reject).on('close', () => resolve());
        socket.resume();
      });
    try {
      await send('X-Tag: a\r\nX-Tag: b\r\n');
      await send('X-Tag: a, b\r\n');
      await send('X-Tag: b\r\n');
    } finally {
      server.close();
    }
    assert.deepEqual(results, [true, false, true]);
  });

  it('HeaderRegexp is unanchored', () => {
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    assert.equal(matches('HeaderRegexp(`Content-Type`, `application/(json|yaml)`)', { headers }), true);
    assert.equal(matches('HeaderRegexp(`Content-Type`, `^text/`)', { headers }), false);
  });
});

describe('v3 Query and QueryRegexp', () => {
  it('Query(k, v) needs one value of k equal to v, after decoding', () => {
    assert.equal(matches('Query(`mobile`, `true`)', { query: 'mobile=true' }), true);
    assert.equal(matches('Query(`mobile`, `true`)', { query: 'a=1&mobile=false&mobile=true' }), true);
    assert.equal(matches('Query(`mobile`, `true`)', { query: 'mobile=false' }), false);
    assert.equal(matches('Query(`q`, `a b`)', { query: 'q=a+b' }), true);
    assert.equal(matches('Query(`q`, `a/b`)', { query: 'q=a%2Fb' }), true);
  });

  it('Query(k) needs k with an empty value, as Traefik does', () => {
    assert.equal(matches('Query(`debug`)', { query: 'debug' }), true);
    assert.equal(matches('Query(`debug`)', { query: 'debug=' }), true);
    assert.equal(matches('Query(`debug`)', { query: 'debug=1' }), false);
    assert.equal(matches('Query(`debug`)', { query: '' }), false);
  });

  it('QueryRegexp matches any value of the key, unanchored', () => {
    assert.equal(matches('QueryRegexp(`id`, `^[0-9]+$`)', { query: 'id=12' }), true);
    assert.equal(matches('QueryRegexp(`id`, `^[0-9]+$`)', { query: 'id=x12' }), false);
    assert.equal(matches('QueryRegexp(`id`, `2`)', { query: 'id=x12' }), true);
    assert.equal(matches('QueryRegexp(`id`)', { query: 'id' }), true);
  });
});

describe('v3 ClientIP', () => {
  it('matches addresses and CIDR ranges of both families', () => {
    assert.equal(matches('ClientIP(`10.0.0.0/8`)', { clientIp: '10.1.2.3' }), true);
    assert.equal(matches('ClientIP(`10.0.0.0/8`)', { clientIp: '11.1.2.3' }), false);
    assert.equal(matches('ClientIP(`192.168.1.7`)', { clientIp: '192.168.1.7' }), true);
    assert.equal(matches('ClientIP(`192.168.1.7`)', { clientIp: '192.168.1.8' }), false);
    assert.equal(matches('ClientIP(`0.0.0.0/0`)', { clientIp: '8.8.8.8' }), true);
    assert.equal(matches('ClientIP(`2001:db8::/32`)', { clientIp: '2001:db8:1::5' }), true);
    assert.equal(matches('ClientIP(`2001:db8::/32`)', { clientIp: '2001:db9::5' }), false);
    assert.equal(matches('ClientIP(`::1`)', { clientIp: '::1' }), true);
    assert.equal(matches('ClientIP(`::1`)', { clientIp: '127.0.0.1' }), false);
  });

  it('compares IPv4-mapped IPv6 peers as IPv4', () => {
    assert.equal(matches('ClientIP(`10.0.0.0/8`)', { clientIp: '::ffff:10.9.8.7' }), true);
    assert.equal(matches('ClientIP(`::ffff:10.9.8.7`)', { clientIp: '10.9.8.7' }), true);
    assert.equal(matches('ClientIP(`10.0.0.0/8`)', { clientIp: '::ffff:11.9.8.7' }), false);
    assert.equal(matches('ClientIP(`2001:db8::/32`)', { clientIp: '10.0.0.1' }), false);
  });
});

describe('v3 operators', () => {
  const request = { host: 'a.com', path: '/x', method: 'GET' };

  it('binds && tighter than ||', () => {
    // false && false || true  => true (would be false if || bound tighter)
    assert.equal(matches('Host(`b.com`) && Path(`/y`) || Method(`GET`)', request), true);
    // true || false && false  => true
    assert.equal(matches('Method(`GET`) || Host(`b.com`) && Path(`/y`)', request), true);
    assert.equal(matches('(Method(`GET`) || Host(`b.com`)) && Path(`/y`)', request), false);
  });

  it('negates with !, including groups and double negation', () => {
    assert.equal(matches('!Host(`b.com`)', request), true);
    assert.equal(matches('!(Host(`a.com`) && Path(`/x`))', request), false);
    assert.equal(matches('!!Host(`a.com`)', request), true);
    assert.equal(matches('Host(`a.com`) && !PathPrefix(`/admin`)', request), true);
  });

  it('accepts double-quoted arguments with Go escapes and free spacing', () => {
    assert.equal(matches('Host("a.com")', request), true);
    assert.equal(matches('PathRegexp("^/\\\\w$")', request), true);
    assert.equal(matches('  Host( `a.com` )&&Path(`/x`)  ', request), true);
    assert.equal(matches('Header("X-Q", "say \\"hi\\"")', { headers: { 'x-q': 'say "hi"' } }), true);
  });

  it('accepts the four casings of matcher names', () => {
    for (const name of ['PathPrefix', 'pathprefix', 'PATHPREFIX', 'Pathprefix']) {
      assert.equal(matches(`${name}(\`/x\`)`, request), true, name);
    }
  });
});

describe('hosts index', () => {
  const hostsOf = (rule: string) => compileRule(rule).hosts;

  it('lists the hosts every match requires', () => {
    assert.deepEqual(hostsOf('Host(`a.com`)'), ['a.com']);
    assert.deepEqual(hostsOf('Host(`A.com.`) && PathPrefix(`/x`)'), ['a.com']);
    assert.deepEqual(hostsOf('Host(`a`) || Host(`b`)'), ['a', 'b']);
    assert.deepEqual(hostsOf('(Host(`a`) || Host(`b`)) && Method(`GET`)'), ['a', 'b']);
    assert.deepEqual(hostsOf('PathPrefix(`/x`) && (Host(`a`) || Host(`a`))'), ['a']);
    assert.deepEqual(hostsOf('(Host(`a`) || Host(`b`)) && (Host(`b`) || Host(`c`))'), ['b']);
  });

  it('is undefined when some match may come from another host', () => {
    assert.equal(hostsOf('PathPrefix(`/x`)'), undefined);
    assert.equal(hostsOf('Host(`a`) || PathPrefix(`/x`)'), undefined);
    assert.equal(hostsOf('!Host(`a`)'), undefined);
    assert.equal(hostsOf('Host(`*.a.com`)'), undefined);
    assert.equal(hostsOf('Host(`*`)'), undefined);
    assert.equal(hostsOf('HostRegexp(`^a$`)'), undefined);
    assert.equal(hostsOf('Host(`a`) || Host(`*.b`)'), undefined);
  });

  it('keeps the source and never lets an indexed rule match a host outside its list', () => {
    const rule = compileRule('Host(`a`) || Host(`b`) && Path(`/p`)');
    assert.equal(rule.source, 'Host(`a`) || Host(`b`) && Path(`/p`)');
    assert.deepEqual(rule.hosts, ['a', 'b']);
  });
});

describe('defaultPriority', () => {
  it('is the rule length in bytes', () => {
    assert.equal(defaultPriority('Host(`a.com`)'), 13);
    assert.equal(defaultPriority('Path(`/é`)'), 11);
  });
});

describe('ruleDomains', () => {
  it('lists the Host names written in the rule, for certificates', () => {
    assert.deepEqual(ruleDomains('Host(`A.com`) && (Host(`b.com.`) || PathPrefix(`/x`)) || HostRegexp(`c`)'), [
      'a.com',
      'b.com',
    ]);
    assert.deepEqual(ruleDomains('Host(`a.com`, `b.com`) || HostHeader(`c.com`)'), ['a.com', 'b.com', 'c.com']);
    assert.deepEqual(ruleDomains('PathPrefix(`/`)'), []);
  });
});

describe('rule syntax names', () => {
  it('accepts V2 in capitals and refuses unknown syntaxes', () => {
    assert.equal(compileRule('Host(`a`, `b`)', 'V2' as 'v2').match(routingRequest({ host: 'b' })), true);
    assert.throws(
      () => compileRule('Host(`a`)', 'v4' as 'v3'),
      /unknown rule syntax "v4"; use "v3" \(default\) or "v2"/,
    );
  });
});
