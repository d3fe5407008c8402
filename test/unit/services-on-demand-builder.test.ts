import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { OnDemandBuilder } from '../../src/services/on-demand-builder.js';
import { smoothWeightedRoundRobin } from '../../src/services/smooth-weighted-round-robin.js';

test('smooth weighted round robin interleaves by weight and never picks weight 0', () => {
  const next = smoothWeightedRoundRobin([
    { item: 'a', weight: 5 },
    { item: 'b', weight: 1 },
    { item: 'never', weight: 0 },
    { item: 'c', weight: 1 },
  ]);
  const picks = Array.from({ length: 14 }, next);
  assert.deepEqual(picks.join(''), 'aabacaaaabacaa');
  assert.equal(smoothWeightedRoundRobin([{ item: 'x', weight: 0 }])(), undefined);
  assert.equal(smoothWeightedRoundRobin([])(), undefined);
});

/** Services are lists of child names; building one counts, so caching can be seen. */
class NamesBuilder extends OnDemandBuilder<string[]> {
  builds = 0;
  constructor(private readonly services: Record<string, string[] | 'throw'>) {
    super();
  }
  protected build(name: string): string[] {
    this.builds++;
    const children = this.services[name];
    if (children === undefined) throw new ConfigError(`"${name}" does not exist`);
    if (children === 'throw') throw new TypeError('a bug');
    const members = this.resolveMembers(
      name,
      children.map((child) => ({ name: child })),
      `s.${name}`,
    );
    return [name, ...members.flatMap((member) => member.item)];
  }
}

test('each service is built once, its result or its ConfigError kept', () => {
  const builder = new NamesBuilder({ 'top@file': ['leaf'], 'leaf@file': [], 'broken@file': ['gone'] });
  assert.deepEqual(builder.resolve('top@file'), ['top@file', 'leaf@file']);
  assert.deepEqual(builder.resolve('leaf@file'), ['leaf@file']);
  assert.equal(builder.builds, 2);
  assert.equal(builder.errorOf('broken@file'), 's.broken@file[0].name: "gone@file" does not exist');
  assert.throws(() => builder.resolve('broken@file'), ConfigError);
  assert.equal(builder.builds, 4);
});

test('a loop through other services is an error naming the options of the loop', () => {
  const builder = new NamesBuilder({ 'a@file': ['b'], 'b@file': ['a'] });
  assert.equal(
    builder.errorOf('a@file'),
    's.a@file[0].name: s.b@file[0].name: s.a@file: "a@file" includes itself; remove the loop',
  );
});

test('an error that is not a ConfigError disables the service instead of escaping', () => {
  const builder = new NamesBuilder({ 'bug@file': 'throw' });
  assert.equal(builder.errorOf('bug@file'), 'a bug');
});
