import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { Breaker, circuitBreaker } from '../../src/middlewares/circuit-breaker.js';
import { compileCondition } from '../../src/middlewares/circuit-breaker-expression.js';
import { RollingMetrics } from '../../src/middlewares/circuit-breaker-metrics.js';
import { buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

function clock(start = 1_000_000) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe('circuit breaker metrics and expressions', () => {
  it('computes ratios, thresholds and quantiles over the last ten seconds', () => {
    const { time, now } = clock();
    const metrics = new RollingMetrics(now);
    for (const status of [200, 200, 500, 502]) metrics.record(status, status === 200 ? 10 : 300);
    assert.equal(metrics.requestCount(), 4);
    assert.equal(metrics.networkErrorRatio(), 0.25);
    assert.equal(metrics.responseCodeRatio(500, 600, 0, 600), 0.5);
    assert.equal(metrics.responseCodeRatio(500, 600, 600, 700), 0);
    assert.equal(metrics.latencyAtQuantile(50.0), 10);
    assert.equal(metrics.latencyAtQuantile(99.0), 300);
    time.now += 10_500;
    assert.equal(metrics.requestCount(), 0);
  });

  it('parses the documented expressions with && binding tighter than ||', () => {
    const { now } = clock();
    const metrics = new RollingMetrics(now);
    for (let i = 0; i < 30; i++) metrics.record(i < 10 ? 503 : 200, 5);
    assert.equal(compileCondition('ResponseCodeRatio(500, 600, 0, 600) > 0.30')(metrics), true);
    assert.equal(
      compileCondition('ResponseCodeRatio(500, 600, 0, 600) > 0.25 && RequestThreshold() >= 40')(metrics),
      false,
    );
    assert.equal(compileCondition('NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) < 10')(metrics), true);
    assert.equal(
      compileCondition('NetworkErrorRatio() > 0.5 || (LatencyAtQuantileMS(50.0) < 10 && RequestThreshold() > 100)')(
        metrics,
      ),
      false,
    );
  });

  it('rejects malformed expressions with the option name', () => {
    for (const bad of [
      '',
      'Foo() > 1',
      'NetworkErrorRatio() >',
      'NetworkErrorRatio(1) > 0.5',
      'NetworkErrorRatio() > 0.5 &&',
      'a ; b',
    ]) {
      assert.throws(
        () => compileCondition(bad),
        (error: unknown) => (error as ConfigError).key === 'expression',
        bad,
      );
    }
  });
});

describe('Breaker', () => {
  it('opens on the condition, refuses during fallback, recovers gradually, then closes', () => {
    const { time, now } = clock();
    const breaker = new Breaker(
      {
        condition: compileCondition('NetworkErrorRatio() > 0.5'),
        checkPeriodMs: 100,
        fallbackMs: 1000,
        recoveryMs: 1000,
      },
      now,
    );
    assert.equal(breaker.allow(), true);
    breaker.metrics.record(502, 1);
    time.now += 100;
    assert.equal(breaker.allow(), false);
    assert.equal(breaker.currentState, 'open');
    time.now += 999;
    assert.equal(breaker.allow(), false);
    time.now += 1;
    assert.equal(breaker.allow(), false, 'recovery starts by letting nothing through');
    assert.equal(breaker.currentState, 'recovering');
    time.now += 500;
    const halfway = Array.from({ length: 100 }, () => breaker.allow()).filter(Boolean).length;
    assert.ok(halfway >= 45 && halfway <= 55, `about half get through midway, got ${halfway}`);
    time.now += 500;
    assert.equal(breaker.allow(), true);
    assert.equal(breaker.currentState, 'closed');
  });

  it('opens again when the service fails while recovering', () => {
    const { time, now } = clock();
    const breaker = new Breaker(
      { condition: compileCondition('NetworkErrorRatio() > 0.5'), checkPeriodMs: 0, fallbackMs: 100, recoveryMs: 1000 },
      now,
    );
    breaker.metrics.record(504, 1);
    assert.equal(breaker.allow(), false);
    time.now += 100;
    breaker.allow();
    breaker.metrics.record(502, 1);
    time.now += 10;
    assert.equal(breaker.allow(), false);
    assert.equal(breaker.currentState, 'open');
  });
});

describe('circuitBreaker middleware', () => {
  it('answers responseCode once the upstream keeps failing', async () => {
    const middleware = buildMiddleware(circuitBreaker, {
      expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5',
      checkPeriod: '1ms',
      responseCode: 429,
    });
    const h = await MiddlewareHarness.start(middleware, { upstream: () => ({ status: 500 }) });
    harnesses.push(h);
    assert.equal((await h.request('/')).status, 500);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await h.request('/')).status, 429);
    assert.equal(h.calls, 1);
  });

  it('validates its options', () => {
    const keyOf = (options: Record<string, unknown>) => {
      try {
        buildMiddleware(circuitBreaker, options);
      } catch (error) {
        return (error as ConfigError).key;
      }
      return 'no error';
    };
    assert.equal(keyOf({}), 'expression');
    assert.equal(keyOf({ expression: 'NetworkErrorRatio() > 0.5', responseCode: 1000 }), 'responseCode');
    assert.equal(keyOf({ expression: 'NetworkErrorRatio() > 0.5', fallbackDuration: 'later' }), 'fallbackDuration');
  });
});
