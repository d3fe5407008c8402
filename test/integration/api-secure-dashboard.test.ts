/**
 * Traefik's documented "secure dashboard" setup through the real `portier` binary: no insecure API,
 * one router on a public entry point sends `/api` and `/dashboard` to `api@internal` behind
 * basicAuth. Both answer with credentials and neither without.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { get as request, type SimpleResponse } from '../helpers/http.js';
import { startPortier, tempDir, type RunningPortier, webAndApiEntryPoints } from '../helpers/portier.js';

let portier: RunningPortier;
let web: string;
let apiPort: string;
const HOST = 'proxy.test';
const CREDENTIALS = 'Basic ' + Buffer.from('admin:s3cret').toString('base64');

before(async () => {
  let staticLines: string[];
  ({ web, api: apiPort, staticLines } = await webAndApiEntryPoints());
  // The secure setup: the API section without `insecure`, so nothing is served on `traefik`.
  const secureStatic = staticLines.map((line) => (line.startsWith('api:') ? 'api: { dashboard: true }' : line));
  const dir = tempDir({
    'portier.yml': [...secureStatic, 'providers:', '  file: { filename: dynamic.yml }', ''].join('\n'),
    'dynamic.yml': [
      'http:',
      '  routers:',
      '    dashboard:',
      '      rule: "Host(`proxy.test`) && (PathPrefix(`/api`) || PathPrefix(`/dashboard`))"',
      '      entryPoints: [web]',
      '      service: api@internal',
      '      middlewares: [auth]',
      '    landing:',
      '      rule: "Host(`proxy.test`) && Path(`/`)"',
      '      entryPoints: [web]',
      '      service: api@internal',
      '      middlewares: [auth]',
      '  middlewares:',
      '    auth:',
      `      basicAuth: { users: ["admin:${bcrypt.hashSync('s3cret', 4)}"] }`,
      '',
    ].join('\n'),
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
});

/** node:http, because fetch() does not let a request name its Host. */
function get(path: string, authorization?: string, base = web): Promise<SimpleResponse> {
  return request(base + path, { headers: { host: HOST, ...(authorization ? { authorization } : {}) } });
}

describe('api@internal behind basicAuth on a public entry point', () => {
  it('serves the dashboard page and its assets with credentials', async () => {
    const page = await get('/dashboard/', CREDENTIALS);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(asset, 'the page links its bundled script');
    const script = await get(`/dashboard/${asset}`, CREDENTIALS);
    assert.equal(script.status, 200);
    assert.match(script.headers['content-type'] ?? '', /^text\/javascript/);
  });

  it('serves the API with credentials, Traefik version shape included', async () => {
    const answer = await get('/api/version', CREDENTIALS);
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['Codename', 'Version', 'startDate', 'uuid']);
    assert.match(body.uuid!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const again = JSON.parse((await get('/api/version', CREDENTIALS)).body) as Record<string, string>;
    assert.equal(again.uuid, body.uuid, 'the uuid is stable for the process');
  });

  it('redirects / to /dashboard/ as Traefik does', async () => {
    const answer = await get('/', CREDENTIALS);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, '/dashboard/');
  });

  it('answers 401 without credentials or with a wrong password', async () => {
    const wrong = 'Basic ' + Buffer.from('admin:nope').toString('base64');
    for (const [path, authorization] of [
      ['/dashboard/', undefined],
      ['/api/version', undefined],
      ['/api/rawdata', wrong],
      ['/', undefined],
    ] as const) {
      const answer = await get(path, authorization);
      assert.equal(answer.status, 401, `${path} ${authorization ? 'wrong password' : 'no credentials'}`);
      assert.match(answer.headers['www-authenticate'] ?? '', /^Basic realm=/);
    }
  });

  it('leaves the API off the traefik entry point when api.insecure is not set', async () => {
    const answer = await get('/api/version', undefined, apiPort);
    assert.equal(answer.status, 404);
  });
});
