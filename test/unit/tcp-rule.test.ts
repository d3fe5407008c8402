import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { compileTcpRule, tcpRuleNames, type TcpConnectionFacts } from '../../src/tcp/tcp-rule.js';

const tls = (serverName: string, extra: Partial<TcpConnectionFacts> = {}): TcpConnectionFacts => ({
  serverName,
  clientIp: '192.0.2.7',
  alpn: [],
  ...extra,
});
const plain = (clientIp = '192.0.2.7'): TcpConnectionFacts => ({ serverName: '', clientIp, alpn: [] });

test('HostSNI: exact names (any case in the rule), one-label wildcards, and * for every connection', () => {
  const rule = compileTcpRule('HostSNI(`DB.example.com`) || HostSNI(`*.internal.test`)', 'rule');
  assert.deepEqual(rule.sniNames, ['db.example.com', '*.internal.test']);
  assert.equal(rule.match(tls('db.example.com')), true);
  assert.equal(rule.match(tls('a.internal.test')), true);
  assert.equal(rule.match(tls('a.b.internal.test')), false);
  assert.equal(rule.match(tls('internal.test')), false);
  assert.equal(rule.match(tls('.internal.test')), false);
  assert.equal(rule.match(tls('ainternal.test')), false);
  assert.equal(rule.match(plain()), false);
  const all = compileTcpRule('HostSNI(`*`)', 'rule');
  assert.equal(all.match(plain()), true);
  assert.equal(all.match(tls('anything')), true);
});

test('HostSNIRegexp, ClientIP and ALPN combine with &&, || and !', () => {
  const rule = compileTcpRule(
    'HostSNIRegexp(`^[a-z]+\\.db\\.test$`) && ClientIP(`192.0.2.0/24`) && !ALPN(`h2`)',
    'rule',
  );
  assert.equal(rule.match(tls('pg.db.test')), true);
  assert.equal(rule.match(tls('pg.db.test', { clientIp: '198.51.100.1' })), false);
  assert.equal(rule.match(tls('pg.db.test', { alpn: ['h2', 'http/1.1'] })), false);
  assert.equal(rule.match(tls('pg1.db.test')), false);
  const lan = compileTcpRule('ClientIP(`10.0.0.0/8`)', 'rule');
  assert.equal(lan.match(plain('::ffff:10.1.2.3')), true, 'IPv4-mapped peers compare as IPv4');
  assert.equal(lan.match(plain('192.0.2.7')), false);
});

test('errors name the rule key: HTTP matchers, arity, bad ranges and regexps, reserved ALPN, syntax', () => {
  const cases: [string, RegExp][] = [
    ['Host(`a`)', /"Host" is not a TCP matcher; use HostSNI, HostSNIRegexp, ClientIP, ALPN/],
    ['ClientIP(`a`, `b`)', /ClientIP takes one argument/],
    ['ClientIP(`10.0.0.0/33`)', /invalid CIDR "10\.0\.0\.0\/33"/],
    ['HostSNIRegexp(`(?=a)`)', /regular expression/],
    ['ALPN(`acme-tls/1`)', /reserved for ACME/],
    ["HostSNI('a')", /single quotes are not allowed/],
  ];
  for (const [rule, message] of cases) {
    assert.throws(
      () => compileTcpRule(rule, 'tcp.routers.x.rule'),
      (error: ConfigError) =>
        error instanceof ConfigError && error.key === 'tcp.routers.x.rule' && message.test(error.message),
      rule,
    );
  }
});

test('only rules made of HostSNI names and || can be looked up by name', () => {
  assert.deepEqual(compileTcpRule('HostSNI(`a.test`, `A.test`) || HostSNI(`*`)', 'rule').sniNames, ['a.test', '*']);
  for (const rule of ['HostSNI(`a.test`) && ClientIP(`10.0.0.0/8`)', '!HostSNI(`a.test`)', 'HostSNIRegexp(`a`)']) {
    assert.equal(compileTcpRule(rule, 'rule').sniNames, undefined, rule);
  }
});

test('tcpRuleNames: the HostSNI names a rule asks for, never those under !', () => {
  assert.deepEqual(tcpRuleNames('HostSNI(`*`) && !HostSNI(`Admin.x`)'), ['*']);
  assert.deepEqual(tcpRuleNames('!(!HostSNI(`Back.x`)) || (HostSNI(`a.x`, `*.b.x`) && ALPN(`h2`))'), [
    'back.x',
    'a.x',
    '*.b.x',
  ]);
  assert.deepEqual(tcpRuleNames('HostSNIRegexp(`^a$`) || ClientIP(`10.0.0.0/8`)'), []);
  assert.deepEqual(tcpRuleNames('HostSNI(`a.x`) && Path(`/`)'), [], 'a rule that does not compile has no names');
  assert.deepEqual(tcpRuleNames('HostSNI(`a.x`'), []);
});
