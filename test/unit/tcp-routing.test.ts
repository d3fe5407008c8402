import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTcpRule, type TcpConnectionFacts } from '../../src/tcp/tcp-rule.js';
import { TcpTable, type TcpRoute } from '../../src/tcp/tcp-routing.js';

const route = (name: string, tls = true): TcpRoute => ({ name, tls, passthrough: false, serve: () => undefined });

/** A table of `[name, rule]` routers, given highest priority first. */
function table(routers: [string, string][], options: { tls?: boolean; servesHttp?: boolean } = {}): TcpTable {
  const result = new TcpTable(options.servesHttp);
  for (const [name, rule] of routers) result.add(route(name, options.tls ?? true), compileTcpRule(rule, 'rule'));
  return result;
}

const facts = (serverName: string, extra: Partial<TcpConnectionFacts> = {}): TcpConnectionFacts => ({
  serverName,
  clientIp: '192.0.2.7',
  alpn: [],
  ...extra,
});

test('routers found by name and routers tested in turn keep their priority order', () => {
  const routers = table([
    ['lan-only', 'HostSNI(`db.test`) && ClientIP(`10.0.0.0/8`)'],
    ['db', 'HostSNI(`db.test`) || HostSNI(`pg.test`)'],
    ['regexp', 'HostSNIRegexp(`^[a-z]+[.]test$`)'],
    ['wild', 'HostSNI(`*.test`)'],
    ['shadowed', 'HostSNI(`pg.test`)'],
    ['all', 'HostSNI(`*`)'],
  ]);
  const winner = (name: string, extra?: Partial<TcpConnectionFacts>) => routers.matchTls(facts(name, extra))?.name;
  assert.equal(winner('db.test', { clientIp: '10.1.1.1' }), 'lan-only');
  assert.equal(winner('db.test'), 'db');
  assert.equal(winner('pg.test'), 'db');
  assert.equal(winner('other.test'), 'regexp');
  assert.equal(winner('x1.test'), 'wild');
  assert.equal(winner('a.b.test'), 'all');
  assert.equal(winner(''), 'all');
});

test('a wildcard name listed before an exact one wins it; without a match there is no route', () => {
  const routers = table([
    ['wild', 'HostSNI(`*.example.com`)'],
    ['exact', 'HostSNI(`db.example.com`)'],
  ]);
  assert.equal(routers.matchTls(facts('db.example.com'))?.name, 'wild');
  assert.equal(routers.matchTls(facts('example.com')), undefined);
  assert.equal(routers.matchTls(facts('')), undefined);
});

test('a plain router takes a connection before its first bytes only when no TLS client could be meant', () => {
  const byIp: [string, string][] = [['lan', 'ClientIP(`10.0.0.0/8`)']];
  assert.equal(table(byIp, { tls: false, servesHttp: false }).matchBeforeFirstBytes('10.0.0.1')?.name, 'lan');
  // HTTP routers on the entry point (or not known): a TLS client from the range must reach HTTPS.
  assert.equal(table(byIp, { tls: false, servesHttp: true }).matchBeforeFirstBytes('10.0.0.1'), undefined);
  assert.equal(table(byIp, { tls: false }).matchBeforeFirstBytes('10.0.0.1'), undefined);
  assert.equal(table(byIp, { tls: false }).matchPlain('10.0.0.1')?.name, 'lan');
  const catchAll = table([['all', 'HostSNI(`*`)']], { tls: false, servesHttp: true });
  assert.equal(catchAll.matchBeforeFirstBytes('192.0.2.1')?.name, 'all');
  const withTls = table([['all', 'HostSNI(`*`)']], { tls: false, servesHttp: false });
  withTls.add(route('secure'), compileTcpRule('HostSNI(`a.test`)', 'rule'));
  assert.equal(withTls.matchBeforeFirstBytes('192.0.2.1'), undefined);
  assert.equal(withTls.matchPlain('192.0.2.1')?.name, 'all');
});
