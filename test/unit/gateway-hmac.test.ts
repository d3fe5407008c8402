import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { hmacAuth } from '../../src/gateway/hmac-auth.js';
import { configureGateway, gatewayClock } from '../../src/gateway/settings.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness, type LogLine } from '../helpers/gateway-harness.js';
import { contentDigest, signRequest } from '../helpers/gateway-sign.js';

const B15_KEY = 'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==';
const APP_SECRET = Buffer.from('a-32-byte-secret-for-device-0001');
const NEXT_SECRET = Buffer.from('the-next-secret-after-rotation!!');
const consumers = {
  'rfc@file': { hmacKeys: [{ id: 'test-shared-secret', secretBase64: B15_KEY }] },
  'alice@file': { hmacKeys: [{ id: 'alice123', secret: 'secret' }] },
  'device@file': {
    hmacKeys: [
      { id: 'device-1', secret: APP_SECRET.toString() },
      { id: 'device-2', secretBase64: NEXT_SECRET.toString('base64') },
    ],
  },
};
const realNow = gatewayClock.now;
const servers: Harness[] = [];

async function harness(options: Record<string, unknown>): Promise<Harness> {
  const logs: LogLine[] = [];
  const server = await startHarness(buildMiddleware(hmacAuth, options, gatewayDeps(consumers, logs)), logs);
  servers.push(server);
  return server;
}

function reasons(server: Harness): string[] {
  return server.logs.map((line) => String(line.obj.reason));
}

