import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { DirectoryStore } from '../../src/functions/store/directory-store.js';
import { MemoryStore } from '../../src/functions/store/memory-store.js';
import {
  checkFunctionName,
  type FunctionPointer,
  type FunctionStore,
  type PointerEvent,
  type StoredVersion,
} from '../../src/functions/store/types.js';
import { makeStoreDir } from '../helpers/functions-harness.js';

function version(source: string): StoredVersion {
  const id = createHash('sha256').update(source).digest('hex');
  return { id, source, code: source, file: 'f.ts', compiler: 'test', createdAt: new Date(0).toISOString() };
}

const push = (id: string) => (p: FunctionPointer | undefined) => ({
  name: 'f',
  history: [...(p?.history ?? []), id],
  updatedAt: 'now',
});

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function directoryStore(dir?: string): Promise<DirectoryStore> {
  const directory = dir ?? (await makeStoreDir());
  dirs.push(directory);
  return new DirectoryStore(directory, { pollMs: 50 });
}

for (const [kind, make] of [
  ['directory', () => directoryStore()],
  ['memory', async () => new MemoryStore()],
] as const) {
  describe(`${kind} store`, () => {
    it('keeps versions immutable and addressed by content', async () => {
      const store: FunctionStore = await make();
      const v = version('export default 1');
      await store.putVersion(v);
      await store.putVersion({ ...v, code: 'changed' });
      assert.equal((await store.getVersion(v.id))?.code, 'export default 1');
      assert.equal(await store.getVersion('0'.repeat(64)), undefined);
      await store.close();
    });

    it('moves a pointer forward, back one version, and deletes it, announcing each change', async () => {
      const store: FunctionStore = await make();
      const events: PointerEvent[] = [];
      const stop = store.watch((e) => events.push(e));
      await store.updatePointer('f', push('v1'));
      await store.updatePointer('f', push('v2'));
      assert.deepEqual((await store.getPointer('f'))?.history, ['v1', 'v2']);
      await store.updatePointer('f', (p) => p && { ...p, history: p.history.slice(0, -1) });
      assert.deepEqual((await store.getPointer('f'))?.history, ['v1']);
      assert.deepEqual(
        (await store.listPointers()).map((p) => p.name),
        ['f'],
      );
      await store.updatePointer('f', () => undefined);
      assert.equal(await store.getPointer('f'), undefined);
      assert.deepEqual(
        events.map((e) => e.pointer?.history.at(-1) ?? 'removed'),
        ['v1', 'v2', 'v1', 'removed'],
      );
      stop();
      await store.close();
    });
  });
}

describe('directory store shared by several instances', () => {
  it('serialises concurrent pointer updates from two instances (no lost update)', async () => {
    const a = await directoryStore();
    const b = await directoryStore(a.directory);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).updatePointer('f', push(`v${i}`))));
    const history = (await a.getPointer('f'))?.history ?? [];
    assert.equal(history.length, 20);
    assert.deepEqual(new Set(history).size, 20);
    const leftovers = (await readdir(`${a.directory}/functions`)).filter((f) => !f.endsWith('.json'));
    assert.deepEqual(leftovers, [], 'no lock or temp files left behind');
  });

  it("announces another instance's change through the shared directory", async () => {
    const a = await directoryStore();
    const b = await directoryStore(a.directory);
    const seen = new Promise<PointerEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no announcement within 3 s')), 3000);
      b.watch((event) => {
        clearTimeout(timer);
        resolve(event);
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    await a.updatePointer('f', push('v9'));
    const event = await seen;
    assert.equal(event.name, 'f');
    assert.deepEqual(event.pointer?.history, ['v9']);
    await b.close();
  });
});

describe('function names', () => {
  it('accepts simple names and explains the rule otherwise', () => {
    assert.equal(checkFunctionName('sum'), undefined);
    assert.equal(checkFunctionName('my-func_2'), undefined);
    for (const bad of ['', 'Sum', '../x', 'a/b', '-x', 'x'.repeat(64)])
      assert.match(checkFunctionName(bad) ?? '', /invalid: use 1 to 63/, bad);
  });
});
