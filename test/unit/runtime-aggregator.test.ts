import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyDynamicConfig } from '../../src/config/dynamic/types.js';
import { Aggregator, qualify, type Configuration } from '../../src/providers/aggregator.js';
import type { ProviderSnapshot } from '../../src/providers/types.js';

function snapshot(routers: string[]): ProviderSnapshot {
  const config = emptyDynamicConfig();
  for (const name of routers) config.http.routers[name] = { rule: 'Path(`/`)', service: 'svc' };
  return { config, issues: [] };
}

test('names are qualified with their provider and providers are merged', () => {
  const applied: Configuration[] = [];
  const aggregator = new Aggregator(0, (c) => applied.push(c));
  aggregator.update('file', snapshot(['web']));
  aggregator.update('docker', snapshot(['web', 'api']));
  const last = applied.at(-1)!;
  assert.deepEqual(Object.keys(last.http.routers).sort(), ['api@docker', 'web@docker', 'web@file']);
  assert.equal(last.providers.docker?.state, 'ok');
});

test('a quiet change applies at once; a burst is coalesced into one more apply', async () => {
  let applies = 0;
  const aggregator = new Aggregator(100, () => applies++);
  aggregator.update('docker', snapshot(['a']));
  assert.equal(applies, 1, 'first change is applied without waiting');
  for (let i = 0; i < 20; i++) aggregator.update('docker', snapshot([`r${i}`]));
  assert.equal(applies, 1, 'the burst waits for the end of the window');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(applies, 2);
  aggregator.stop();
});

test('an identical snapshot does not cause a rebuild', () => {
  let applies = 0;
  const aggregator = new Aggregator(0, () => applies++);
  aggregator.update('file', snapshot(['a']));
  aggregator.update('file', snapshot(['a']));
  assert.equal(applies, 1);
});

test('references are qualified relative to the referring provider', () => {
  assert.equal(qualify('svc', 'docker'), 'svc@docker');
  assert.equal(qualify('api@internal', 'docker'), 'api@internal');
});