before(() => configureGateway({}));
afterEach(() => {
  gatewayClock.now = realNow;
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('hmacAuth: RFC 9421 Appendix B.2.5', () => {
  const request = {
    method: 'POST',
    path: '/foo?param=Value&Pet=dog',
    headers: {
      host: 'example.com',
      date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'content-type': 'application/json',
      'signature-input': 'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
      signature: 'sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:',
    },
  };
  const options = { requiredComponents: ['date', '@authority', 'content-type'], maxAge: 0 };

  it('accepts the vector with the B.1.5 key and maxAge 0, and names the consumer upstream', async () => {
    gatewayClock.now = () => 1618884473_000 + 5_000;
    const server = await harness(options);
    const reply = await server.send({ ...request, headers: { ...request.headers, 'x-portier-consumer': 'admin' } });
    assert.equal(reply.status, 200, reasons(server).join());
    assert.equal(reply.upstream?.headers['x-portier-consumer'], 'rfc');
    assert.equal(reply.upstream?.consumer, 'rfc@file');
  });

  it('rejects a flipped signature byte with a generic 401 and logs the precise reason', async () => {
    gatewayClock.now = () => 1618884473_000;
    const server = await harness(options);
    const signature = 'sig-b25=:qxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:';
    const reply = await server.send({ ...request, headers: { ...request.headers, signature } });
    assert.equal(reply.status, 401);
    assert.equal(reply.text.trim(), 'Unauthorized');
    assert.deepEqual(reasons(server), ['bad signature']);
    assert.equal(server.logs[0]?.obj.keyid, 'test-shared-secret');
    assert.ok(!JSON.stringify(server.logs).includes(B15_KEY));
  });

  it('with the body, requires content-digest to be covered', async () => {
    gatewayClock.now = () => 1618884473_000;
    const server = await harness(options);
    const reply = await server.send({ ...request, body: '{"hello": "world"}' });
    assert.equal(reply.status, 401);
    assert.deepEqual(reasons(server), ['component content-digest is not covered']);
  });

  it('with maxAge 300 the old vector is expired', async () => {
    gatewayClock.now = () => 1618884473_000 + 301_000;
    const server = await harness({ ...options, maxAge: 300, clockSkew: 0 });
    const reply = await server.send(request);
    assert.equal(reply.status, 401);
    assert.match(reasons(server)[0]!, /older than maxAge/);
  });
});

describe("hmacAuth: Kong's documented hmac example", () => {
  const headers = {
    date: 'Thu, 22 Jun 2017 17:15:21 GMT',
    authorization:
      'hmac username="alice123", algorithm="hmac-sha256", headers="date request-line", signature="ujWCGHeec9Xd6UD2zlyxiNMCiXnDOWeVFMu5VeRUxtw="',
  };
  const options = { requiredComponents: ['@method', '@path', '@query'] };
  const signedAt = Date.parse(headers.date);

  it('accepts the example within the clock window', async () => {
    gatewayClock.now = () => signedAt + 10_000;
    const server = await harness(options);
    const reply = await server.send({ path: '/requests', headers });
    assert.equal(reply.status, 200, reasons(server).join());
    assert.equal(reply.upstream?.headers['x-portier-consumer'], 'alice');
  });

  it('rejects it on another path, and when the Date is too old', async () => {
    gatewayClock.now = () => signedAt + 10_000;
    const server = await harness(options);
    assert.equal((await server.send({ path: '/other', headers })).status, 401);
    gatewayClock.now = () => signedAt + 3_600_000;
    assert.equal((await server.send({ path: '/requests', headers })).status, 401);
    assert.deepEqual(reasons(server)[0], 'bad signature');
    assert.match(reasons(server)[1]!, /older than maxAge/);
  });

  it('requires host to be signed when @authority is required', async () => {
    gatewayClock.now = () => signedAt;
    const server = await harness({});
    assert.equal((await server.send({ path: '/requests', headers })).status, 401);
    assert.match(reasons(server)[0]!, /@authority is not covered/);
  });
});

describe('hmacAuth: default policy with body and nonce', () => {
  const body = '{"amount": 10}';
  const now = 1_700_000_000;
  function signed(overrides: { keyId?: string; secret?: Buffer; created?: number; nonce?: string } = {}) {
    const headers = { 'content-digest': contentDigest(body), 'content-type': 'application/json' };
    const signature = signRequest({
      method: 'POST',
      authority: `example.com`,
      path: '/pay',
      query: 'to=bob',
      headers,
      components: ['@method', '@authority', '@path', '@query', 'content-digest'],
      keyId: overrides.keyId ?? 'device-1',
      secret: overrides.secret ?? APP_SECRET,
      created: overrides.created ?? now,
      nonce: overrides.nonce,
    });
    return { method: 'POST', path: '/pay?to=bob', body, headers: { host: 'example.com', ...headers, ...signature } };
  }

  it('forwards the verified body bytes and accepts both rotation keys', async () => {
    gatewayClock.now = () => now * 1000;
    const server = await harness({});
    const first = await server.send(signed());
    assert.equal(first.status, 200, reasons(server).join());
    assert.equal(first.upstream?.body, body);
    const second = await server.send(signed({ keyId: 'device-2', secret: NEXT_SECRET }));
    assert.equal(second.status, 200, reasons(server).join());
    assert.equal(second.upstream?.headers['x-portier-consumer'], 'device');
  });

  it('rejects tampering with each covered component', async () => {
    gatewayClock.now = () => now * 1000;
    const server = await harness({});
    const good = signed();
    const cases: [string, typeof good, number][] = [
      ['@method', { ...good, method: 'PUT' }, 401],
      ['@authority', { ...good, headers: { ...good.headers, host: 'evil.example' } }, 401],
      ['@path', { ...good, path: '/refund?to=bob' }, 401],
      ['@query', { ...good, path: '/pay?to=mallory' }, 401],
      ['body', { ...good, body: '{"amount": 99}' }, 400],
      [
        'content-digest',
        {
          ...good,
          body: '{"amount": 99}',
          headers: { ...good.headers, 'content-digest': contentDigest('{"amount": 99}') },
        },
        401,
      ],
    ];
    for (const [component, request, status] of cases) {
      const reply = await server.send(request);
      assert.equal(reply.status, status, `tampered ${component}`);
      assert.equal(reply.upstream, undefined);
    }
    assert.deepEqual(reasons(server), [
      'bad signature',
      'bad signature',
      'bad signature',
      'bad signature',
      'Content-Digest sha-256 does not match the body',
      'bad signature',
    ]);
  });

  it('rejects expired and future created values, and unknown keyids', async () => {
    gatewayClock.now = () => now * 1000;
    const server = await harness({ maxAge: '5m', clockSkew: 10 });
    assert.equal((await server.send(signed({ created: now - 311 }))).status, 401);
    assert.equal((await server.send(signed({ created: now + 11 }))).status, 401);
    assert.equal((await server.send(signed({ created: now - 305 }))).status, 200);
    assert.equal((await server.send(signed({ keyId: 'nobody' }))).status, 401);
    assert.deepEqual(reasons(server), [
      `created ${now - 311} is older than maxAge 300s`,
      `created ${now + 11} is in the future`,
      'unknown keyid "nobody"',
    ]);
  });

  it('requires a nonce and refuses to accept it twice', async () => {
    gatewayClock.now = () => now * 1000;
    const server = await harness({ requireNonce: true });
    assert.equal((await server.send(signed())).status, 401);
    const once = signed({ nonce: 'n-1' });
    assert.equal((await server.send(once)).status, 200);
    assert.equal((await server.send(once)).status, 401);
    assert.deepEqual(reasons(server), ['nonce parameter missing', 'replayed nonce']);
  });

  // Regression guard: the nonce store is per process, so a middleware rebuilt as on a reload keeps it.
  it('keeps refusing a seen nonce when the middleware is rebuilt', async () => {
    gatewayClock.now = () => now * 1000;
    const once = signed({ nonce: 'n-reload' });
    assert.equal((await (await harness({ requireNonce: true })).send(once)).status, 200);
    const rebuilt = await harness({ requireNonce: true });
    assert.equal((await rebuilt.send(once)).status, 401);
    assert.deepEqual(reasons(rebuilt), ['replayed nonce']);
  });

  it('answers 413 for a body over maxBodySize', async () => {
    gatewayClock.now = () => now * 1000;
    const server = await harness({ maxBodySize: 8 });
    const reply = await server.send(signed());
    assert.equal(reply.status, 413);
  });
});

describe('hmacAuth: malformed input', () => {
  it('answers 400 for malformed Signature-Input and garbage base64, 401 without any signature', async () => {
    const server = await harness({});
    const base = { host: 'example.com' };
    const malformed: Record<string, string>[] = [
      { 'signature-input': 'sig1=("@method" "@path";created=1', signature: 'sig1=:AAAA:' },
      { 'signature-input': 'sig1=("@method");created=1;keyid="device-1"', signature: 'sig1=:not base64!!:' },
      { 'signature-input': 'Sig1=("@method")', signature: 'Sig1=:AAAA:' },
      { 'signature-input': 'sig1=("@method");created=1;keyid="device-1"', signature: 'sig1="text"' },
      { authorization: 'Signature keyId=device-1,,,signature' },
    ];
    for (const headers of malformed) {
      const reply = await server.send({ headers: { ...base, ...headers } });
      assert.equal(reply.status, 400, JSON.stringify(headers));
    }
    assert.equal((await server.send({ headers: base })).status, 401);
  });
});
