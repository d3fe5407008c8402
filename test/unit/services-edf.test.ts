import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EdfScheduler } from '../../src/services/edf.js';

const always = (): boolean => true;

test('weights 3:1 over 4,000 picks give 3,000:1,000 within 1%', () => {
  const scheduler = new EdfScheduler([
    { item: 'a', weight: 3 },
    { item: 'b', weight: 1 },
  ]);
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 4000; i++) counts[scheduler.next(always) as 'a' | 'b']++;
  assert.ok(Math.abs(counts.a - 3000) <= 30, `a got ${counts.a}`);
  assert.ok(Math.abs(counts.b - 1000) <= 10, `b got ${counts.b}`);
});

test('picks are interleaved smoothly, not in runs', () => {
  const scheduler = new EdfScheduler([
    { item: 'a', weight: 3 },
    { item: 'b', weight: 1 },
  ]);
  const sequence = Array.from({ length: 12 }, () => scheduler.next(always)).join('');
  // b comes once in every window of four picks.
  for (let i = 0; i + 4 <= sequence.length; i += 4) {
    assert.equal([...sequence.slice(i, i + 4)].filter((c) => c === 'b').length, 1, sequence);
  }
  const equal = new EdfScheduler(['x', 'y', 'z'].map((item) => ({ item, weight: 1 })));
  assert.equal(Array.from({ length: 6 }, () => equal.next(always)).join(''), 'xyzxyz');
});

test('weight zero or negative is never picked', () => {
  const scheduler = new EdfScheduler([
    { item: 'a', weight: 0 },
    { item: 'b', weight: -1 },
    { item: 'c', weight: 1 },
  ]);
  assert.equal(scheduler.size, 1);
  for (let i = 0; i < 10; i++) assert.equal(scheduler.next(always), 'c');
});

test('unusable items are skipped; none usable gives undefined', () => {
  const scheduler = new EdfScheduler(['a', 'b', 'c'].map((item) => ({ item, weight: 1 })));
  const picks = Array.from({ length: 6 }, () => scheduler.next((item) => item !== 'b'));
  assert.deepEqual(
    picks.filter((p) => p === 'b'),
    [],
  );
  assert.equal(picks.filter((p) => p === 'a').length, 3);
  assert.equal(
    scheduler.next(() => false),
    undefined,
  );
  assert.equal(new EdfScheduler<string>([]).next(always), undefined);
});
