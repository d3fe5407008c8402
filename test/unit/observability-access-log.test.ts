import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StaticConfig } from '../../src/config/static/types.js';
import { createAccessLog } from '../../src/observability/access-log.js';
import { clfTime } from '../../src/observability/access-log-time.js';
import type { FinishedRequest } from '../../src/observability/access-log-format.js';
import { createLineWriter } from '../../src/observability/access-log-writer.js';
import { encode } from '../../src/observability/line-buffer.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createRequestObserver } from '../../src/observability/request-observer.js';
import type { RequestContext } from '../../src/runtime/context.js';
import { createRequestContext } from '../../src/runtime/request-context.js';
import { tempDir } from '../helpers/portier.js';

/**
 * Serves one request through a real node:http server whose handler fills the context the way the
 * router and the load balancer do, observed by the real request observer, and returns the log text.
 */
async function logOneRequest(
  config: NonNullable<StaticConfig['accessLog']>,
  headers: Record<string, string> = {},
  prepare: (ctx: RequestContext) => void = () => undefined,
) {
  const dir = tempDir();
  const accessLog = createAccessLog({ ...config, filePath: join(dir, 'logs/access.log') })!;
  const observe = createRequestObserver({ metrics: createMetrics(undefined), accessLog });
  const server = createServer((req, res) => {
    const ctx = createRequestContext(req, res, { name: 'web', scheme: 'http', port: 8000 });
    ctx.routerName = 'app@file';
    ctx.serviceName = 'app@file';
    ctx.upstreamUrl = 'http://10.0.0.7:3000';
    ctx.consumer = 'alice';
    prepare(ctx);
    res.once('close', () => observe(ctx, res.statusCode, 42));
    res.setHeader('x-secret-token', 'shh');
    res.writeHead(201, { 'content-type': 'text/plain' }).end('created');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done, fail) => {
    const req = request({ port, host: '127.0.0.1', path: '/items?id=1', method: 'POST', headers }, (res) => {
      res.resume().once('end', done);
    });
    req.once('error', fail).end('{}');
  });
  await new Promise((done) => server.close(done));
  await accessLog.close();
  return readFileSync(join(dir, 'logs/access.log'), 'utf8');
}

