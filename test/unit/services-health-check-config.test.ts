import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { healthCheckSettings } from '../../src/services/health-check-config.js';
import { healthCheckKey, healthCheckKeys } from '../../src/services/health-checks.js';

test('a reload keeps the checkers of checked servers only', () => {
  const check = { path: '/health' };
  const keys = healthCheckKeys({
    'a@file': { loadBalancer: { servers: [{ url: 'http://10.0.0.1:80/base' }, { url: 'http://10.0.0.2' }] } },
    'b@file': { loadBalancer: { servers: [{ url: 'http://10.0.0.1:80' }, { url: 'bad url' }], healthCheck: check } },
    'c@file': { failover: { service: 'a', fallback: 'b' } },
  });
  assert.deepEqual(
    [...keys],
    [healthCheckKey('b@file', 'http://10.0.0.1:80', check), healthCheckKey('b@file', 'bad url', check)],
  );
});

test('health check settings get Traefik defaults and errors name the key', () => {
  const settings = healthCheckSettings({ path: 'health' });
  assert.equal(settings.path, '/health');
  assert.equal(settings.intervalMs, 30_000);
  assert.equal(settings.unhealthyIntervalMs, 30_000);
  assert.equal(settings.timeoutMs, 5_000);
  assert.equal(settings.method, 'GET');
  assert.equal(healthCheckSettings({ interval: '10s', unhealthyInterval: '2s' }).unhealthyIntervalMs, 2_000);
  assert.throws(
    () => healthCheckSettings({ interval: 'often' }),
    (e: unknown) => e instanceof ConfigError && e.key === 'loadBalancer.healthCheck.interval',
  );
  assert.throws(
    () => healthCheckSettings({ path: 'http://x/health' }),
    (e: unknown) => e instanceof ConfigError && e.key === 'loadBalancer.healthCheck.path',
  );
});
