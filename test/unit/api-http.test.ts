import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleView } from '../helpers/api-fixture.js';
import { startApiServer, type ApiTestServer } from '../helpers/api-server.js';

let server: ApiTestServer;

before(async () => {
  server = await startApiServer(sampleView(), {
    staticConfig: {
      entryPoints: { web: { address: ':80' }, traefik: { address: ':8080' } },
      providers: {},
      accessLog: {},
    },
  });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
async function get(path: string): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(server.url + path);
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
}

/**
 * Compares every field of Traefik's documented answer, then checks that the only other fields are
 * the ones Portier adds on purpose.
 */
function assertTraefikShape(actual: Record<string, unknown>, traefik: Record<string, unknown>, extras: string[]) {
  for (const [key, value] of Object.entries(traefik)) assert.deepEqual(actual[key], value, `field ${key}`);
  const unexpected = Object.keys(actual).filter((key) => !(key in traefik) && !extras.includes(key));
  assert.deepEqual(unexpected, [], 'fields Traefik does not have');
}

describe('Traefik-compatible shapes', () => {
  it('/api/http/routers/{name} matches testdata/router-bar.json', async () => {
    const { status, body, headers } = await get('/api/http/routers/bar@myprovider');
    assert.equal(status, 200);
    assert.equal(headers.get('content-type'), 'application/json');
    assertTraefikShape(
      body,
      {
        entryPoints: ['web'],
        middlewares: ['auth', 'addPrefixTest@anotherprovider'],
        name: 'bar@myprovider',
        provider: 'myprovider',
        priorityStr: '0',
        rule: 'Host(`foo.bar`)',
        service: 'foo-service@myprovider',
        status: 'enabled',
        using: ['web'],
      },
      ['priority'],
    );
  });

  it('/api/http/services/{name} matches testdata/service-bar.json', async () => {
    const { body } = await get('/api/http/services/foo-service@myprovider');
    assertTraefikShape(
      body,
      {
        loadBalancer: { passHostHeader: false, servers: [{ url: 'http://127.0.0.1' }] },
        name: 'foo-service@myprovider',
        provider: 'myprovider',
        serverStatus: { 'http://127.0.0.1': 'UP' },
        status: 'enabled',
        type: 'loadbalancer',
        usedBy: ['bar@myprovider', 'test@myprovider'],
      },
      [],
    );
  });

  it('/api/http/middlewares/{name} matches testdata/middleware-auth.json (type in lower case)', async () => {
    const { body } = await get('/api/http/middlewares/auth@myprovider');
    assertTraefikShape(
      body,
      {
        basicAuth: { users: ['admin:admin'] },
        name: 'auth@myprovider',
        provider: 'myprovider',
        status: 'enabled',
        type: 'basicauth',
        usedBy: ['bar@myprovider', 'test@myprovider'],
      },
      [],
    );
  });

  it('broken objects carry status and error[]; TLS options default to "default"', async () => {
    const { body } = await get('/api/http/routers/broken@file');
    assert.equal(body.status, 'disabled');
    assert.deepEqual(body.error, ['the service "missing@file" does not exist']);
    assert.deepEqual(body.tls, { options: 'default' });
    const partial = (await get('/api/http/routers/partial@file')).body;
    assert.equal(partial.status, 'warning');
    assert.deepEqual(partial.using, ['web']);
  });

  it('/api/overview counts totals, warnings (status warning) and errors (disabled)', async () => {
    const { body } = await get('/api/overview');
    assert.deepEqual(body.http, {
      routers: { total: 4, warnings: 1, errors: 1 },
      services: { total: 3, warnings: 0, errors: 0 },
      middlewares: { total: 3, warnings: 0, errors: 1 },
    });
    assert.deepEqual(body.tcp.routers, { total: 0, warnings: 0, errors: 0 });
    assert.deepEqual(Object.keys(body.udp).sort(), ['routers', 'services']);
    assert.deepEqual(body.features, { tracing: '', metrics: 'Prometheus', accessLog: true, hub: false });
    assert.deepEqual(body.providers, ['Docker', 'File']);
  });

  it('/api/rawdata keys objects by name, like testdata/getrawdata.json', async () => {
    const { body } = await get('/api/rawdata');
    assert.deepEqual(Object.keys(body).sort(), ['middlewares', 'routers', 'services']);
    assert.deepEqual(body.middlewares['addPrefixTest@anotherprovider'], {
      addPrefix: { prefix: '/toto' },
      status: 'enabled',
      usedBy: ['bar@myprovider'],
    });
    assert.equal(body.routers['bar@myprovider'].name, undefined);
    assert.equal(body.routers['bar@myprovider'].rule, 'Host(`foo.bar`)');
    assert.deepEqual(body.services['pool@file'].serverStatus, {
      'http://10.0.0.1:8080': 'UP',
      'http://10.0.0.2:8080': 'DOWN',
    });
  });

  it('/api/version has Traefik capitalised keys and a uuid stable for the process', async () => {
    const { body } = await get('/api/version');
    const { uuid, ...rest } = body;
    assert.deepEqual(rest, { Version: '0.1.0-test', Codename: 'portier', startDate: '2026-11-25T21:00:00.000Z' });
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((await get('/api/version')).body.uuid, uuid);
  });

  it('/api/entrypoints lists static entry points by name; one by name; 404 otherwise', async () => {
    // Traefik's defaults under what is written, durations in nanoseconds as Go prints them.
    const defaults = {
      transport: { lifeCycle: { graceTimeOut: 10e9 }, respondingTimeouts: { readTimeout: 60e9, idleTimeout: 180e9 } },
      forwardedHeaders: {},
      http: {},
      udp: { timeout: 3e9 },
    };
    const list = await get('/api/entrypoints');
    assert.deepEqual(list.body, [
      { ...defaults, address: ':8080', name: 'traefik' },
      { ...defaults, address: ':80', name: 'web' },
    ]);
    assert.equal(list.headers.get('x-next-page'), '1');
    assert.deepEqual((await get('/api/entrypoints/web')).body, { ...defaults, address: ':80', name: 'web' });
    const missing = await get('/api/entrypoints/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: 'entry point not found: nope' });
  });

  it('unknown objects and paths answer 404 JSON; writes 405', async () => {
    const router = await get('/api/http/routers/nope@file');
    assert.equal(router.status, 404);
    assert.deepEqual(router.body, { message: 'router not found: nope@file' });
    const path = await get('/api/nothing/here');
    assert.equal(path.status, 404);
    assert.equal(typeof path.body.message, 'string');
    const post = await fetch(server.url + '/api/overview', { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('percent-encoded names are decoded', async () => {
    const { status, body } = await get('/api/http/services/' + encodeURIComponent('foo-service@myprovider'));
    assert.equal(status, 200);
    assert.equal(body.name, 'foo-service@myprovider');
  });

  it('tcp and udp lists answer empty', async () => {
    const { status, body, headers } = await get('/api/tcp/routers');
    assert.equal(status, 200);
    assert.deepEqual(body, []);
    assert.equal(headers.get('x-next-page'), '1');
  });
});

describe('lists: search, filters, sorting, pagination', () => {
  const names = (body: { name: string }[]) => body.map((o) => o.name);

  it('routers are sorted by name by default', async () => {
    const { body } = await get('/api/http/routers');
    assert.deepEqual(names(body), ['bar@myprovider', 'broken@file', 'partial@file', 'test@myprovider']);
  });

  it('search looks in the name and rule, case-insensitively', async () => {
    assert.deepEqual(names((await get('/api/http/routers?search=FOO.BAR.other')).body), ['test@myprovider']);
    assert.deepEqual(names((await get('/api/http/routers?search=broken')).body), ['broken@file']);
    assert.deepEqual(names((await get('/api/http/services?search=pool')).body), ['pool@file']);
  });

  it('status, serviceName and middlewareName filter', async () => {
    assert.deepEqual(names((await get('/api/http/routers?status=disabled')).body), ['broken@file']);
    assert.deepEqual(names((await get('/api/http/middlewares?status=enabled')).body), [
      'addPrefixTest@anotherprovider',
      'auth@myprovider',
    ]);
    assert.deepEqual(names((await get('/api/http/routers?serviceName=foo-service@myprovider')).body), [
      'bar@myprovider',
      'partial@file',
      'test@myprovider',
    ]);
    // As in Traefik, a service written qualified is only found by its qualified name.
    assert.deepEqual(names((await get('/api/http/routers?serviceName=foo-service')).body), []);
    assert.deepEqual(names((await get('/api/http/routers?middlewareName=addPrefixTest')).body), ['test@myprovider']);
  });

  it('sortBy and direction order the list, ties by name', async () => {
    const { body } = await get('/api/http/routers?sortBy=priority&direction=desc');
    assert.deepEqual(names(body), ['broken@file', 'test@myprovider', 'partial@file', 'bar@myprovider']);
  });

  it('page and per_page cut the list and X-Next-Page points at the next page (1 on the last)', async () => {
    const first = await get('/api/http/routers?per_page=3');
    assert.deepEqual(names(first.body), ['bar@myprovider', 'broken@file', 'partial@file']);
    assert.equal(first.headers.get('x-next-page'), '2');
    const second = await get('/api/http/routers?per_page=3&page=2');
    assert.deepEqual(names(second.body), ['test@myprovider']);
    assert.equal(second.headers.get('x-next-page'), '1');
    const beyond = await get('/api/http/routers?per_page=3&page=3');
    assert.equal(beyond.status, 400);
    assert.deepEqual(beyond.body, { message: 'invalid request: page: 3, per_page: 3' });
    assert.equal((await get('/api/http/routers?per_page=0')).status, 400);
  });
});

describe('Portier additions', () => {
  it('/api/providers lists each provider with state and issues naming the key and container', async () => {
    const { body } = await get('/api/providers');
    assert.deepEqual(
      body.map((p: { name: string }) => p.name),
      ['docker', 'file', 'internal'],
    );
    assert.equal(body[0].state, 'error');
    assert.equal(body[0].issues[0].key, 'traefik.http.middlewares.typo.stripprefix.prefixs');
    assert.equal(body[0].issues[0].location, 'container web-1');
  });

  it('/ping answers OK, and 503 while terminating', async () => {
    const ok = await get('/ping');
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'OK');
    server.setTerminating(true);
    try {
      const down = await get('/ping');
      assert.equal(down.status, 503);
    } finally {
      server.setTerminating(false);
    }
  });

  it('/api/stats returns a minute of per-second counts', async () => {
    const { body } = await get('/api/stats');
    assert.equal(body.windowSeconds, 60);
    assert.equal(body.total.requests.length, 60);
    assert.equal(typeof body.services, 'object');
  });
});

describe('/api/certificates', () => {
  it('lists the certificates served, with their domains and expiry', async () => {
    const certificate = {
      source: 'certs/a.pem',
      domains: ['a.example.com', '*.a.example.com'],
      notAfter: '2027-01-01T00:00:00.000Z',
      isDefault: false,
    };
    const withCerts = await startApiServer({ ...sampleView(), certificates: [certificate] });
    try {
      const response = await fetch(withCerts.url + '/api/certificates');
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), [certificate]);
    } finally {
      await withCerts.close();
    }
  });
});
