import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { activityOf } from '../../src/functions/activity.js';
import { sampleView } from '../helpers/api-fixture.js';
import { startApiServer, type ApiTestServer } from '../helpers/api-server.js';
import { openEventStream } from '../helpers/api-sse.js';
import { startFunctionsHarness, type FunctionsHarness } from '../helpers/functions-harness.js';

/**
 * The dashboard's function list follows `/api/events`: every deploy, rollback, removal and refused
 * deploy made through the functions API must arrive there as an `event: function`.
 */
describe('/api/events: function changes', () => {
  let functions: FunctionsHarness;
  let api: ApiTestServer;
  before(async () => {
    functions = await startFunctionsHarness();
    api = await startApiServer(sampleView(), { functionEvents: activityOf(functions.runtime.core) });
  });
  after(async () => {
    await api.close();
    await functions.close();
  });

  it('announces deploy, rollback, refused deploy and removal, in order, within 100 ms', async () => {
    const stream = await openEventStream(api.url + '/api/events');
    try {
      assert.equal((await stream.next()).event, 'hello');
      const next = async () => {
        const event = await stream.next();
        assert.equal(event.event, 'function');
        return JSON.parse(event.data) as Record<string, unknown>;
      };

      const first = await functions.deploy('greet', 'export default () => "hello";');
      assert.equal(first.status, 201);
      assert.deepEqual(await next(), {
        type: 'function',
        name: 'greet',
        change: 'deployed',
        version: first.body.version,
      });

      const second = await functions.deploy('greet', 'export default () => "hi";');
      assert.deepEqual(await next(), {
        type: 'function',
        name: 'greet',
        change: 'deployed',
        version: second.body.version,
      });

      const sent = performance.now();
      const rollback = await fetch(`${functions.url}/api/functions/greet/rollback`, { method: 'POST' });
      assert.equal(rollback.status, 200);
      const rolledBack = await stream.next();
      assert.ok(rolledBack.at - sent < 100, `delivered after ${rolledBack.at - sent} ms`);
      assert.deepEqual(JSON.parse(rolledBack.data), {
        type: 'function',
        name: 'greet',
        change: 'rolled-back',
        version: first.body.version,
      });

      const refused = await functions.deploy('greet', 'export default () => {');
      assert.equal(refused.status, 400);
      assert.deepEqual(await next(), {
        type: 'function',
        name: 'greet',
        change: 'deploy-failed',
        version: first.body.version,
      });

      assert.equal((await fetch(`${functions.url}/api/functions/greet`, { method: 'DELETE' })).status, 200);
      assert.deepEqual(await next(), { type: 'function', name: 'greet', change: 'removed' });
    } finally {
      stream.close();
    }
  });
});
