import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMetrics } from '../../src/observability/metrics.js';
import { sampleView } from '../helpers/api-fixture.js';
import { parsePrometheus, sampleValue, type MetricFamily } from '../helpers/api-prometheus.js';
import { startApiServer, type ApiTestServer } from '../helpers/api-server.js';

describe('the Prometheus text parser used below', () => {
  it('rejects malformed expositions', () => {
    assert.throws(() => parsePrometheus('# TYPE a counter\na{x="1" 1\n'), /bad/);
    assert.throws(() => parsePrometheus('# TYPE a counter\na 1\na 2\n'), /duplicate/);
    assert.throws(() => parsePrometheus('b 1\n'), /without TYPE/);
    assert.throws(
      () => parsePrometheus('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 0\n'),
      /cumulative/,
    );
  });
});

describe('/metrics', () => {
  let server: ApiTestServer;
  before(async () => {
    server = await startApiServer(sampleView(), { metrics: createMetrics({ prometheus: { buckets: [0.01, 0.5] } }) });
  });
  after(() => server.close());

  it('parses strictly and counts requests per entry point, router and service', async () => {
    for (let i = 0; i < 3; i++) await (await fetch(server.url + '/echo/ok')).text();
    await (await fetch(server.url + '/echo/fail')).text();
    server.reload({ ...sampleView(), generation: 4 });
    const response = await fetch(server.url + '/metrics');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheus(await response.text());

    const count = (scope: string, labels: Record<string, string>) =>
      sampleValue(families, `traefik_${scope}_requests_total`, `traefik_${scope}_requests_total`, labels);
    const ep = { entrypoint: 'traefik', code: '200', method: 'GET', protocol: 'http' };
    assert.equal(count('entrypoint', ep), 3);
    assert.equal(count('entrypoint', { ...ep, code: '502' }), 1);
    assert.equal(count('router', { router: 'echo@file', service: 'echo@file', code: '200' }), 3);
    assert.equal(
      sampleValue(
        families,
        'traefik_service_request_duration_seconds',
        'traefik_service_request_duration_seconds_count',
        {
          service: 'echo@file',
          code: '502',
        },
      ),
      1,
    );
    const buckets = families
      .get('traefik_service_request_duration_seconds')!
      .samples.filter((s) => s.name.endsWith('_bucket') && s.labels.code === '200')
      .map((s) => s.labels.le);
    assert.deepEqual(buckets, ['0.01', '0.5', '+Inf']);
    assert.ok(
      sampleValue(
        families,
        'traefik_entrypoint_responses_bytes_total',
        'traefik_entrypoint_responses_bytes_total',
        ep,
      )! > 0,
    );
  });

  it("leaves Portier's own routers out, as Traefik does without addInternals", async () => {
    for (let i = 0; i < 2; i++) await (await fetch(server.url + '/api/overview')).text();
    const text = await (await fetch(server.url + '/metrics')).text();
    assert.doesNotMatch(text, /@internal/);
    const stats = (await (await fetch(server.url + '/api/stats')).json()) as { services: Record<string, unknown> };
    assert.deepEqual(
      Object.keys(stats.services).filter((name) => name.endsWith('@internal')),
      [],
    );
  });

  it('reports each server UP (1) or DOWN (0) from the runtime, and config reloads', async () => {
    const families = parsePrometheus(await (await fetch(server.url + '/metrics')).text());
    const up = (url: string) =>
      sampleValue(families, 'traefik_service_server_up', 'traefik_service_server_up', { service: 'pool@file', url });
    assert.equal(up('http://10.0.0.1:8080'), 1);
    assert.equal(up('http://10.0.0.2:8080'), 0);
    // The fixture's docker provider is in error: the reload counts as a failure.
    assert.equal(sampleValue(families, 'traefik_config_reloads_total', 'traefik_config_reloads_total', {}), 1);
    assert.equal(
      sampleValue(families, 'traefik_config_reloads_failure_total', 'traefik_config_reloads_failure_total', {}),
      1,
    );
  });

  it('counts function invocations by outcome and start, with run and load times', async () => {
    const metrics = createMetrics({ prometheus: {} });
    metrics.observeFunction({ function: 'sum', cold: true, outcome: 'ok', initMs: 12, runMs: 0.5 });
    metrics.observeFunction({ function: 'sum', cold: false, outcome: 'ok', initMs: 0, runMs: 0.4 });
    metrics.observeFunction({ function: 'sum', cold: false, outcome: 'timeout', initMs: 0, runMs: 5000 });
    const families = parsePrometheus(await metrics.render(sampleView()));
    const total = 'portier_function_invocations_total';
    assert.equal(sampleValue(families, total, total, { function: 'sum', outcome: 'ok', start: 'warm' }), 1);
    assert.equal(sampleValue(families, total, total, { function: 'sum', outcome: 'timeout', start: 'warm' }), 1);
    const runs = 'portier_function_duration_seconds';
    assert.equal(sampleValue(families, runs, `${runs}_count`, { function: 'sum' }), 3);
    const loads = 'portier_function_init_duration_seconds';
    assert.equal(sampleValue(families, loads, `${loads}_count`, { function: 'sum' }), 1);
  });

  it('counts requests per authenticated gateway consumer', async () => {
    const metrics = createMetrics({ prometheus: {} });
    const request = {
      entryPoint: 'web',
      router: 'api@file',
      service: 'api@file',
      method: 'GET',
      status: 200,
      durationSeconds: 0.01,
      requestBytes: 0,
      responseBytes: 5,
    };
    metrics.observeRequest({ ...request, consumer: 'app@file' });
    metrics.observeRequest({ ...request, consumer: 'app@file' });
    metrics.observeRequest(request);
    const families = parsePrometheus(await metrics.render(sampleView()));
    const total = 'portier_consumer_requests_total';
    assert.equal(sampleValue(families, total, total, { consumer: 'app@file', code: '200' }), 2);
  });

  it('escapes label values so any router name still parses', async () => {
    const metrics = createMetrics({ prometheus: {} });
    const odd = 'we"ird\\name\nx@file';
    metrics.observeRequest({
      entryPoint: 'web',
      router: odd,
      service: odd,
      method: 'BREW',
      status: 418,
      durationSeconds: 0.2,
      requestBytes: 10,
      responseBytes: 20,
    });
    const families = parsePrometheus(await metrics.render(sampleView()));
    const labels = { router: odd, method: 'EXTENSION_METHOD', code: '418' };
    assert.equal(sampleValue(families, 'traefik_router_requests_total', 'traefik_router_requests_total', labels), 1);
    assert.equal(
      sampleValue(families, 'traefik_router_requests_bytes_total', 'traefik_router_requests_bytes_total', labels),
      10,
    );
    const bucket = (le: string) =>
      sampleValue(
        families,
        'traefik_router_request_duration_seconds',
        'traefik_router_request_duration_seconds_bucket',
        { ...labels, le },
      );
    assert.equal(bucket('0.1'), 0);
    assert.equal(bucket('0.3'), 1);
    assert.equal(bucket('+Inf'), 1);
  });

  it('tracks open connections until they close', async () => {
    const metrics = createMetrics({ prometheus: {} });
    const scrape = async () => parsePrometheus(await metrics.render(sampleView()));
    const upstream = (families: Map<string, MetricFamily>, url: string) =>
      sampleValue(families, 'portier_server_open_connections', 'portier_server_open_connections', { url });
    const first = metrics.trackUpstreamConnection!('http://10.0.0.1:80');
    const second = metrics.trackUpstreamConnection!('http://10.0.0.1:80');
    const other = metrics.trackUpstreamConnection!('h2c://10.0.0.2:50051');
    const client = metrics.trackEntryPointConnection!('web');
    let families = await scrape();
    assert.equal(upstream(families, 'http://10.0.0.1:80'), 2);
    assert.equal(upstream(families, 'h2c://10.0.0.2:50051'), 1);
    const entryPoint = { entrypoint: 'web', protocol: 'http' };
    assert.equal(sampleValue(families, 'traefik_open_connections', 'traefik_open_connections', entryPoint), 1);

    first();
    first(); // a second call for the same connection is ignored: the count never goes below what is open
    second();
    other();
    client();
    families = await scrape();
    assert.equal(upstream(families, 'http://10.0.0.1:80'), 0);
    assert.equal(upstream(families, 'h2c://10.0.0.2:50051'), 0);
    assert.equal(sampleValue(families, 'traefik_open_connections', 'traefik_open_connections', entryPoint), 0);
    // Once seen at 0, an origin is forgotten: replaced containers' addresses do not pile up.
    assert.equal((await scrape()).get('portier_server_open_connections')?.samples.length ?? 0, 0);
    assert.equal(families.has('traefik_service_server_open_connections'), false);
  });

  it('is absent (404) when metrics.prometheus is not configured', async () => {
    const off = await startApiServer(sampleView(), { metrics: createMetrics(undefined) });
    try {
      assert.equal((await fetch(off.url + '/metrics')).status, 404);
    } finally {
      await off.close();
    }
  });
});
