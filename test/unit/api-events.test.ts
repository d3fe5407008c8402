import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleView } from '../helpers/api-fixture.js';
import { startApiServer, type ApiTestServer } from '../helpers/api-server.js';
import { openEventStream } from '../helpers/api-sse.js';

describe('/api/events', () => {
  let server: ApiTestServer;
  before(async () => {
    server = await startApiServer(sampleView());
  });
  after(() => server.close());

  it('greets with the current generation, then delivers a reload within 100 ms', async () => {
    const stream = await openEventStream(server.url + '/api/events');
    try {
      const hello = await stream.next();
      assert.equal(hello.event, 'hello');
      assert.deepEqual(JSON.parse(hello.data), { generation: 3 });
      for (let generation = 4; generation < 9; generation++) {
        const sent = performance.now();
        server.reload({ ...sampleView(), generation });
        const event = await stream.next();
        assert.equal(event.event, 'config');
        assert.deepEqual(JSON.parse(event.data), { type: 'config', generation });
        assert.ok(event.at - sent < 100, `delivered after ${event.at - sent} ms`);
      }
    } finally {
      stream.close();
    }
  });

  it('delivers server UP/DOWN changes to every open stream', async () => {
    const a = await openEventStream(server.url + '/api/events');
    const b = await openEventStream(server.url + '/api/events');
    try {
      await a.next();
      await b.next();
      const change = {
        type: 'server' as const,
        service: 'pool@file',
        url: 'http://10.0.0.2:8080',
        state: 'UP' as const,
      };
      server.events.emit('event', change);
      for (const stream of [a, b]) {
        const event = await stream.next();
        assert.equal(event.event, 'server');
        assert.deepEqual(JSON.parse(event.data), change);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('ends open streams once the proxy is terminating, so shutdown is not held up', async () => {
    server.setTerminating(true);
    const started = Date.now();
    try {
      // fetch's text() resolves only when the server ends the stream.
      const body = await (await fetch(server.url + '/api/events')).text();
      assert.match(body, /event: hello/);
      assert.ok(Date.now() - started < 2500, 'the stream should end within the next tick');
    } finally {
      server.setTerminating(false);
    }
  });
});
