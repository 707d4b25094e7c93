// The USB source's device picker on the real host (vigil serve) in Chromium: the list is what the host machine
// really has (cameras.devices; on a machine without cameras the picker says so and the device stays typable), and
// choosing a device fills the source's device field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostWithBrowser, rpc, setupAdmin, shot } from './harness.ts';

const fixture = hostWithBrowser();

test('the camera form lists the host machine\'s local cameras for a USB source', { timeout: 120_000 }, async () => {
  const { host, w } = fixture;
  const { page } = w;
  await setupAdmin(page, host);
  const listed = await rpc(page, 'cameras.devices', {});
  assert.equal(listed.status, 200);
  const devices = listed.body;
  assert.ok(Array.isArray(devices));

  await page.getByTestId('nav-cameras').click();
  await page.getByRole('button', { name: 'Add camera' }).first().click();
  await page.locator('select#source-type').selectOption('usb');
  const picker = page.getByTestId('usb-devices');
  await picker.waitFor();
  const select = picker.locator('select');
  await page.waitForFunction(() => !document.querySelector('[data-testid=usb-devices] select option')?.textContent?.startsWith('Looking'));
  const options = (await select.locator('option').allInnerTexts()).slice(1);
  assert.equal(options.length, devices.length, 'one option per device the host reported');
  if (devices.length === 0) {
    assert.equal(await select.isDisabled(), true);
    await picker.getByText('The host computer sees no USB or built-in camera').waitFor();
    // The device can still be typed (a camera plugged in later).
    await page.locator('input[name=device]').fill('/dev/video0');
    assert.equal(await page.locator('input[name=device]').inputValue(), '/dev/video0');
  } else {
    await select.selectOption(devices[0].device);
    assert.equal(await page.locator('input[name=device]').inputValue(), devices[0].device);
  }
  await shot(page, 'usb-device-picker');
  assert.deepEqual(w.errors, []);
});
