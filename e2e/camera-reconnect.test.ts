// A camera that dies and comes back, as the guard sees it on the live wall: a loopback HTTP-MJPEG camera (real
// JPEG frames of people) is killed, the tile's badge turns to "Reconnecting", and after the camera server is
// restarted on the same port the badge is live again. Its own host and browser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { MjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import { step, printScreenshotFolder, rpc, shot } from './harness.ts';
import type { HostProcess, WatchedPage } from './harness.ts';
import { startMjpegWall } from './mjpeg-wall.ts';

describe('camera reconnection on the live wall', { timeout: 150_000 }, () => {
  let host: HostProcess;
  let browser: Browser;
  let camera: MjpegServer;
  let watched: WatchedPage;
  let page: Page;
  // Set-up failures fail the scenario (awaited in it) rather than cancelling it uncounted.
  let ready: Promise<void>;
  /** A step of the scenario; on failure it leaves a screenshot and the host's log in the error. */
  const scenario = (name: string, slug: string, body: () => Promise<void>) => it(name, async () => {
    await ready;
    await step(page, host, slug, body);
  });

  before(() => {
    ready = startMjpegWall().then((w) => { ({ host, browser, camera, watched, page } = w); });
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await camera?.stop();
    await host?.stop();
    printScreenshotFolder();
  });

  scenario('shows live, then reconnecting while the camera server is down, then live again', 'reconnect', async () => {
    await page.getByTestId('nav-live').click();
    const tile = page.locator('[data-testid=camera-tile][data-camera-id=lobby]');
    const badge = tile.locator('.tile-bar [data-testid=camera-state]');
    await tile.locator('.tile-bar [data-testid=camera-state][data-state=live]').waitFor({ timeout: 30_000 });
    await tile.locator('img.live-media').evaluate((img: HTMLImageElement) => new Promise<void>((res) => {
      if (img.naturalWidth > 0) res(); else img.addEventListener('load', () => res(), { once: true });
    }));
    await shot(page, '30-reconnect-live');

    await camera.kill();
    // The host keeps retrying with a growing back-off: the badge says so (with the countdown), not "Error".
    await tile.locator('.tile-bar [data-testid=camera-state][data-reconnecting=true]').waitFor({ timeout: 30_000 });
    assert.match(await badge.innerText(), /^Reconnecting( in \d+ s|…)$/);
    // The tile says so over the picture too, not only in its bar.
    await tile.locator('.tile-offline [data-testid=camera-state]').waitFor();
    await shot(page, '31-reconnect-down');

    await camera.restart();
    await tile.locator('.tile-bar [data-testid=camera-state][data-state=live]').waitFor({ timeout: 60_000 });
    await tile.locator('.tile-offline').waitFor({ state: 'detached' });
    await shot(page, '32-reconnect-back');
    const cam = await rpc(page, 'cameras.get', { id: 'lobby' });
    assert.ok(cam.body.stats.reconnections >= 1, `reconnections: ${cam.body.stats.reconnections}`);
    assert.deepEqual(watched.errors, [], 'the console logged errors');
  });
});
