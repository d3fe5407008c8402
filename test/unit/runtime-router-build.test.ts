import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import {
  existingEntryPoints,
  qualifiedReferences,
  routerEntryPoints,
  routerFields,
  tryCompile,
} from '../../src/runtime/router-build.js';

test('a router serves the entry points it names, or the defaults, minus those objected to', () => {
  const missing = (ep: string) => (ep === 'gone' ? `entryPoint "${ep}" doesn't exist` : undefined);
  assert.deepEqual(routerEntryPoints(['a', 'gone'], ['d'], missing), {
    shown: ['a', 'gone'],
    using: ['a'],
    warnings: ['entryPoint "gone" doesn\'t exist'],
  });
  assert.deepEqual(routerEntryPoints([], ['d', 'gone'], missing).using, ['d']);
  const defaults = ['d'];
  const unnamed = routerEntryPoints(undefined, defaults, missing);
  assert.deepEqual(unnamed, { shown: ['d'], using: ['d'], warnings: [] });
  assert.notEqual(unnamed.shown, defaults, 'a copy: the API view must not share the defaults');
});

test('a router is disabled by errors, a warning by warnings alone, and lists both', () => {
  assert.equal(routerFields('r@file', [], []).status, 'enabled');
  assert.equal(routerFields('r@file', [], ['w']).status, 'warning');
  assert.deepEqual(routerFields('r@docker', ['e'], ['w']), {
    name: 'r@docker',
    provider: 'docker',
    status: 'disabled',
    error: ['e', 'w'],
  });
});

test('tryCompile keeps what compiling throws as an error line, with the key of a ConfigError', () => {
  const errors: string[] = [];
  assert.equal(
    tryCompile(errors, () => 7),
    7,
  );
  assert.equal(
    tryCompile(errors, () => {
      throw new ConfigError('must be a number', 'weight');
    }),
    undefined,
  );
  assert.deepEqual(errors, ['weight: must be a number']);
});

test('HTTP and TCP routers warn of a missing entry point and are in error with none left', () => {
  const existing = new Set(['web']);
  const errors: string[] = [];
  assert.deepEqual(existingEntryPoints({ entryPoints: ['web', 'gone'] }, [], existing, errors).warnings, [
    'entryPoint "gone" doesn\'t exist',
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(existingEntryPoints({}, ['gone'], existing, errors).using, []);
  assert.deepEqual(errors, ['no valid entryPoint for this router']);
});

test("a router's bare service and middleware names take its provider; qualified ones stay", () => {
  assert.deepEqual(qualifiedReferences('r@docker', { service: 'app', middlewares: ['auth', 'ip@file'] }), {
    serviceName: 'app@docker',
    middlewareNames: ['auth@docker', 'ip@file'],
  });
  assert.deepEqual(qualifiedReferences('r@file', { service: 'api@internal' }).middlewareNames, []);
});
