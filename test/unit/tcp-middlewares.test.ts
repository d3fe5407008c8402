import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { compileTcpMiddleware, TcpConnectionCounts } from '../../src/tcp/tcp-middlewares.js';

const connection = () => new PassThrough();
const closed = (stream: PassThrough) =>
  new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });

test('ipAllowList admits addresses in its ranges, IPv4-mapped peers included', () => {
  const { type, gate } = compileTcpMiddleware(
    'lan',
    { ipAllowList: { sourceRange: ['10.0.0.0/8', '2001:db8::/32'] } },
    new TcpConnectionCounts(),
    'tcp.middlewares.lan',
  );
  assert.equal(type, 'ipAllowList');
  assert.equal(gate(connection(), '10.1.2.3'), true);
  assert.equal(gate(connection(), '::ffff:10.1.2.3'), true);
  assert.equal(gate(connection(), '2001:db8::1'), true);
  assert.equal(gate(connection(), '192.0.2.1'), false);
  assert.equal(gate(connection(), ''), false);
});

test('inFlightConn counts open connections per client IP, and the counts outlive a rebuild', async () => {
  const counts = new TcpConnectionCounts();
  const build = () => compileTcpMiddleware('cap', { inFlightConn: { amount: 2 } }, counts, 'k').gate;
  const gate = build();
  const [a, b] = [connection(), connection()];
  assert.equal(gate(a, '192.0.2.1'), true);
  assert.equal(gate(b, '192.0.2.1'), true);
  assert.equal(gate(connection(), '192.0.2.1'), false);
  assert.equal(gate(connection(), '192.0.2.2'), true, 'another client has its own count');
  // A new configuration compiles the middleware again; the open connections still count.
  const rebuilt = build();
  assert.equal(rebuilt(connection(), '192.0.2.1'), false);
  await closed(a);
  assert.equal(rebuilt(connection(), '192.0.2.1'), true);
});

test('a TCP middleware has exactly one known type and valid options, named by key', () => {
  const counts = new TcpConnectionCounts();
  const cases: [object, string, RegExp][] = [
    [{}, 'tcp.middlewares.m', /exactly one type .* found none/],
    [{ inFlightConn: { amount: 0 } }, 'tcp.middlewares.m.inFlightConn.amount', /at least 1, not 0/],
    [{ ipAllowList: { sourceRange: ['10.0.0.0/40'] } }, 'tcp.middlewares.m.ipAllowList.sourceRange[0]', /CIDR range/],
    [{ rateLimit: {} }, 'tcp.middlewares.m', /unknown TCP middleware type "rateLimit"/],
  ];
  for (const [config, key, message] of cases) {
    assert.throws(
      () => compileTcpMiddleware('m', config, counts, 'tcp.middlewares.m'),
      (error: ConfigError) => error.key === key && message.test(error.message),
      JSON.stringify(config),
    );
  }
});
