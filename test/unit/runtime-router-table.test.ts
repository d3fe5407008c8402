import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledRule, RoutingRequest } from '../../src/rules/types.js';
import { RouterTable, type ActiveRouter } from '../../src/runtime/router-table.js';

function router(name: string, priority: number, match: (r: RoutingRequest) => boolean, hosts?: string[]) {
  const rule: CompiledRule = { source: name, match, hosts };
  return { name, serviceName: 's', priority, rule, handler: () => undefined } satisfies ActiveRouter;
}

function request(host: string, path = '/'): RoutingRequest {
  return { host, path, query: '', clientIp: '127.0.0.1', req: { method: 'GET', headers: {} } };
}

test('the highest priority matching router wins across host-indexed and host-less routers', () => {
  const table = new RouterTable([
    router('hostOnly', 10, (r) => r.host === 'a.com', ['a.com']),
    router('catchAll', 5, () => true),
    router('apiPath', 20, (r) => r.path.startsWith('/api')),
    router('hostAndPath', 30, (r) => r.host === 'a.com' && r.path.startsWith('/v1'), ['a.com']),
  ]);
  assert.equal(table.match(request('a.com', '/v1/x'))?.name, 'hostAndPath');
  assert.equal(table.match(request('a.com', '/api'))?.name, 'apiPath');
  assert.equal(table.match(request('a.com', '/'))?.name, 'hostOnly');
  assert.equal(table.match(request('b.com', '/'))?.name, 'catchAll');
});

test('host-indexed routers are never tried for another host', () => {
  let tried = 0;
  const table = new RouterTable([
    router('a', 10, () => (tried++, true), ['a.com']),
    router('b', 10, () => true, ['b.com']),
  ]);
  assert.equal(table.match(request('b.com'))?.name, 'b');
  assert.equal(tried, 0);
  assert.equal(table.match(request('c.com')), undefined);
});

test('equal priorities are ordered by name so the choice is stable', () => {
  const table = new RouterTable([router('zeta', 1, () => true), router('alpha', 1, () => true)]);
  assert.equal(table.match(request('x'))?.name, 'alpha');
});

test('a router listed under several hosts is found under each', () => {
  const table = new RouterTable([router('multi', 1, () => true, ['a.com', 'b.com'])]);
  assert.equal(table.match(request('a.com'))?.name, 'multi');
  assert.equal(table.match(request('b.com'))?.name, 'multi');
});
