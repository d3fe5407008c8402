import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyDynamicConfig } from '../../src/config/dynamic/types.js';
import { Aggregator, type Configuration } from '../../src/providers/aggregator.js';
import { buildWebRouting } from '../helpers/runtime-build.js';
import { createServiceLayer } from '../../src/runtime/service-layer.js';

/**
 * A provider that could not read a service or middleware (a malformed label, say) leaves it out of
 * its snapshot and reports it. Routers using it must point at that error, not claim it is missing.
 */
test('a router using a service or middleware its provider could not read says it is disabled, not missing', () => {
  let configuration: Configuration | undefined;
  const aggregator = new Aggregator(0, (merged) => (configuration = merged));
  const config = emptyDynamicConfig();
  aggregator.update('docker', {
    config: {
      ...config,
      http: {
        ...config.http,
        routers: {
          web: { rule: 'Host(`web.test`)', service: 'web' },
          guarded: { rule: 'Host(`guarded.test`)', service: 'other', middlewares: ['auth'] },
          typo: { rule: 'Host(`typo.test`)', service: 'wbe' },
        },
        services: { other: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
      },
    },
    issues: [
      {
        message: 'port is missing',
        key: 'traefik.http.services.web.loadbalancer.server.port',
        object: { kind: 'service', name: 'web' },
      },
      {
        message: 'unknown option',
        key: 'traefik.http.middlewares.auth.basicauth.user',
        object: { kind: 'middleware', name: 'auth' },
      },
    ],
  });
  const layer = createServiceLayer({ entryPoints: {}, providers: {} }, () => {});
  const routing = buildWebRouting(configuration!, layer.build, '.');
  try {
    assert.deepEqual(routing.routers['web@docker']?.error, ['the service "web@docker" is disabled (see its error)']);
    assert.deepEqual(routing.routers['guarded@docker']?.error, [
      'middleware "auth@docker" is disabled (see its error)',
    ]);
    assert.match(routing.routers['typo@docker']?.error?.join() ?? '', /"wbe@docker" does not exist/);
    assert.deepEqual(routing.services['web@docker']?.view.error, [
      'traefik.http.services.web.loadbalancer.server.port: port is missing',
    ]);
  } finally {
    void layer.close();
  }
});
