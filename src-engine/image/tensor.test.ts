// Normalisation and channel order against every manifest entry: a known pixel must land in the planes
// and at the values the entry's input spec says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadManifest } from '../registry/manifest.ts';
import { rgbToTensor, tensorSize } from './tensor.ts';

test('rgbToTensor follows each manifest entry: layout, colour order, mean/std', async () => {
  const manifest = await loadManifest();
  for (const entry of manifest.models) {
    const spec = entry.input;
    const n = spec.width * spec.height;
    const rgb = new Uint8Array(n * 3);
    // Pixel 1 is pure red (200, 10, 60); everything else black.
    rgb.set([200, 10, 60], 3);
    const out = new Float32Array(tensorSize(spec));
    rgbToTensor(rgb, spec, out);
    const norm = (v: number, c: number): number => (v - spec.mean[c]) / spec.std[c];
    if (spec.colorOrder === 'GRAY') {
      assert.equal(out.length, n, entry.id);
      assert.ok(Math.abs(out[1] - norm(0.299 * 200 + 0.587 * 10 + 0.114 * 60, 0)) < 1e-4, entry.id);
      assert.ok(Math.abs(out[0] - norm(0, 0)) < 1e-6, entry.id);
      continue;
    }
    const order = spec.colorOrder === 'RGB' ? [200, 10, 60] : [60, 10, 200];
    const at = (c: number): number => (spec.layout === 'NCHW' ? out[c * n + 1] : out[3 + c]);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(at(c) - norm(order[c], c)) < 1e-4, `${entry.id} channel ${c}`);
    // The swapped order really gives a different tensor (a silent RGB/BGR swap would be caught here).
    const swapped = new Float32Array(out.length);
    rgbToTensor(rgb, { ...spec, colorOrder: spec.colorOrder === 'RGB' ? 'BGR' : 'RGB' }, swapped);
    assert.notDeepEqual(Array.from(swapped.subarray(0, 8)), Array.from(out.subarray(0, 8)), entry.id);
  }
});
