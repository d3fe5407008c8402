import { ConfigError } from '../../src/config/errors.js';
import { compileRule, type RuleSyntax } from '../../src/rules/index.js';
import type { RoutingRequest } from '../../src/rules/types.js';
import assert from 'node:assert/strict';

export interface RequestParts {
  host?: string;
  path?: string;
  query?: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  clientIp?: string;
}

/** A routing request as the entry point builds it (host and path already canonical). */
export function routingRequest(parts: RequestParts = {}): RoutingRequest {
  return {
    host: parts.host ?? 'example.com',
    path: parts.path ?? '/',
    query: parts.query ?? '',
    clientIp: parts.clientIp ?? '127.0.0.1',
    req: { method: parts.method ?? 'GET', headers: parts.headers ?? {} },
  };
}

/** Whether `rule` matches a request made of `parts`. */
export function matches(rule: string, parts: RequestParts, syntax: RuleSyntax = 'v3'): boolean {
  return compileRule(rule, syntax).match(routingRequest(parts));
}

/** Asserts that compiling `rule` fails with a ConfigError whose message contains every fragment. */
export function assertRuleError(rule: string, fragments: string[], syntax: RuleSyntax = 'v3'): ConfigError {
  let caught: unknown;
  try {
    compileRule(rule, syntax);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${rule}, got ${String(caught)}`);
  for (const fragment of fragments) {
    assert.ok(caught.message.includes(fragment), `"${caught.message}" should contain "${fragment}"`);
  }
  return caught;
}
