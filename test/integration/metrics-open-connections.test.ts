/**
 * `portier_server_open_connections` from the real `portier` binary: the connections its pools hold
 * to each upstream origin, as the upstreams themselves count them, back to 0 when an upstream goes
 * away or leaves the configuration.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePrometheus, sampleValue } from '../helpers/api-prometheus.js';
import { startPortier, tempDir, type RunningPortier, waitFor, webAndApiEntryPoints } from '../helpers/portier.js';
import { startCountedUpstream, type CountedUpstream } from '../helpers/transport-harness.js';

let portier: RunningPortier;
let dir: string;
let web: string;
let api: string;
let kept: CountedUpstream;
let removed: CountedUpstream;

/** A router per upstream, `/<name>` → `<url>`. */
function dynamicConfig(upstreams: Record<string, string>): string {
  const lines = ['http:', '  routers:'];
  for (const name of Object.keys(upstreams)) {
    lines.push(`    ${name}: { rule: "PathPrefix(\`/${name}\`)", service: ${name} }`);
  }
  lines.push('  services:');
  for (const [name, url] of Object.entries(upstreams)) {
    lines.push(`    ${name}: { loadBalancer: { servers: [{ url: "${url}" }] } }`);
  }
  return lines.join('\n') + '\n';
}

/** The gauge for `origin` at one scrape; undefined when the origin is not listed. */
async function openConnections(origin: string): Promise<number | undefined> {
  const res = await fetch(`${api}/metrics`);
  assert.equal(res.status, 200);
  const families = parsePrometheus(await res.text());
  assert.equal(families.get('portier_server_open_connections')?.type, 'gauge');
  return sampleValue(families, 'portier_server_open_connections', 'portier_server_open_connections', {
    url: origin,
  });
}

/** Waits until a scrape shows `expected` connections to `origin`; fails with the last value seen. */
async function waitForGauge(origin: string, expected: (value: number | undefined) => boolean, what: string) {
  let last: number | undefined;
  await waitFor(async () => expected((last = await openConnections(origin))), 5000, what).catch((error: Error) => {
    throw new Error(`${error.message} (last value: ${last})`);
  });
}

/** `count` requests at once, so that the pool opens several keep-alive connections. */
async function burst(path: string, count: number): Promise<void> {
  const answers = await Promise.all(Array.from({ length: count }, () => fetch(`${web}${path}`)));
  for (const answer of answers) {
    assert.equal(answer.status, 200);
    await answer.text();
  }
}

before(async () => {
  // Slow answers, so that concurrent requests need connections of their own.
  const slowOk = (_req: unknown, res: { end: (body: string) => void }) => setTimeout(() => res.end('ok'), 100);
  kept = await startCountedUpstream(slowOk);
  removed = await startCountedUpstream(slowOk);
  let staticLines: string[];
  ({ web, api, staticLines } = await webAndApiEntryPoints());
  dir = tempDir({
    'portier.yml': [
      ...staticLines,
      'metrics: { prometheus: {} }',
      'providers:',
      '  file: { filename: dynamic.yml, watch: true }',
      '',
    ].join('\n'),
    'dynamic.yml': dynamicConfig({ kept: kept.url, removed: removed.url }),
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
  await kept?.close();
  await removed?.close();
});

describe('open upstream connections through the binary', () => {
  it('counts the keep-alive connections to each origin, as many as the upstream sees open', async () => {
    await burst('/kept', 3);
    await burst('/removed', 2);
    assert.equal(kept.open, 3, 'three concurrent requests opened three kept-alive connections');
    await waitForGauge(kept.url, (value) => value === kept.open, `${kept.url} at ${kept.open}`);
    await waitForGauge(removed.url, (value) => value === removed.open, `${removed.url} at ${removed.open}`);
    // Reused connections are not counted again.
    await burst('/kept', 2);
    assert.equal(await openConnections(kept.url), kept.open);
  });

  it('drops to 0 when the origin leaves the configuration', async () => {
    assert.ok(((await openConnections(removed.url)) ?? 0) >= 1);
    writeFileSync(join(dir, 'dynamic.yml'), dynamicConfig({ kept: kept.url }));
    await waitFor(() => removed.open === 0, 5000, 'the removed upstream to see its connections closed');
    await waitForGauge(removed.url, (value) => value === 0, `${removed.url} at 0`);
    // Once seen at 0 it is forgotten, while the origin still in use stays listed.
    assert.equal(await openConnections(removed.url), undefined);
    assert.ok(((await openConnections(kept.url)) ?? 0) >= 1);
  });

  it('drops to 0 when the upstream closes its connections', async () => {
    await kept.close();
    await waitForGauge(kept.url, (value) => value === 0, `${kept.url} at 0`);
  });
});
