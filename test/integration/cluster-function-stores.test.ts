/**
 * The shared function stores (Redis, etcd) against their real servers, with two store objects
 * standing for two instances: versions, compare-and-set pointers under contention, and deploy
 * announcements heard by the other instance.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdFunctionStore, RedisFunctionStore } from '../../src/cluster/index.js';
import type { FunctionPointer, FunctionStore, PointerEvent } from '../../src/functions/index.js';
import { startRedis } from '../helpers/gateway-redis.js';
import { startKvServer } from '../helpers/kv-servers.js';
import { waitFor } from '../helpers/portier.js';

const BACKENDS = {
  redis: async () => {
    const server = await startRedis();
    return { open: () => new RedisFunctionStore(server.endpoint), stop: () => server.stop() };
  },
  etcd: async () => {
    const server = await startKvServer('etcd');
    return { open: () => new EtcdFunctionStore([server.endpoint]), stop: () => server.stop() };
  },
};

const append =
  (id: string) =>
  (current: FunctionPointer | undefined): FunctionPointer => ({
    name: 'fn',
    history: [...(current?.history ?? []), id],
    updatedAt: new Date().toISOString(),
  });

for (const [kind, startBackend] of Object.entries(BACKENDS)) {
  describe(`cluster function store: ${kind}`, () => {
    let stop: () => Promise<void>;
    let a: FunctionStore;
    let b: FunctionStore;

    before(async () => {
      const backend = await startBackend();
      stop = backend.stop;
      [a, b] = [backend.open(), backend.open()];
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await stop?.();
    });

    it('stores versions once and reads them from the other instance', async () => {
      const version = { id: 'v1', source: 's', code: 'c', file: 'f.ts', compiler: 'x', createdAt: 'now' };
      await a.putVersion(version);
      await a.putVersion(version);
      assert.deepEqual(await b.getVersion('v1'), version);
      assert.equal(await b.getVersion('missing'), undefined);
    });

    it('loses no pointer update when both instances write at once, and announces each to the other', async () => {
      const heard: PointerEvent[] = [];
      const unwatch = b.watch((event) => heard.push(event));
      // The watch is set up in the background when the store connects.
      await new Promise((r) => setTimeout(r, 200));
      const ids = Array.from({ length: 10 }, (_, i) => `id${i}`);
      await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).updatePointer('fn', append(id))));
      const pointer = await a.getPointer('fn');
      assert.deepEqual([...(pointer?.history ?? [])].sort(), ids);
      assert.deepEqual(
        (await b.listPointers()).map((p) => p.name),
        ['fn'],
      );
      await waitFor(() => heard.some((event) => event.pointer?.history.length === 10), 1000, 'the last announcement');
      await a.updatePointer('fn', () => undefined);
      await waitFor(() => heard.at(-1)?.pointer === undefined, 1000, 'the removal announcement');
      assert.equal(await b.getPointer('fn'), undefined);
      unwatch();
    });
  });
}

describe('cluster function store: etcd with two endpoints', () => {
  it('after an endpoint dies, the next pointer update connects to the other', async () => {
    const [first, second] = await Promise.all([startKvServer('etcd'), startKvServer('etcd')]);
    const store = new EtcdFunctionStore([first.endpoint, second.endpoint]);
    try {
      await store.updatePointer('fn', append('on-first'));
      await first.kill();
      // Under load the store's own watch may notice the dead endpoint first; otherwise this update fails.
      const failed = await store.updatePointer('fn', append('lost')).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (failed) assert.match(String(failed), /etcd/);
      // Either way the next update, at once, reaches the second endpoint (whose history never saw the first).
      const history = (await store.updatePointer('fn', append('on-second')))?.history ?? [];
      assert.deepEqual(history, failed ? ['on-second'] : ['lost', 'on-second']);
    } finally {
      await store.close();
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
