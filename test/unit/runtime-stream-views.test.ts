import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { addObjectsDroppedByProviders, issueLookup, placeholderIn } from '../../src/runtime/object-issues.js';
import { routerEntryPoints, routerFields, streamServiceViews, tryCompile } from '../../src/runtime/stream-views.js';

test('a router serves the entry points it names, or the defaults, minus those objected to', () => {
  const missing = (ep: string) => (ep === 'gone' ? `entryPoint "${ep}" doesn't exist` : undefined);
  assert.deepEqual(routerEntryPoints(['a', 'gone'], ['d'], missing), {
    using: ['a'],
    warnings: ['entryPoint "gone" doesn\'t exist'],
  });
  assert.deepEqual(routerEntryPoints([], ['d', 'gone'], missing).using, ['d']);
  assert.deepEqual(routerEntryPoints(undefined, ['d'], missing), { using: ['d'], warnings: [] });
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

test("service views add the builder's error to the providers' issues, and the type", () => {
  const issues = issueLookup(new Map([['udpService:a@file', ['label broken']]]));
  const views = streamServiceViews(
    { 'a@file': { loadBalancer: { servers: [] } }, 'w@file': { weighted: { services: [] } } },
    { errorOf: (name) => (name === 'a@file' ? 'bad address' : undefined) },
    (name) => issues('udpService', name),
  );
  assert.deepEqual(views['a@file']!.error, ['label broken', 'bad address']);
  assert.equal(views['a@file']!.type, 'loadbalancer');
  assert.equal(views['w@file']!.status, 'enabled');
  assert.equal(views['w@file']!.type, 'weighted');
});

test('objects a provider dropped are listed disabled where their kind goes, never over a built one', () => {
  const objectIssues = new Map([
    ['tcpRouter:lost@docker', ['unreadable label']],
    ['tcpRouter:kept@docker', ['also reported']],
    ['udpRouter:other@docker', ['not this builder']],
  ]);
  const routers: Record<string, { status: string; error?: string[]; rule: string }> = {
    'kept@docker': { status: 'enabled', rule: 'HostSNI(`*`)' },
  };
  addObjectsDroppedByProviders(objectIssues, {
    tcpRouter: placeholderIn(routers, (fields) => ({ ...fields, rule: '' })),
  });
  assert.deepEqual(Object.keys(routers).sort(), ['kept@docker', 'lost@docker']);
  assert.equal(routers['kept@docker']!.status, 'enabled');
  assert.deepEqual(routers['lost@docker'], {
    name: 'lost@docker',
    provider: 'docker',
    status: 'disabled',
    error: ['unreadable label'],
    rule: '',
  });
  assert.notEqual(routers['lost@docker'].error, objectIssues.get('tcpRouter:lost@docker'), 'a copy, not the map');
});
