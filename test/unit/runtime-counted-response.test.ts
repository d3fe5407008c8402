import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { CountedResponse, sentHeaders } from '../../src/runtime/counted-response.js';

/** Answers one request through a real server whose responses are CountedResponses. */
async function answer(respond: (res: CountedResponse) => void) {
  let seen: CountedResponse | undefined;
  const server = createServer({ ServerResponse: CountedResponse }, (_req, res) => {
    seen = res;
    respond(seen);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const response = await new Promise<IncomingMessage>((done, fail) =>
    request({ port, host: '127.0.0.1' }, (res) => done(res.resume()))
      .once('error', fail)
      .end(),
  );
  await new Promise((done) => server.close(done));
  return { response, res: seen! };
}

test('writeHead keeps the headers it was given, with or without a status message, and counts the body', async () => {
  const withReason = await answer((res) => res.writeHead(202, 'Taken', { 'X-Given': 'a' }).end('four'));
  assert.equal(withReason.response.statusCode, 202);
  assert.equal(withReason.response.statusMessage, 'Taken');
  assert.equal(withReason.response.headers['x-given'], 'a');
  assert.equal(sentHeaders(withReason.res)['x-given'], 'a');
  assert.equal(withReason.res.bodyBytes, 4);

  const headersOnly = await answer((res) => {
    res.setHeader('x-set', 'b');
    res.writeHead(201, { 'X-Given': 'c' }).end();
  });
  assert.equal(headersOnly.response.statusCode, 201);
  assert.deepEqual(
    { given: sentHeaders(headersOnly.res)['x-given'], set: sentHeaders(headersOnly.res)['x-set'] },
    { given: 'c', set: 'b' },
  );

  const bare = await answer((res) => res.writeHead(204).end());
  assert.equal(bare.response.statusCode, 204);
  assert.equal(bare.res.headersGiven, undefined);
});
