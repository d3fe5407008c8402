import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { resolveSettings } from '../../src/functions/settings.js';

describe('functions settings', () => {
  it('applies defaults and resolves the store directory against the config file directory', () => {
    const settings = resolveSettings(undefined, '/etc/portier');
    assert.equal(settings.storeDirectory, '/etc/portier/portier-functions');
    assert.deepEqual(settings.limits, {
      timeoutMs: 10_000,
      loadTimeoutMs: 10_000,
      memoryLimitMb: 128,
      concurrency: 32,
      maxBodyBytes: 6 * 1024 * 1024,
    });
    assert.equal(settings.idleUnloadMs, 300_000);
  });

  it('reads durations, keeps an absolute store path, and gives loading at least 10 s', () => {
    const settings = resolveSettings({ timeout: '250ms', idleUnload: 30, store: { directory: '/srv/fn' } }, '/etc');
    assert.equal(settings.storeDirectory, '/srv/fn');
    assert.equal(settings.limits.timeoutMs, 250);
    assert.equal(settings.limits.loadTimeoutMs, 10_000);
    assert.equal(settings.idleUnloadMs, 30_000);
  });

  it('names the key and the fix for bad values', () => {
    const cases: [Parameters<typeof resolveSettings>[0], string, RegExp][] = [
      [{ memoryLimitMb: 4 }, 'functions.memoryLimitMb', /at least 16 \(got 4\)/],
      [{ concurrency: 0 }, 'functions.concurrency', /at least 1 \(got 0\)/],
      [{ maxBodyBytes: 1.5 }, 'functions.maxBodyBytes', /whole number of bytes/],
      [{ timeout: 'soon' }, 'functions.timeout', /"soon" is not a duration/],
      [{ timeout: 0 }, 'functions.timeout', /longer than zero/],
    ];
    for (const [config, key, message] of cases) {
      assert.throws(
        () => resolveSettings(config, '/'),
        (error: unknown) => error instanceof ConfigError && error.key === key && message.test(error.message),
        key,
      );
    }
  });
});
