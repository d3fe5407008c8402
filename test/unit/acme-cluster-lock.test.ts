import assert from 'node:assert/strict';
import { test } from 'node:test';
import { underLease, type LockLease } from '../../src/cluster/cluster-lock.js';

/** A lock in memory, as a store holds it: one holder, who can lose it when another takes it over. */
function memoryLock() {
  let holder: string | undefined;
  return {
    takeOver: (who: string) => (holder = who),
    lease: (who: string): LockLease => ({
      acquire: () => Promise.resolve(holder === undefined ? ((holder = who), true) : false),
      renew: () => Promise.resolve(holder === who),
      release: () => Promise.resolve(void (holder === who && (holder = undefined))),
    }),
  };
}

test('a task whose lock is taken over is aborted before it can store anything', async () => {
  const lock = memoryLock();
  let stored = false;
  const outcome = underLease(
    lock.lease('first'),
    'le|example.com',
    async (signal) => {
      lock.takeOver('second');
      await new Promise((resolve) => setTimeout(resolve, 200));
      signal.throwIfAborted();
      stored = true;
    },
    () => false,
    20,
  );
  await assert.rejects(outcome, /lost the cluster lock "le\|example\.com"/);
  assert.equal(stored, false);
});

test('a task that keeps its lock runs to the end with an unaborted signal', async () => {
  const lock = memoryLock();
  const aborted = await underLease(
    lock.lease('only'),
    'le|kept.example.com',
    async (signal) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return signal.aborted;
    },
    () => false,
    20,
  );
  assert.equal(aborted, false);
  assert.ok(await lock.lease('next').acquire(), 'the lock was released');
});
