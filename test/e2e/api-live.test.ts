import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDashboardSetup, sampleDynamic, type DashboardSetup } from '../helpers/api-e2e.js';
import { parsePrometheus, sampleValue } from '../helpers/api-prometheus.js';
import { openEventStream } from '../helpers/api-sse.js';
import { waitFor } from '../helpers/portier.js';
import type { LiveStatsSnapshot } from '../../src/observability/live-stats.js';

/** The real CLI: reloads reach `/api/events` fast, and `/metrics` reflects real traffic. */
describe('API on a running Portier', () => {
  let setup: DashboardSetup;
  before(async () => {
    setup = await startDashboardSetup();
  });
  after(() => setup?.close());

  it('delivers a file change on /api/events within 100 ms of the reload', async () => {
    const stream = await openEventStream(setup.apiUrl + '/api/events');
    try {
      const hello = await stream.next();
      const { generation } = JSON.parse(hello.data) as { generation: number };
      setup.writeDynamic(
        sampleDynamic(
          setup.upstream.url,
          setup.deadUrl,
          '    added:\n      rule: "PathPrefix(`/added`)"\n      service: app\n',
        ),
      );
      let event = await stream.next();
      while (event.event !== 'config') event = await stream.next();
      const arrived = Date.now();
      const data = JSON.parse(event.data) as { generation: number };
      assert.ok(data.generation > generation);
      // The runtime logs the moment it applied the configuration (pino's `time`, epoch ms); the
      // line itself may reach us after the event, as the log is written asynchronously.
      const appliedLine = () =>
        setup.portier
          .logs()
          .split('\n')
          .filter((line) => line.includes('"configuration applied"'))
          .map((line) => JSON.parse(line) as { time: number; generation: number })
          .find((entry) => entry.generation === data.generation);
      await waitFor(() => appliedLine() !== undefined, 3000, 'the reload to be logged');
      const applied = appliedLine();
      assert.ok(applied, 'the reload is logged');
      assert.ok(arrived - applied.time < 100, `event arrived ${arrived - applied.time} ms after the reload`);
      const router = await setup.getJson<{ status: string }>('/api/http/routers/added@file');
      assert.equal(router.status, 'enabled');
    } finally {
      stream.close();
    }
  });

  it('/metrics counts proxied requests per router and service, and server UP/DOWN', async () => {
    for (let i = 0; i < 4; i++) {
      const response = await fetch(setup.webUrl + '/app/hello');
      assert.equal(response.status, 200);
      await response.text();
    }
    const families = parsePrometheus(await (await fetch(setup.apiUrl + '/metrics')).text());
    assert.equal(
      sampleValue(families, 'traefik_router_requests_total', 'traefik_router_requests_total', {
        router: 'app@file',
        service: 'app@file',
        code: '200',
      }),
      4,
    );
    const up = (url: string) =>
      sampleValue(families, 'traefik_service_server_up', 'traefik_service_server_up', { service: 'app@file', url });
    assert.equal(up(setup.upstream.url), 1);
    assert.equal(up(setup.deadUrl), 0);
    // The live counters report whole seconds: the requests show once their second has passed.
    await waitFor(
      async () => {
        const stats = await setup.getJson<LiveStatsSnapshot>('/api/stats');
        const server = stats.services['app@file']?.servers[setup.upstream.url];
        return (server?.requests.reduce((a, b) => a + b, 0) ?? 0) >= 4;
      },
      3000,
      'the live stats to count the requests',
    );
  });

  it('keeps the API off public entry points unless a router sends traffic there, behind any auth', async () => {
    assert.equal((await fetch(setup.webUrl + '/api/overview')).status, 404);
    const users = `admin:${bcrypt.hashSync('s3cret', 4)}`;
    setup.writeDynamic(
      sampleDynamic(
        setup.upstream.url,
        setup.deadUrl,
        '    guarded:\n      rule: "PathPrefix(`/api`)"\n      service: api@internal\n      middlewares: [auth]\n',
        `    auth:\n      basicAuth:\n        users: ["${users}"]\n`,
      ),
    );
    await waitFor(async () => (await fetch(setup.webUrl + '/api/overview')).status === 401, 5000, 'the router');
    const authorized = await fetch(setup.webUrl + '/api/overview', {
      headers: { authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` },
    });
    assert.equal(authorized.status, 200);
    assert.ok(((await authorized.json()) as { http: unknown }).http);
  });

  it('/ping answers OK', async () => {
    const response = await fetch(setup.apiUrl + '/ping');
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'OK');
  });

  it('has written every buffered access log line once Portier has stopped', async () => {
    // Three more requests, then stop at once: their lines are still in the buffer (flushed each second).
    for (let i = 0; i < 3; i++) await (await fetch(setup.webUrl + '/app/late')).text();
    await setup.close();
    const lines = readFileSync(join(setup.dir, 'access.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { RouterName?: string; ServiceURL?: string; DownstreamStatus: number });
    const proxied = lines.filter((line) => line.RouterName === 'app@file');
    assert.equal(proxied.length, 7);
    for (const line of proxied) {
      assert.deepEqual([line.ServiceURL, line.DownstreamStatus], [setup.upstream.url, 200], JSON.stringify(line));
    }
  });
});
