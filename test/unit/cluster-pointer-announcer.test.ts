import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PointerAnnouncer } from '../../src/cluster/pointer-announcer.js';
import type { FunctionPointer, PointerEvent } from '../../src/functions/store/types.js';

const pointer = (name: string, id: string): FunctionPointer => ({
  name,
  history: [id],
  updatedAt: '2026-11-26T00:00:00Z',
});

test('after an outage, the watchers hear every current pointer and the removal of functions gone meanwhile', () => {
  const announcer = new PointerAnnouncer();
  const heard: PointerEvent[] = [];
  announcer.watch((event) => heard.push(event));
  // Known from the first listing, and from a deploy heard live.
  announcer.listed([pointer('kept', 'v1'), pointer('removed', 'v1')]);
  announcer.announce({ name: 'deployed', pointer: pointer('deployed', 'v1') });
  heard.length = 0;

  announcer.resync([pointer('kept', 'v2'), pointer('new', 'v1')]);
  assert.deepEqual(
    heard.map((event) => [event.name, event.pointer?.history[0]]),
    [
      ['removed', undefined],
      ['deployed', undefined],
      ['kept', 'v2'],
      ['new', 'v1'],
    ],
  );

  // A removal is told once: the next resync has nothing more to remove.
  heard.length = 0;
  announcer.resync([pointer('kept', 'v2'), pointer('new', 'v1')]);
  assert.deepEqual(
    heard.map((event) => event.pointer === undefined),
    [false, false],
  );
});