describe('access log', () => {
  it('writes Traefik JSON fields with router, service, upstream, status, duration, bytes and consumer', async () => {
    const text = await logOneRequest({ format: 'json' }, { 'user-agent': 'test-agent', 'content-length': '2' });
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.RouterName, 'app@file');
    assert.equal(entry.ServiceName, 'app@file');
    assert.equal(entry.ServiceURL, 'http://10.0.0.7:3000');
    assert.equal(entry.ServiceAddr, '10.0.0.7:3000');
    assert.equal(entry.DownstreamStatus, 201);
    assert.equal(entry.DownstreamContentSize, 42);
    assert.equal(entry.RequestMethod, 'POST');
    assert.equal(entry.RequestPath, '/items?id=1');
    assert.equal(entry.RequestProtocol, 'HTTP/1.1');
    assert.equal(entry.RequestContentSize, 2);
    assert.equal(entry.ClientHost, '127.0.0.1');
    // Lines are formatted in batches, here after the connection closed: the port was kept.
    assert.match(entry.ClientPort, /^[1-9]\d*$/);
    assert.equal(entry.ClientAddr, `127.0.0.1:${entry.ClientPort}`);
    assert.equal(entry.ClientUsername, 'alice');
    assert.equal(entry.Consumer, 'alice');
    assert.equal(entry.entryPointName, 'web');
    assert.equal(entry.RequestCount, 1);
    assert.ok(Number.isInteger(entry.Duration) && entry.Duration > 0);
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(entry.StartUTC, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(entry.time) - Date.now()) < 60_000);
    assert.ok(Date.parse(entry.StartUTC) <= Date.parse(entry.time));
    assert.equal(entry.RequestPort, '8000');
    assert.equal(entry.RequestScheme, 'http');
    // Headers are dropped unless asked for.
    assert.equal(entry['request_User-Agent'], undefined);
  });

  it('applies field filters and keeps, drops or redacts headers by name', async () => {
    const text = await logOneRequest(
      {
        format: 'json',
        fields: {
          defaultMode: 'keep',
          names: { ClientHost: 'drop', RequestPath: 'drop' },
          headers: { defaultMode: 'keep', names: { Authorization: 'redact', 'X-Secret-Token': 'drop' } },
        },
      },
      { authorization: 'Bearer abc', 'user-agent': 'test-agent' },
    );
    const entry = JSON.parse(text);
    assert.equal(entry.ClientHost, undefined);
    assert.equal(entry.RequestPath, undefined);
    assert.equal(entry.RequestMethod, 'POST');
    assert.equal(entry.request_Authorization, 'REDACTED');
    assert.equal(entry['request_User-Agent'], 'test-agent');
    assert.equal(entry['downstream_Content-Type'], 'text/plain');
    assert.equal(entry['downstream_X-Secret-Token'], undefined);
    assert.doesNotMatch(text, /Bearer abc|shh/);
  });

  it('writes Common Log Format with Traefik extra columns', async () => {
    const text = await logOneRequest(
      { format: 'common', fields: { headers: { defaultMode: 'keep' } } },
      {
        'user-agent': 'test-agent',
        referer: 'http://ref.example/',
      },
    );
    assert.match(
      text,
      /^127\.0\.0\.1 - alice \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "POST \/items\?id=1 HTTP\/1\.1" 201 42 "http:\/\/ref\.example\/" "test-agent" 1 "app@file" "http:\/\/10\.0\.0\.7:3000" \d+ms\n$/,
    );
  });

  it('formats CLF time as dd/Mon/yyyy:hh:mm:ss zone', () => {
    const text = new TextDecoder().decode(clfTime(new Date(2026, 10, 5, 7, 8, 9).getTime()));
    assert.match(text, /^05\/Nov\/2026:07:08:09 [+-]\d{4}$/);
  });

  it('buffers lines with bufferingSize and writes them all out on close', async () => {
    const text = await logOneRequest({ format: 'json', bufferingSize: 1000 });
    assert.equal(JSON.parse(text).DownstreamStatus, 201);
  });

  it('writes only the lines the filters keep, still counting every request', async () => {
    const dir = tempDir();
    const filePath = join(dir, 'access.log');
    const accessLog = createAccessLog({ format: 'json', filePath, filters: { statusCodes: ['500-599'] } })!;
    const server = createServer((req, res) => {
      const ctx = createRequestContext(req, res, { name: 'web', scheme: 'http', port: 8000 });
      const status = Number(req.url?.slice(1));
      res.once('close', () => accessLog.write(ctx, status, 0, 1000));
      res.writeHead(status).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    for (const status of [200, 503, 404, 500]) {
      await new Promise<void>((done) =>
        request({ port, host: '127.0.0.1', path: `/${status}` }, (res) => res.resume().once('end', done)).end(),
      );
    }
    await new Promise((done) => server.close(done));
    await accessLog.close();
    const entries = readFileSync(filePath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      entries.map((entry) => [entry.DownstreamStatus, entry.RequestCount]),
      [
        [503, 2],
        [500, 4],
      ],
    );
  });

  it('adds the function call to the line of a request a function answered', async () => {
    const invocation = {
      requestId: 'req-7',
      function: 'sum',
      version: 'abc123',
      cold: true,
      initMs: 4.5,
      runMs: 0.25,
      outcome: 'ok',
    };
    const entry = JSON.parse(await logOneRequest({ format: 'json' }, {}, (ctx) => (ctx.invocation = invocation)));
    assert.equal(entry.FunctionName, 'sum');
    assert.equal(entry.FunctionVersion, 'abc123');
    assert.equal(entry.FunctionRequestId, 'req-7');
    assert.equal(entry.FunctionStart, 'cold');
    assert.equal(entry.FunctionInitDuration, 4_500_000);
    assert.equal(entry.FunctionDuration, 250_000);
    assert.equal(entry.FunctionOutcome, 'ok');
    const plain = JSON.parse(await logOneRequest({ format: 'json' }));
    assert.equal(Object.keys(plain).filter((key) => key.startsWith('Function')).length, 0);
    const dropped = JSON.parse(
      await logOneRequest(
        { format: 'json', fields: { names: { FunctionVersion: 'drop' } } },
        {},
        (ctx) => (ctx.invocation = invocation),
      ),
    );
    assert.equal(dropped.FunctionVersion, undefined);
    assert.equal(dropped.FunctionName, 'sum');
  });

  it('records retries and escapes what a client sent', async () => {
    const entry = JSON.parse(
      await logOneRequest({ format: 'json' }, { host: 'we"ird\\host' }, (ctx) => (ctx.retryAttempts = 2)),
    );
    assert.equal(entry.RetryAttempts, 2);
    assert.equal(entry.RequestAddr, 'we"ird\\host');
  });

  it('drops only the line it cannot format', async () => {
    const dir = tempDir();
    const filePath = join(dir, 'access.log');
    const accessLog = createAccessLog({ format: 'json', filePath })!;
    const server = createServer((req, res) => {
      const ctx = createRequestContext(req, res, { name: 'web', scheme: 'http', port: 8000 });
      if (req.url === '/broken') {
        ctx.invocation = Object.defineProperty({}, 'function', {
          get: () => {
            throw new Error('unreadable');
          },
        }) as RequestContext['invocation'];
      }
      res.once('close', () => accessLog.write(ctx, 200, 0, 1000));
      res.writeHead(200).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    for (const path of ['/first', '/broken', '/last']) {
      await new Promise<void>((done) =>
        request({ port, host: '127.0.0.1', path }, (res) => res.resume().once('end', done)).end(),
      );
    }
    await new Promise((done) => server.close(done));
    await accessLog.close();
    const paths = readFileSync(filePath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).RequestPath);
    assert.deepEqual(paths, ['/first', '/last']);
  });

  it('writes every bufferingSize lines, and otherwise holds lines until a large batch is gathered', async () => {
    const dir = tempDir();
    const line = encode('x\n');
    const request = {} as FinishedRequest;
    const lines = (name: string) => readFileSync(join(dir, name), 'utf8').length / 2;
    const buffered = createLineWriter('buffered.log', dir, (_, out) => out.encoded(line), 300);
    const batched = createLineWriter('batched.log', dir, (_, out) => out.encoded(line));
    for (let i = 0; i < 299; i++) [buffered, batched].forEach((writer) => writer.add(request));
    assert.equal(lines('buffered.log'), 0);
    buffered.add(request);
    assert.equal(lines('buffered.log'), 300, 'written as the 300th line arrived');
    assert.equal(lines('batched.log'), 0, 'a few hundred short lines stay gathered');
    await Promise.all([buffered.close(), batched.close()]);
    assert.equal(lines('batched.log'), 299, 'and are written on close');
  });

  it('is off without an accessLog section', () => {
    assert.equal(createAccessLog(undefined), undefined);
  });
});
