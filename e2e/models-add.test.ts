// Settings → Add a model in Chromium against the real host (vigil serve): a copy of a shipped model with one byte
// flipped is refused with the host's clear message (altered, sha256 shown), nothing installed; the same file with
// I/O facts that hold is registered and shows up in the embedder list above.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostWithBrowser, rpc, setupAdmin, shot } from './harness.ts';
import { DEFAULT_MODELS_DIR } from '../src-engine/public.ts';

const ctx = hostWithBrowser();
let files: string;
before(() => { files = mkdtempSync(join(tmpdir(), 'vigil-e2e-models-')); });
after(() => rmSync(files, { recursive: true, force: true }));

test('Settings: an altered model file is refused with the reason; with facts it is registered and selectable', { timeout: 180_000 }, async () => {
  const { page, errors } = ctx.w;
  const bad = join(files, 'arcface_mbf_112.onnx');
  const bytes = readFileSync(join(DEFAULT_MODELS_DIR, 'arcface_mbf_112.onnx'));
  bytes[bytes.length - 100] ^= 0x01;
  writeFileSync(bad, bytes);
  await setupAdmin(page, ctx.host);
  await page.goto(`${ctx.host.url}#/settings/system`);
  const panel = page.getByTestId('model-add-panel');
  await panel.waitFor();
  await page.locator('#model-add-path').fill(bad);
  await panel.getByRole('button', { name: 'Check and install' }).click();
  const refused = page.getByTestId('model-add-refused');
  await refused.waitFor();
  assert.match(await refused.innerText(), /Refused \(MODEL_INTEGRITY\):.*looks like arcface-mbf-112 but its sha256 is.*altered or corrupt, refused/s);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'models-add-refused');

  await panel.getByLabel('Register as a new embedder').check();
  const facts: Record<string, string> = { id: 'site-embedder', input: 'input', output: 'output', dim: '512', calibration: '1e-3:0.42', license: 'test licence', source: 'e2e test' };
  for (const [k, v] of Object.entries(facts)) await panel.locator(`input[data-field="${k}"]`).fill(v);
  await panel.getByRole('button', { name: 'Check and install' }).click();
  const ok = page.getByTestId('model-add-ok');
  await ok.waitFor();
  assert.match(await ok.innerText(), /registered site-embedder as a new embedder/);
  await page.locator('#embedder-select option[value="site-embedder"]').waitFor({ state: 'attached' });
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'models-add-registered');
  const s = await rpc(page, 'embedders.status', {});
  assert.ok(s.body.embedders.some((e) => e.id === 'site-embedder'));
  assert.deepEqual(errors, []);
});
