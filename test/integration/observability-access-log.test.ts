/**
 * The access log of the real `portier` binary: Traefik's filters, body sizes per request (HTTP/1.1
 * and several HTTP/2 streams on one connection), and the fields of a real function call.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { challengeOf, digestAuthorization, htdigestLine } from '../helpers/digest-client.js';
import { startPortier, tempDir, type RunningPortier, waitFor, webAndApiEntryPoints } from '../helpers/portier.js';

const SUM = readFileSync(resolve(import.meta.dirname, '../../examples/functions/sum.ts'), 'utf8');

type Entry = Record<string, string | number | undefined>;

let portier: RunningPortier;
let upstream: Server;
let dir: string;
let web: string;
let api: string;

/** `openssl passwd -apr1 -salt Sa1tSa1t 'p@ss wörd'`. */
const BOB_APR1 = '$apr1$Sa1tSa1t$MOqhMKDuXOBowCPiulm9R/';

const CAROL_HTDIGEST = htdigestLine('carol', 'traefik', 's3cret');

/** `/bytes?n=N` answers N bytes, `/slow` a 404 after 400 ms, `/private` and `/digest` 200, the rest 503. */
function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/bytes') res.end('b'.repeat(Number(url.searchParams.get('n'))));
    else if (url.pathname === '/private') res.writeHead(200, { 'x-upstream-tag': 'blue' }).end('ok');
    else if (url.pathname === '/digest') res.end('ok');
    else if (url.pathname === '/slow') setTimeout(() => res.writeHead(404).end('late'), 400);
    else res.writeHead(503).end('down');
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function entries(): Entry[] {
  let text = '';
  try {
    text = readFileSync(join(dir, 'logs/access.log'), 'utf8');
  } catch {
    // not written yet
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Entry);
}

async function entryFor(path: string): Promise<Entry> {
  await waitFor(() => entries().some((entry) => entry.RequestPath === path), 5000, `an access log line for ${path}`);
  return entries().find((entry) => entry.RequestPath === path)!;
}

