/**
 * The API's objects for a real file configuration, read through the `portier` binary, against the
 * shapes of Traefik's documented answers (pkg/api/testdata router-bar, service-bar,
 * middleware-auth; shared/reference/traefik.md §5). The unit tests check the same shapes on a
 * hand-built view; this one catches what the runtime adds or forgets on the way.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { get } from '../helpers/http.js';
import { freePort, startPortier, tempDir, type RunningPortier, webAndApiEntryPoints } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let upstream: Upstream;
let web: string;
let api: string;
let admin: string;
let adminAddress: string;
/** Written settings the entry point list shows over Traefik's defaults. */
const ADMIN_TIMEOUTS = 'transport: { respondingTimeouts: { readTimeout: 5s, writeTimeout: 0 } }';

before(async () => {
  upstream = await startEchoUpstream('foo');
  let staticLines: string[];
  ({ web, api, staticLines } = await webAndApiEntryPoints());
  const adminPort = await freePort();
  adminAddress = `127.0.0.1:${adminPort}`;
  admin = `http://${adminAddress}`;
  const dir = tempDir({
    'portier.yml': [
      ...staticLines.map((line) =>
        // A third entry point marked asDefault: routers without entryPoints attach to it alone.
        line === 'entryPoints:'
          ? `${line}\n  admin: { address: "127.0.0.1:${adminPort}", asDefault: true, ${ADMIN_TIMEOUTS} }`
          : line,
      ),
      'providers:',
      '  file: { filename: dynamic.yml }',
      '',
    ].join('\n'),
    'dynamic.yml': [
      'http:',
      '  routers:',
      '    bar:',
      '      rule: "Host(`foo.bar`)"',
      '      service: foo-service@file',
      '      middlewares: [auth, addPrefixTest@file]',
      '    partial:',
      '      rule: "Host(`partial.test`)"',
      '      entryPoints: [web, nowhere]',
      '      service: pinned',
      '  services:',
      '    foo-service:',
      `      loadBalancer: { servers: [{ url: "${upstream.url}" }] }`,
      '    pinned:',
      `      loadBalancer: { passHostHeader: false, servers: [{ url: "${upstream.url}" }] }`,
      '  middlewares:',
      '    auth:',
      `      basicAuth: { users: ["admin:${bcrypt.hashSync('s3cret', 4)}"] }`,
      '    named-auth:',
      `      basicAuth: { users: ["ops:${bcrypt.hashSync('s3cret', 4)}"], headerField: X-User }`,
      '    digest:',
      // htdigest's user:realm:md5(user:realm:password)
      `      digestAuth: { users: ["ops:traefik:${createHash('md5').update('ops:traefik:s3cret').digest('hex')}"] }`,
      '    addPrefixTest:',
      '      addPrefix: { prefix: /toto }',
      '',
    ].join('\n'),
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
  await upstream?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, compared field by field
async function apiGet(path: string): Promise<any> {
  const answer = await get(api + path);
  assert.equal(answer.status, 200, `${path}: ${answer.body}`);
  return JSON.parse(answer.body);
}

/** Every field of Traefik's documented answer is equal, and the only other fields are `extras`. */
function assertTraefikShape(actual: Record<string, unknown>, traefik: Record<string, unknown>, extras: string[] = []) {
  for (const [key, value] of Object.entries(traefik)) assert.deepEqual(actual[key], value, `field ${key}`);
  const unexpected = Object.keys(actual).filter((key) => !(key in traefik) && !extras.includes(key));
  assert.deepEqual(unexpected, [], 'fields Traefik does not have');
}

describe('API objects of a real file configuration, against Traefik', () => {
  it('a router without entryPoints shows the default ones it really serves on (router-bar.json)', async () => {
    const router = await apiGet('/api/http/routers/bar@file');
    assertTraefikShape(
      router,
      {
        entryPoints: ['admin'],
        name: 'bar@file',
        provider: 'file',
        priorityStr: String(router.priority),
        rule: 'Host(`foo.bar`)',
        status: 'enabled',
        using: ['admin'],
      },
      // Checked by the next test.
      ['priority', 'middlewares', 'service'],
    );
    const credentials = 'Basic ' + Buffer.from('admin:s3cret').toString('base64');
    const headers = { host: 'foo.bar', authorization: credentials };
    assert.equal((await get(admin + '/', { headers })).status, 200, 'served on the entry point shown');
    assert.equal((await get(web + '/', { headers })).status, 404, 'not on the others');
  });

  it('a router shows its service and middlewares as written, a bare name and a qualified one alike (router-bar.json)', async () => {
    const router = await apiGet('/api/http/routers/bar@file');
    assert.deepEqual(router.middlewares, ['auth', 'addPrefixTest@file']);
    assert.equal(router.service, 'foo-service@file');
    const raw = await apiGet('/api/rawdata');
    assert.deepEqual(raw.routers['bar@file'].middlewares, ['auth', 'addPrefixTest@file']);
    const byMiddleware = await apiGet('/api/http/routers?middlewareName=auth');
    assert.deepEqual(
      byMiddleware.map((r: { name: string }) => r.name),
      ['bar@file'],
      'the middlewareName filter compares names as written, as Traefik',
    );
  });

  it('a router naming a missing entry point keeps what was written, warns, and uses the rest', async () => {
    const router = await apiGet('/api/http/routers/partial@file');
    assert.deepEqual(router.entryPoints, ['web', 'nowhere']);
    assert.deepEqual(router.using, ['web']);
    assert.equal(router.status, 'warning');
    assert.deepEqual(router.error, [`entryPoint "nowhere" doesn't exist`]);
  });

  it('a load balancer shows passHostHeader, true by default (service-bar.json)', async () => {
    assertTraefikShape(await apiGet('/api/http/services/foo-service@file'), {
      loadBalancer: { passHostHeader: true, servers: [{ url: upstream.url }] },
      name: 'foo-service@file',
      provider: 'file',
      serverStatus: { [upstream.url]: 'UP' },
      status: 'enabled',
      type: 'loadbalancer',
      usedBy: ['bar@file'],
    });
    const pinned = await apiGet('/api/http/services/pinned@file');
    assert.equal(pinned.loadBalancer.passHostHeader, false);
  });

  it('basicAuth keeps the users array with hashes redacted, and only the options written (middleware-auth.json)', async () => {
    assertTraefikShape(await apiGet('/api/http/middlewares/auth@file'), {
      basicAuth: { users: ['admin:<redacted>'] },
      name: 'auth@file',
      provider: 'file',
      status: 'enabled',
      type: 'basicauth',
      usedBy: ['bar@file'],
    });
    const named = await apiGet('/api/http/middlewares/named-auth@file');
    assert.deepEqual(named.basicAuth, { users: ['ops:<redacted>'], headerField: 'X-User' });
    assert.deepEqual(named.usedBy, []);
    const digest = await apiGet('/api/http/middlewares/digest@file');
    assert.equal(digest.status, 'enabled', JSON.stringify(digest.error));
    assert.deepEqual(digest.digestAuth, { users: ['ops:<redacted>'] });
  });

  it('rawdata carries the same objects keyed by name, and no hash anywhere', async () => {
    const raw = await apiGet('/api/rawdata');
    assert.deepEqual(raw.routers['bar@file'].entryPoints, ['admin']);
    assert.equal(raw.services['foo-service@file'].loadBalancer.passHostHeader, true);
    assert.deepEqual(raw.middlewares['auth@file'], {
      basicAuth: { users: ['admin:<redacted>'] },
      status: 'enabled',
      usedBy: ['bar@file'],
    });
    assert.doesNotMatch(JSON.stringify(raw), /\$2[aby]\$/, 'no bcrypt hash in rawdata');
  });

  it('an entry point shows the settings written over the defaults applied, durations in nanoseconds (entrypoint-bar.json)', async () => {
    const seconds = 1e9;
    const expected = {
      address: adminAddress,
      asDefault: true,
      transport: {
        lifeCycle: { graceTimeOut: 10 * seconds },
        // writeTimeout 0 is left out, as Go's omitempty does.
        respondingTimeouts: { readTimeout: 5 * seconds, idleTimeout: 180 * seconds },
      },
      forwardedHeaders: {},
      http: {},
      udp: { timeout: 3 * seconds },
      name: 'admin',
    };
    assertTraefikShape(await apiGet('/api/entrypoints/admin'), expected);
    const listed = await apiGet('/api/entrypoints');
    assert.deepEqual(
      listed.map((ep: { name: string }) => ep.name),
      ['admin', 'traefik', 'web'],
    );
    assert.deepEqual(listed[0], expected);
    assert.equal(listed[2].transport.respondingTimeouts.readTimeout, 60 * seconds, 'the default where none is written');
  });
});
