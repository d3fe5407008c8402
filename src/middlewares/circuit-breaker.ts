import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import type { Handler } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import { compileCondition, type Condition } from './circuit-breaker-expression.js';
import { RollingMetrics } from './circuit-breaker-metrics.js';
import { defineMiddleware } from './define.js';
import { duration, integer } from './options.js';

const schema = z.strictObject({
  expression: z.string().default(''),
  checkPeriod: duration.default('100ms'),
  fallbackDuration: duration.default('10s'),
  recoveryDuration: duration.default('10s'),
  responseCode: integer.default(503),
});

export interface BreakerSettings {
  condition: Condition;
  checkPeriodMs: number;
  fallbackMs: number;
  recoveryMs: number;
}

/**
 * One circuit: closed (counting), open (refusing for `fallbackMs`), then recovering (letting a
 * linearly growing share of requests through for `recoveryMs`) and closed again. The condition
 * is checked at most every `checkPeriodMs`; if it holds while recovering, the circuit opens again.
 */
export class Breaker {
  readonly metrics: RollingMetrics;
  private state: 'closed' | 'open' | 'recovering' = 'closed';
  private until = 0;
  private lastCheck = 0;
  private allowed = 0;
  private denied = 0;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.metrics = new RollingMetrics(now);
  }

  get currentState(): 'closed' | 'open' | 'recovering' {
    return this.state;
  }

  /** Whether this request may go to the service. */
  allow(): boolean {
    const now = this.now();
    if (this.state === 'open') {
      if (now < this.until) return false;
      this.startRecovery(now);
    }
    if (this.state === 'recovering' && now >= this.until) this.state = 'closed';
    if (now - this.lastCheck >= this.settings.checkPeriodMs) {
      this.lastCheck = now;
      if (this.settings.condition(this.metrics)) {
        this.state = 'open';
        this.until = now + this.settings.fallbackMs;
        return false;
      }
    }
    return this.state === 'closed' || this.recoveryAllows(now);
  }

  private startRecovery(now: number): void {
    this.state = 'recovering';
    this.until = now + this.settings.recoveryMs;
    this.allowed = 0;
    this.denied = 0;
    // Judge the recovering service on what it does now, not on what tripped the circuit.
    this.metrics.reset();
  }

  /** Lets requests through while their share stays under the target, which grows from 0 to 1. */
  private recoveryAllows(now: number): boolean {
    const elapsed = this.settings.recoveryMs - (this.until - now);
    const target = this.settings.recoveryMs <= 0 ? 1 : elapsed / this.settings.recoveryMs;
    const total = this.allowed + this.denied;
    if (total === 0 ? target > 0 : this.allowed / total < target) {
      this.allowed++;
      return true;
    }
    this.denied++;
    return false;
  }
}

/**
 * `circuitBreaker`: stops sending requests to a service that the expression finds unhealthy
 * (NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS, RequestThreshold) and answers
 * `responseCode` instead. Each router using the middleware gets its own circuit.
 */
export const circuitBreaker = defineMiddleware(schema, (options) => {
  const settings: BreakerSettings = {
    condition: compileCondition(options.expression),
    checkPeriodMs: parseDuration(options.checkPeriod, 'checkPeriod'),
    fallbackMs: parseDuration(options.fallbackDuration, 'fallbackDuration'),
    recoveryMs: parseDuration(options.recoveryDuration, 'recoveryDuration'),
  };
  const status = options.responseCode;
  const statusText = STATUS_CODES[status];
  if (!statusText) throw new ConfigError(`${status} is not an HTTP status code; use e.g. 503`, 'responseCode');
  return (next): Handler => {
    const breaker = new Breaker(settings);
    return (ctx) => {
      if (!breaker.allow()) {
        respond(ctx, status, statusText);
        return;
      }
      const started = performance.now();
      ctx.res.once('close', () => breaker.metrics.record(ctx.res.statusCode, performance.now() - started));
      return next(ctx);
    };
  };
});
