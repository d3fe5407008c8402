import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveStats } from '../../src/observability/live-stats.js';

describe('live stats', () => {
  it('counts requests and 5xx errors per second, per service and per server', () => {
    let now = 1_000_000_000;
    const stats = new LiveStats(() => now);
    stats.record('app@file', 'http://a', 200);
    stats.record('app@file', 'http://a', 502);
    stats.record('app@file', 'http://b', 404);
    stats.record(undefined, undefined, 404);
    now += 1000;
    stats.record('app@file', 'http://b', 200);
    now += 1000;
    const snap = stats.snapshot();
    assert.equal(snap.total.requests.length, 60);
    assert.deepEqual(snap.total.requests.slice(-2), [4, 1]);
    assert.deepEqual(snap.total.errors.slice(-2), [1, 0]);
    const app = snap.services['app@file']!;
    assert.deepEqual(app.requests.slice(-2), [3, 1]);
    assert.deepEqual(app.servers['http://a']!.requests.slice(-2), [2, 0]);
    assert.deepEqual(app.servers['http://a']!.errors.slice(-2), [1, 0]);
    assert.deepEqual(app.servers['http://b']!.requests.slice(-2), [1, 1]);
  });

  it('does not report the current partial second, and forgets idle services after a minute', () => {
    let now = 2_000_000_000;
    const stats = new LiveStats(() => now);
    stats.record('old@file', 'http://a', 200);
    assert.equal(stats.snapshot().total.requests.at(-1), 0);
    now += 1000;
    assert.equal(stats.snapshot().services['old@file']!.requests.at(-1), 1);
    now += 61_000;
    stats.record('new@file', undefined, 200);
    const snap = stats.snapshot();
    assert.equal(snap.services['old@file'], undefined);
    assert.equal(
      snap.total.requests.reduce((a, b) => a + b, 0),
      0,
    );
  });

  it('reuses ring slots: a second 60 s later starts from zero', () => {
    let now = 3_000_000_000;
    const stats = new LiveStats(() => now);
    stats.record('s@file', undefined, 200);
    now += 60_000;
    stats.record('s@file', undefined, 200);
    now += 1000;
    assert.equal(stats.snapshot().services['s@file']!.requests.at(-1), 1);
  });
});
