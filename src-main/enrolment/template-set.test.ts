import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessNewTemplate, findOutliers } from './template-set.ts';

// Deterministic unit vectors: a "person" is a direction plus small noise; another person is another direction.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return v.map((x) => x / n);
}
const DIM = 128;
function direction(seed: number): Float32Array {
  const r = rng(seed);
  return unit(Float32Array.from({ length: DIM }, () => r()));
}
function near(base: Float32Array, noise: number, seed: number): Float32Array {
  const r = rng(seed);
  return unit(base.map((x) => x + noise * r()));
}

const alice = direction(1);
const bob = direction(2);
const opts = { sameFloor: 0.3 };

test('a new photo of the same person is accepted, a photo of someone else is an outlier, a copy is a duplicate', () => {
  const set = [0, 1, 2].map((i) => ({ id: `a${i}`, embedding: near(alice, 0.08, 10 + i) }));
  assert.equal(assessNewTemplate(near(alice, 0.08, 99), set, opts).verdict, 'ok');
  const other = assessNewTemplate(near(bob, 0.08, 98), set, opts);
  assert.equal(other.verdict, 'outlier');
  const dup = assessNewTemplate(set[1].embedding, set, opts);
  assert.deepEqual([dup.verdict, dup.verdict === 'duplicate' && dup.duplicateOf], ['duplicate', 'a1']);
  assert.equal(assessNewTemplate(near(bob, 0.08, 1), [], opts).verdict, 'ok', 'the first template has nothing to disagree with');
  assert.equal(assessNewTemplate(near(bob, 0.08, 1), [{ ...set[0], outlier: true }], opts).verdict, 'ok', 'outliers are not a reference');
});

test('findOutliers flags the stranger in a set, never the majority, and needs three templates', () => {
  const set = [0, 1, 2, 3].map((i) => ({ id: `a${i}`, embedding: near(alice, 0.1, 20 + i) }));
  const withStranger = [...set, { id: 'b0', embedding: near(bob, 0.1, 30) }];
  assert.deepEqual([...findOutliers(withStranger, opts)], ['b0']);
  assert.equal(findOutliers(set, opts).size, 0);
  assert.equal(findOutliers([set[0], { id: 'b0', embedding: bob }], opts).size, 0);
  const mostlyBob = [set[0], ...[0, 1, 2].map((i) => ({ id: `b${i}`, embedding: near(bob, 0.1, 40 + i) }))];
  assert.deepEqual([...findOutliers(mostlyBob, opts)], ['a0']);
});
