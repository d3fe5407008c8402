/**
 * `api@internal` on its own, as a user's router reaches it: the API, plus the dashboard unless
 * `api.dashboard: false` (Traefik mounts both on this one service).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createApiHandler } from '../../src/api/index.js';
import type { StaticConfig } from '../../src/config/static/types.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createRequestContext } from '../../src/runtime/request-context.js';
import { sampleView } from '../helpers/api-fixture.js';
import { get } from '../helpers/http.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((close) => close()));

/** Serves only `api@internal` for a static configuration with the given `api` section. */
async function serveApiService(api: StaticConfig['api']): Promise<string> {
  const handlers = createApiHandler({
    view: () => sampleView(),
    events: new EventEmitter(),
    version: '0.1.0-test',
    startDate: new Date(),
    isTerminating: () => false,
    metrics: createMetrics(undefined),
    staticConfig: { entryPoints: {}, providers: {}, api },
  });
  const server = createServer((req, res) => {
    void handlers.api(createRequestContext(req, res, { name: 'web', scheme: 'http', port: 0 }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => {
    handlers.close();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('api@internal', () => {
  it('serves the API, the dashboard and the / redirect by default', async () => {
    const base = await serveApiService({});
    assert.equal((await get(`${base}/api/version`)).status, 200);
    const root = await get(`${base}/`);
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, '/dashboard/');
    const page = await get(`${base}/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
  });

  it('serves only the API with api.dashboard: false, and says why elsewhere', async () => {
    const base = await serveApiService({ dashboard: false });
    assert.equal((await get(`${base}/api/overview`)).status, 200);
    for (const path of ['/', '/dashboard/']) {
      const answer = await get(base + path);
      assert.equal(answer.status, 404, path);
      assert.match(JSON.parse(answer.body).message, /api\.dashboard: false/);
    }
  });
});
