import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idFromName } from './cameras.ts';

test('a camera id is generated from its name, readable and unique', () => {
  const taken = new Set(['front-door', 'front-door-2']);
  assert.equal(idFromName('Front door', (id) => taken.has(id)), 'front-door-3');
  assert.equal(idFromName('Entrée Nord / Hall', () => false), 'entree-nord-hall');
  assert.equal(idFromName('***', () => false), 'camera');
  assert.match(idFromName('x'.repeat(200), () => false), /^[a-z0-9-]{1,64}$/);
});
