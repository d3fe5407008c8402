import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activityOf, type FunctionEvent } from '../../src/functions/activity.js';
import { createFunctionRuntime, FunctionsError, MemoryStore } from '../../src/functions/index.js';

const pointer = (history: string[]) => ({ name: 'fn', history, updatedAt: new Date().toISOString() });

/**
 * Stores announce a pointer that did not change: a refused rollback writes the pointer back as it
 * was (Redis publishes it, etcd's watch reports the write), and the cluster stores replay every
 * pointer after an outage. None of these is a deploy.
 */
test('a pointer announced again with the same versions is no change event', async () => {
  const store = new MemoryStore();
  const runtime = createFunctionRuntime({}, '/', { store });
  try {
    const events: FunctionEvent[] = [];
    activityOf(runtime.core).onChange((event) => events.push(event));
    await store.updatePointer('fn', () => pointer(['v1']));
    await assert.rejects(runtime.core.rollback('fn'), (error: FunctionsError) => error.status === 409);
    await store.updatePointer('fn', () => pointer(['v1']));
    await store.updatePointer('fn', () => pointer(['v1', 'v2']));
    assert.deepEqual(
      events.map((event) => [event.change, event.version]),
      [
        ['deployed', 'v1'],
        ['deployed', 'v2'],
      ],
    );
  } finally {
    await runtime.close();
  }
});
