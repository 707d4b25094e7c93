// Gallery: several templates per person, top-k by person, explicit unknown, removal keeps rows consistent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Gallery } from './gallery.ts';

const unit = (dim: number, hot: number[], weights: number[] = hot.map(() => 1)): Float32Array => {
  const v = new Float32Array(dim);
  hot.forEach((h, i) => (v[h] = weights[i]));
  return v;
};

test('top-k by person (best template each), match vs unknown at the threshold', () => {
  const g = new Gallery(8);
  g.add('ann', unit(8, [0]));
  g.add('ann', unit(8, [1]));
  g.add('bob', unit(8, [2]));
  g.add('cid', unit(8, [3]));
  const q = unit(8, [1, 2], [0.8, 0.6]); // cos 0.8 with ann's 2nd template, 0.6 with bob
  const r = g.search(q, 2, 0.7);
  assert.deepEqual(r.matches.map((m) => m.person_id), ['ann', 'bob']);
  assert.ok(Math.abs(r.matches[0].score - 0.8) < 1e-6);
  assert.equal(r.decision, 'match');
  assert.equal(r.identity?.person_id, 'ann');
  const unknown = g.search(q, 2, 0.85);
  assert.equal(unknown.decision, 'unknown');
  assert.equal(unknown.identity, null);
  assert.equal(unknown.matches.length, 2, 'nearest candidates are still listed');
});

test('upsert replaces a person, remove and sync keep the matrix consistent', () => {
  const g = new Gallery(4, 2); // tiny capacity: forces growth
  for (let i = 0; i < 4; i++) g.add(`p${i}`, unit(4, [i]));
  assert.equal(g.size, 4);
  g.upsertPerson('p1', [unit(4, [3]), unit(4, [2])], ['x', 'y']);
  assert.equal(g.size, 5);
  assert.equal(g.removePerson('p3'), 1);
  assert.equal(g.persons, 3);
  // p1's templates moved rows during removal; the search must still find them by their ids.
  const r = g.search(unit(4, [3]), 1);
  assert.equal(r.matches[0].person_id, 'p1');
  assert.equal(r.matches[0].template_id, 'x');
  assert.ok(g.removeTemplate('x'));
  assert.equal(g.search(unit(4, [3]), 1).matches[0]?.score ?? 0, 0);
  g.sync([{ person_id: 'z', embeddings: [unit(4, [0, 1])] }]);
  assert.equal(g.size, 1);
  assert.ok(Math.abs(g.search(unit(4, [0]), 1).matches[0].score - Math.SQRT1_2) < 1e-6, 'templates are L2-normalised');
  assert.throws(() => g.add('bad', new Float32Array(3)), /4 values/);
  assert.throws(() => g.add('bad', new Float32Array(4)), /all zeros/);
});

test('10,000 templates: a search stays fast', () => {
  const g = new Gallery(512, 10_000);
  const v = new Float32Array(512);
  for (let i = 0; i < 10_000; i++) {
    for (let k = 0; k < 512; k++) v[k] = Math.sin(i * 7.1 + k * 1.3);
    g.add(`p${i >> 1}`, v);
  }
  g.search(v, 5);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) g.search(v, 5);
  const ms = (performance.now() - t0) / 10;
  assert.ok(ms < 100, `search took ${ms.toFixed(1)} ms`); // generous: ~5-10 ms on one core, CI machines are shared
});