before(async () => {
  upstream = await startUpstream();
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  let staticLines: string[];
  ({ web, api, staticLines } = await webAndApiEntryPoints());
  dir = tempDir({
    'portier.yml': [
      ...staticLines,
      'providers:',
      '  file: { filename: dynamic.yml }',
      'functions:',
      '  store: { directory: store }',
      // Unloaded soon after deployment's preload, so that a call can start cold.
      '  idleUnload: 400ms',
      'accessLog:',
      '  format: json',
      '  filePath: logs/access.log',
      '  filters:',
      '    statusCodes: ["200-299"]',
      '    retryAttempts: true',
      '    minDuration: 300ms',
      '  fields:',
      '    headers:',
      '      names: { X-Upstream-Tag: keep, Authorization: redact }',
      '',
    ].join('\n'),
    'dynamic.yml': [
      'http:',
      '  routers:',
      '    upstream:',
      '      rule: "PathPrefix(`/bytes`) || PathPrefix(`/slow`)"',
      '      service: upstream',
      '    flaky:',
      '      rule: "PathPrefix(`/flaky`)"',
      '      middlewares: [retry-503]',
      '      service: upstream',
      '    private:',
      '      rule: "PathPrefix(`/private`)"',
      '      middlewares: [users]',
      '      service: upstream',
      '    digest:',
      '      rule: "PathPrefix(`/digest`)"',
      '      middlewares: [digest-users]',
      '      service: upstream',
      '    functions:',
      '      rule: "PathPrefix(`/fn`)"',
      '      middlewares: [strip-fn]',
      '      service: functions@internal',
      '  middlewares:',
      '    users:',
      `      basicAuth: { users: ["bob:${BOB_APR1}"] }`,
      '    digest-users:',
      `      digestAuth: { users: ["${CAROL_HTDIGEST}"] }`,
      '    retry-503:',
      '      retry: { attempts: 2, status: ["503"] }',
      '    strip-fn:',
      '      stripPrefix: { prefixes: [/fn] }',
      '  services:',
      '    upstream:',
      '      loadBalancer:',
      `        servers: [{ url: "${upstreamUrl}" }]`,
      '',
    ].join('\n'),
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
  upstream?.close();
});

describe('access log through the binary', () => {
  it('names the basicAuth user and logs the proxied response headers it is asked to', async () => {
    const authorization = `Basic ${Buffer.from('bob:p@ss wörd').toString('base64')}`;
    const res = await fetch(`${web}/private`, { headers: { authorization } });
    assert.equal(res.status, 200);
    const entry = await entryFor('/private');
    assert.equal(entry.ClientUsername, 'bob');
    assert.equal(entry['downstream_X-Upstream-Tag'], 'blue');
    assert.equal(entry.request_Authorization, 'REDACTED');
  });

  it('names the digestAuth user', async () => {
    const challenged = await fetch(`${web}/digest`);
    assert.equal(challenged.status, 401);
    const challenge = challenged.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Digest /);
    const res = await fetch(`${web}/digest`, {
      headers: { authorization: digestAuthorization(challengeOf(challenge), 'carol', 's3cret', '/digest') },
    });
    assert.equal(res.status, 200);
    assert.equal((await entryFor('/digest')).ClientUsername, 'carol');
  });

  it('writes only what the filters keep: 2xx, retried, or slower than minDuration', async () => {
    assert.equal((await fetch(`${web}/missing`)).status, 404);
    assert.equal((await fetch(`${web}/slow`)).status, 404);
    assert.equal((await fetch(`${web}/flaky`)).status, 503);
    assert.equal((await fetch(`${web}/bytes?n=1`)).status, 200);
    const slow = await entryFor('/slow');
    assert.equal(slow.DownstreamStatus, 404);
    assert.ok(Number(slow.Duration) > 300e6);
    const flaky = await entryFor('/flaky');
    assert.equal(flaky.DownstreamStatus, 503);
    assert.equal(flaky.RetryAttempts, 1);
    await entryFor('/bytes?n=1');
    assert.equal(
      entries().some((entry) => entry.RequestPath === '/missing'),
      false,
    );
  });

  it('counts the body bytes of each request, HTTP/1.1 and HTTP/2 streams sharing a connection', async () => {
    const res = await fetch(`${web}/bytes?n=123`);
    assert.equal((await res.text()).length, 123);
    const http1 = await entryFor('/bytes?n=123');
    assert.equal(http1.DownstreamContentSize, 123);
    assert.equal(http1.RequestProtocol, 'HTTP/1.1');

    const session = connect(web);
    try {
      const sizes = [10, 5000, 70_000];
      const bodies = await Promise.all(
        sizes.map(
          (n) =>
            new Promise<number>((done, fail) => {
              const stream = session.request({ ':path': `/bytes?n=${n}&h2` });
              let length = 0;
              stream.on('data', (chunk: Buffer) => (length += chunk.length));
              stream.once('end', () => done(length));
              stream.once('error', fail);
              stream.end();
            }),
        ),
      );
      assert.deepEqual(bodies, sizes);
      const ports = new Set<string>();
      for (const n of sizes) {
        const entry = await entryFor(`/bytes?n=${n}&h2`);
        assert.equal(entry.RequestProtocol, 'HTTP/2.0');
        assert.equal(entry.DownstreamContentSize, n, `bytes of the ${n}-byte stream`);
        // Lines are written after the streams ended, when they no longer know their connection.
        const port = String(entry.ClientPort);
        assert.match(port, /^[1-9]\d*$/);
        assert.equal(entry.ClientAddr, `127.0.0.1:${port}`);
        ports.add(port);
      }
      assert.equal(ports.size, 1, 'the streams of one session share its client port');
    } finally {
      session.close();
    }
  });

  it('records the function call of a request a function answered: name, version, cold then warm', async () => {
    const deployed = await fetch(`${api}/api/functions/sum`, { method: 'PUT', body: SUM });
    assert.equal(deployed.status, 201);
    const { version } = (await deployed.json()) as { version: string };
    await new Promise((done) => setTimeout(done, 1500));
    assert.equal(await (await fetch(`${web}/fn/sum/1/3`)).text(), '{"result":4}');
    assert.equal(await (await fetch(`${web}/fn/sum/2/3`)).text(), '{"result":5}');
    const cold = await entryFor('/fn/sum/1/3');
    const warm = await entryFor('/fn/sum/2/3');
    assert.equal(cold.FunctionName, 'sum');
    assert.equal(cold.FunctionVersion, version);
    assert.equal(cold.FunctionStart, 'cold');
    assert.equal(cold.FunctionOutcome, 'ok');
    assert.match(String(cold.FunctionRequestId), /^[0-9a-f-]{36}$/);
    assert.ok(Number(cold.FunctionInitDuration) > 0);
    assert.ok(Number(cold.FunctionDuration) > 0);
    assert.equal(warm.FunctionStart, 'warm');
    assert.equal(warm.ServiceName, 'functions@internal');
    const proxied = await entryFor('/bytes?n=123');
    assert.equal(proxied.FunctionName, undefined);
  });
});
