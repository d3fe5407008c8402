import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  endToEndRequestHeaders,
  endToEndResponseHeaders,
  stripResponseHopByHop,
} from '../../src/runtime/transport/hop-by-hop.js';

test('request headers lose hop-by-hop ones, those named by Connection, Expect and pseudo-headers', () => {
  const out = endToEndRequestHeaders({
    ':path': '/x',
    connection: 'Keep-Alive, X-Private , upgrade',
    'x-private': '1',
    'keep-alive': 'timeout=5',
    te: 'trailers',
    trailer: 'x-sum',
    'transfer-encoding': 'chunked',
    upgrade: 'websocket',
    'proxy-authorization': 'Basic x',
    'proxy-connection': 'keep-alive',
    expect: '100-continue',
    'x-kept': 'yes',
    'set-cookie': ['a', 'b'],
  });
  assert.deepEqual(out, { 'x-kept': 'yes', 'set-cookie': ['a', 'b'] });
});

test('response headers: copied without hop-by-hop ones, or stripped in place', () => {
  const upstream = { connection: 'close', 'keep-alive': 'timeout=5', 'content-length': 5, 'x-a': 'b' };
  assert.deepEqual(endToEndResponseHeaders(upstream), { 'content-length': '5', 'x-a': 'b' });
  stripResponseHopByHop(upstream);
  assert.deepEqual(upstream, { 'content-length': 5, 'x-a': 'b' });
});
