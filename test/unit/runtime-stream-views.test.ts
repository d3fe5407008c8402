import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addObjectsDroppedByProviders, issueLookup, placeholderIn } from '../../src/runtime/object-issues.js';
import { streamServiceViews } from '../../src/runtime/stream-views.js';

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
