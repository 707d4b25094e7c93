// The host restarts under an open console (issue 14 #11): an MJPEG tile (a loopback HTTP-MJPEG camera, real JPEG
// frames) must not keep a stale "Live" badge while the host is down, and must show pictures again once the host
// is back on the same data folder and port, without a reload. Its own host, camera and browser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { MjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import { step, printScreenshotFolder, shot, startHost } from './harness.ts';
import type { HostProcess } from './harness.ts';
import { startMjpegWall } from './mjpeg-wall.ts';

describe('host restart under an open live wall', { timeout: 150_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-restart-'));
  let host: HostProcess;
  let browser: Browser;
  let camera: MjpegServer;
  let page: Page;
  let ready: Promise<void>;

  before(() => {
    ready = startMjpegWall({ dataDir }).then((w) => { ({ host, browser, camera, page } = w); });
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await camera?.stop();
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    printScreenshotFolder();
  });

  it('says "Host offline" while the host is down and reopens the MJPEG picture when it is back', async () => {
    await ready;
    await step(page, host, 'host-restart', async () => {
      await page.getByTestId('nav-live').click();
      const tile = page.locator('[data-testid=camera-tile][data-camera-id=lobby]');
      const badge = tile.locator('.tile-bar [data-testid=camera-state]');
      const img = tile.locator('img.live-media');
      await tile.locator('.tile-bar [data-testid=camera-state][data-state=live]').waitFor({ timeout: 30_000 });
      const loaded = () => img.evaluate((el: HTMLImageElement) => new Promise<number>((res) => {
        if (el.complete && el.naturalWidth > 0) res(el.naturalWidth); else el.addEventListener('load', () => res(el.naturalWidth), { once: true });
      }));
      assert.ok(await loaded() > 0);
      const srcBefore = await img.getAttribute('src');

      // Record every picture load with its URL (capture: the <img> may be replaced while the camera restarts).
      await page.evaluate(() => {
        const w = window as unknown as { __mjpegLoads: { src: string; width: number }[] };
        w.__mjpegLoads = [];
        document.addEventListener('load', (e) => {
          const el = e.target;
          if (el instanceof HTMLImageElement && el.dataset.testid === 'live-mjpeg') w.__mjpegLoads.push({ src: el.src, width: el.naturalWidth });
        }, true);
      });
      const port = Number(new URL(host.url).port);
      await host.stop();
      await tile.locator('.tile-bar [data-testid=camera-state][data-stale=true]').waitFor({ timeout: 15_000 });
      assert.equal(await badge.innerText(), 'Host offline');
      assert.equal(await tile.locator('.tile-fps').count(), 0, 'no stale fps while the host is down');
      // Only pictures drawn after the restart count from here on.
      await page.evaluate(() => { (window as unknown as { __mjpegLoads: unknown[] }).__mjpegLoads = []; });
      await shot(page, '40-host-offline');

      host = await startHost({ args: ['--no-demo'], dataDir, port });
      await tile.locator('.tile-bar [data-testid=camera-state][data-state=live]:not([data-stale])').waitFor({ timeout: 60_000 });
      // New pictures arrive on the reopened tile (over the reconnected WebSocket: a new object URL per picture).
      await page.waitForFunction((before) => {
        const loads = (window as unknown as { __mjpegLoads: { src: string; width: number }[] }).__mjpegLoads;
        const el = document.querySelector<HTMLImageElement>('[data-camera-id=lobby] img.live-media');
        return Boolean(el && el.getAttribute('src') !== before && el.naturalWidth > 0 && loads.filter((l) => l.width > 0).length >= 2);
      }, srcBefore, { timeout: 30_000 });
      assert.match(await badge.innerText(), /^Live$/);
      await shot(page, '41-host-back');
    });
  });
});
