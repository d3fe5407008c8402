import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildUdp } from '../../src/udp/udp-build.js';
import { sampleView } from '../helpers/api-fixture.js';
import { startApiServer, type ApiTestServer } from '../helpers/api-server.js';

let server: ApiTestServer;

before(async () => {
  const { view } = buildUdp({
    udp: {
      routers: {
        'dns@file': { entryPoints: ['dns'], service: 'resolvers' },
        'voice@docker': { entryPoints: ['rtp', 'rtcp'], service: 'media' },
        'lost@file': { entryPoints: ['dns', 'nowhere'], service: 'resolvers' },
        'broken@file': { entryPoints: ['spare'], service: 'missing' },
      },
      services: {
        'resolvers@file': { loadBalancer: { servers: [{ address: '10.0.0.1:53' }, { address: '10.0.0.2:53' }] } },
        'media@docker': { weighted: { services: [{ name: 'resolvers@file', weight: 1 }] } },
      },
    },
    udpEntryPoints: ['dns', 'rtp', 'rtcp', 'spare'],
    allEntryPoints: ['dns', 'rtp', 'rtcp', 'spare', 'web'],
    objectIssues: new Map(),
  });
  server = await startApiServer({ ...sampleView(), udp: view });
});
after(() => server.close());

async function names(path: string): Promise<string[]> {
  const response = await fetch(server.url + path);
  assert.equal(response.status, 200, path);
  return ((await response.json()) as { name: string }[]).map((object) => object.name);
}

describe('/api/udp', () => {
  it('lists routers filtered by status, search and serviceName, as HTTP and TCP ones', async () => {
    assert.deepEqual(await names('/api/udp/routers'), ['broken@file', 'dns@file', 'lost@file', 'voice@docker']);
    assert.deepEqual(await names('/api/udp/routers?status=disabled'), ['broken@file', 'lost@file']);
    assert.deepEqual(await names('/api/udp/routers?search=VOI'), ['voice@docker']);
    assert.deepEqual(await names('/api/udp/routers?serviceName=resolvers'), ['dns@file', 'lost@file']);
    // A service written bare is found with a provider too: Traefik compares the names before `@`.
    assert.deepEqual(await names('/api/udp/routers?serviceName=resolvers@file'), ['dns@file', 'lost@file']);
  });

  it('ignores middlewareName and rule-only sort keys: UDP routers have neither', async () => {
    assert.equal((await names('/api/udp/routers?middlewareName=auth@file')).length, 4);
    assert.deepEqual(await names('/api/udp/routers?sortBy=priority&direction=desc'), [
      'voice@docker',
      'lost@file',
      'dns@file',
      'broken@file',
    ]);
    assert.deepEqual(await names('/api/udp/routers?sortBy=entryPoints&direction=desc'), [
      'voice@docker',
      'dns@file',
      'lost@file',
      'broken@file',
    ]);
  });

  it('shows a router as built, its service as written, and answers unknown names and kinds as Traefik does', async () => {
    const dns = await fetch(`${server.url}/api/udp/routers/dns@file`);
    assert.deepEqual(await dns.json(), {
      entryPoints: ['dns'],
      service: 'resolvers',
      name: 'dns@file',
      provider: 'file',
      status: 'enabled',
      using: ['dns'],
    });
    const missing = await fetch(`${server.url}/api/udp/routers/nope@file`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: 'router not found: nope@file' });
    const middlewares = await fetch(`${server.url}/api/udp/middlewares`);
    assert.equal(middlewares.status, 404);
    await middlewares.body?.cancel();
  });

  it('lists and sorts services by their number of servers', async () => {
    assert.deepEqual(await names('/api/udp/services?sortBy=servers&direction=desc'), [
      'resolvers@file',
      'media@docker',
    ]);
    assert.deepEqual(await names('/api/udp/services?status=enabled&search=med'), ['media@docker']);
    const media = await fetch(`${server.url}/api/udp/services/media@docker`);
    assert.equal(((await media.json()) as { type: string }).type, 'weighted');
    const resolvers = await fetch(`${server.url}/api/udp/services/resolvers@file`);
    const { usedBy } = (await resolvers.json()) as { usedBy: string[] };
    assert.deepEqual(usedBy, ['dns@file', 'lost@file'], 'routers naming it bare are found through their provider');
  });
});
