import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createDashboardHandler } from '../../src/dashboard/handler.js';
import type { Handler } from '../../src/runtime/context.js';
import { createRequestContext } from '../../src/runtime/request-context.js';
import { tempDir } from '../helpers/portier.js';

async function serve(handler: Handler) {
  const server = createServer((req, res) => {
    void handler(createRequestContext(req, res, { name: 'traefik', scheme: 'http', port: 0 }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((done) => server.close(done)) };
}

/** A raw GET, so the test sees the bytes and headers exactly as sent (fetch would decompress). */
function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((done, fail) => {
    request({ port, host: '127.0.0.1', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .once('error', fail)
      .end();
  });
}

describe('dashboard handler', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  const script = 'console.log("portier dashboard");'.repeat(40);
  before(async () => {
    const dir = tempDir({ 'index.html': '<!doctype html><script src="./assets/app-ABC123.js"></script>' });
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets/app-ABC123.js'), script);
    server = await serve(createDashboardHandler(dir));
  });
  after(() => server.close());

  it('redirects / and /dashboard to /dashboard/', async () => {
    for (const path of ['/', '/dashboard']) {
      const response = await get(server.port, path);
      assert.equal(response.status, 302);
      assert.equal(response.headers.location, '/dashboard/');
    }
  });

  it('serves index.html with no-cache and revalidates it by ETag', async () => {
    const index = await get(server.port, '/dashboard/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.match(index.body.toString(), /app-ABC123\.js/);
    const again = await get(server.port, '/dashboard/', { 'if-none-match': index.headers.etag! });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
  });

  it('serves hashed assets immutable, gzipped when the client accepts it', async () => {
    const plain = await get(server.port, '/dashboard/assets/app-ABC123.js');
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(plain.body.toString(), script);
    const gzip = await get(server.port, '/dashboard/assets/app-ABC123.js', { 'accept-encoding': 'gzip, br' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.ok(gzip.body.length < script.length);
  });

  it('answers 404 for unknown files', async () => {
    assert.equal((await get(server.port, '/dashboard/assets/nope.js')).status, 404);
    assert.equal((await get(server.port, '/elsewhere')).status, 404);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const bare = await serve(createDashboardHandler(undefined));
    try {
      const response = await get(bare.port, '/dashboard/');
      assert.equal(response.status, 503);
      assert.match(response.body.toString(), /npm run build:dashboard/);
    } finally {
      await bare.close();
    }
  });
});

describe('dashboard app source', () => {
  it('type-checks (it is bundled by esbuild, which does not check types)', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', 'src/dashboard/app'], { cwd: root }).catch(
      (error: { stdout?: string }) => assert.fail(`tsc -p src/dashboard/app failed:\n${error.stdout ?? ''}`),
    );
  });
});
