import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { lazyRequest } from '../../src/functions/worker/lazy-request.js';
import { packHeaders, transferable, unpackHeaders } from '../../src/functions/worker/protocol.js';

describe('lazy Request handed to functions', () => {
  const build = (counter: { built: number }) => () => {
    counter.built++;
    return new Request('http://localhost/sum?x=1', {
      method: 'POST',
      headers: [['content-type', 'application/json']],
      body: '{"a":2}',
    });
  };

  it('is built only when the function reads it, once', async () => {
    const counter = { built: 0 };
    const request = lazyRequest(build(counter));
    assert.ok(request instanceof Request);
    assert.equal(counter.built, 0);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.get('content-type'), 'application/json');
    assert.deepEqual(await request.json(), { a: 2 });
    assert.equal(request.bodyUsed, true);
    assert.equal(counter.built, 1);
  });

  it('works wherever fetch code expects a Request', async () => {
    const request = lazyRequest(build({ built: 0 }));
    assert.equal(request.json, request.json);
    assert.equal(Object.prototype.toString.call(request), '[object Request]');
    assert.equal(JSON.stringify(request), JSON.stringify(new Request('http://localhost/')));
    assert.deepEqual(Object.keys(request), Object.keys(new Request('http://localhost/')));
    assert.equal(await request.clone().text(), '{"a":2}');
    const copy = new Request(request);
    assert.equal(copy.url, 'http://localhost/sum?x=1');
    assert.equal(await copy.text(), '{"a":2}');
    assert.equal(await new Response(lazyRequest(build({ built: 0 })).body).text(), '{"a":2}');
  });
});

describe('lazy Request sent with fetch', () => {
  it('carries its method, headers and body to a server', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const request = lazyRequest(
        () =>
          new Request(`http://127.0.0.1:${port}/hook`, {
            method: 'PUT',
            headers: { 'content-type': 'text/plain' },
            body: 'hi',
          }),
      );
      const answer = await fetch(request);
      assert.equal(await answer.text(), 'PUT /hook text/plain hi');
    } finally {
      server.close();
    }
  });
});

describe('worker message encoding', () => {
  it('packs headers into one string and back, in order, repeated names kept', () => {
    const headers: [string, string][] = [
      ['set-cookie', 'a=1'],
      ['x-empty', ''],
      ['set-cookie', 'b=2'],
    ];
    assert.deepEqual(unpackHeaders(packHeaders(headers)), headers);
    assert.deepEqual(unpackHeaders(packHeaders([])), []);
  });

  it('moves only large bodies that own their whole buffer', () => {
    const large = new Uint8Array(128 * 1024);
    assert.deepEqual(transferable(large), [large.buffer]);
    assert.deepEqual(transferable(large.subarray(1)), []);
    assert.deepEqual(transferable(new Uint8Array(100)), []);
    assert.deepEqual(transferable(null), []);
  });
});
