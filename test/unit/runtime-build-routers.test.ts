import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyDynamicConfig, type RouterConfig } from '../../src/config/dynamic/types.js';
import { Aggregator, type Configuration } from '../../src/providers/aggregator.js';
import { createServiceLayer } from '../../src/runtime/service-layer.js';
import { buildWebRouting } from '../helpers/runtime-build.js';

function routingOf(routers: Record<string, RouterConfig>) {
  let configuration: Configuration | undefined;
  const aggregator = new Aggregator(0, (merged) => (configuration = merged));
  const config = emptyDynamicConfig();
  const services = { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } };
  aggregator.update('file', { config: { ...config, http: { ...config.http, routers, services } }, issues: [] });
  const layer = createServiceLayer({ entryPoints: {}, providers: {} }, () => {});
  try {
    return buildWebRouting(configuration!, layer.build, '.');
  } finally {
    void layer.close();
  }
}

test('HTTP routers: entry points shown and used, warnings, and the priority of rules that compile', () => {
  const routing = routingOf({
    plain: { rule: 'Host(`a.test`)', service: 'app' },
    partial: { rule: 'Host(`b.test`)', service: 'app', entryPoints: ['web', 'gone'] },
    stranded: { rule: 'Host(`c.test`)', service: 'app', entryPoints: ['gone'] },
    badRule: { rule: 'Host(', service: 'app' },
    noService: { rule: 'Host(`d.test`)', service: 'missing' },
  });
  const plain = routing.routers['plain@file']!;
  assert.deepEqual([plain.status, plain.entryPoints, plain.using], ['enabled', ['web'], ['web']]);
  assert.equal(plain.priority, 'Host(`a.test`)'.length);

  const partial = routing.routers['partial@file']!;
  assert.deepEqual(
    [partial.status, partial.using, partial.error],
    ['warning', ['web'], ['entryPoint "gone" doesn\'t exist']],
  );
  assert.deepEqual(partial.entryPoints, ['web', 'gone']);

  const stranded = routing.routers['stranded@file']!;
  assert.equal(stranded.status, 'disabled');
  assert.deepEqual(stranded.error, ['no valid entryPoint for this router', 'entryPoint "gone" doesn\'t exist']);

  // A rule that does not compile has no default priority; one that does keeps it when the service fails.
  const badRule = routing.routers['badRule@file']!;
  assert.deepEqual([badRule.status, badRule.priority], ['disabled', 0]);
  const noService = routing.routers['noService@file']!;
  assert.deepEqual([noService.status, noService.priority], ['disabled', 'Host(`d.test`)'.length]);
  assert.match(noService.error!.join(), /"missing@file" does not exist/);

  const servedFor = (host: string) =>
    routing.tables.get('web')!.match({ host, path: '/', query: '', clientIp: '', req: { headers: {} } })?.name;
  assert.equal(servedFor('a.test'), 'plain@file');
  assert.equal(servedFor('b.test'), 'partial@file');
  assert.equal(servedFor('c.test'), undefined);
  assert.equal(servedFor('d.test'), undefined);
});
