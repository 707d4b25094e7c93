// Motion masks in the camera form, on the real host (vigil serve) in Chromium: the admin tests the source (its
// first frame becomes the picture), draws a mask over it with the mouse, adds a second by typing percentages,
// saves, and the camera's config holds both (normalised); reopening the form shows them again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, hostWithBrowser, rpc, setupAdmin, shot } from './harness.ts';

const VIDEO = join(ROOT, 'assets', 'demo', 'generated', 'demo-walk.mp4');

const fx = hostWithBrowser();

test('draw a motion mask over the camera picture, type another, save: the camera config holds both', { timeout: 150_000 }, async () => {
  const { host, w: { page } } = fx;
  await setupAdmin(page, host);
  const created = await rpc(page, 'cameras.create', {
    id: 'lobby', name: 'Lobby', source: { type: 'file', path: VIDEO, loop: true, realtime: true }, detection: { fps_limit: 5, detect_width: 640 },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await page.goto(`${host.url}#/cameras/lobby`);
  await page.getByTestId('mask-editor').waitFor();
  await page.getByTestId('test-connection').click();
  await page.getByTestId('test-preview').waitFor({ timeout: 60_000 });
  const area = page.getByTestId('mask-area');
  await area.locator('img').waitFor();
  await area.scrollIntoViewIfNeeded();
  const box = (await area.boundingBox())!;
  // Drag from 70 %,5 % to 95 %,30 % of the picture.
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.05);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2, { steps: 4 });
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.3, { steps: 4 });
  await page.mouse.up();
  if (await page.getByTestId('mask-rect').count() !== 1) await shot(page, 'thr-motion-masks-failed-drag');
  assert.equal(await page.getByTestId('mask-rect').count(), 1);
  await page.getByRole('button', { name: 'Add mask' }).click();
  await page.getByLabel('Left % 2 (%)').fill('0');
  await page.getByLabel('Top % 2 (%)').fill('75');
  await page.getByLabel('Width % 2 (%)').fill('30');
  await page.getByLabel('Height % 2 (%)').fill('25');
  assert.equal(await page.getByTestId('mask-rect').count(), 2);
  await area.scrollIntoViewIfNeeded();
  await shot(page, 'thr-motion-masks');

  await page.getByRole('button', { name: 'Save' }).first().click();
  await page.waitForFunction(() => location.hash === '#/cameras');
  const got = await rpc(page, 'cameras.get', { id: 'lobby' });
  const masks = got.body.detection.motion_masks;
  assert.equal(masks.length, 2, JSON.stringify(masks));
  const [drawn, typed] = masks;
  const near = (a: number, b: number) => Math.abs(a - b) < 0.02;
  assert.ok(near(drawn.x, 0.7) && near(drawn.y, 0.05) && near(drawn.width, 0.25) && near(drawn.height, 0.25), JSON.stringify(drawn));
  assert.deepEqual(typed, { x: 0, y: 0.75, width: 0.3, height: 0.25 });

  // A mask outside the frame is refused by the host with the field named (the contract's check).
  const bad = await rpc(page, 'cameras.update', { id: 'lobby', patch: { detection: { ...got.body.detection, motion_masks: [{ x: 0.9, y: 0, width: 0.5, height: 0.1 }] } } });
  assert.equal(bad.status, 400);

  await page.goto(`${host.url}#/cameras/lobby`);
  await page.getByTestId('mask-editor').waitFor();
  assert.equal(await page.getByTestId('mask-rect').count(), 2, 'reopened: both masks shown');
  assert.deepEqual(fx.w.errors, []);
});
