// A wall of nine MJPEG cameras (issue 14 #11 follow-up): a browser allows six HTTP/1.1 connections per host, so
// nine multipart <img> streams left three tiles black and made every other request of the console (another
// screen, its lazy chunks, RPC calls) wait behind them. The tiles now take their pictures over the console's one
// WebSocket. Nine loopback HTTP-MJPEG cameras (small JPEGs, one colour each, a frame counter in bars) feed the
// wall; every tile must show changing pictures, and a second screen of the same browser (People) must load while
// the wall stays open. Its own host and browser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { startMjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import type { MjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import { launchBrowser, newPage, printScreenshotFolder, rpc, setupAdmin, shot, startHost, step, throwFirstFailure, valueOf } from './harness.ts';
import type { HostProcess, WatchedPage } from './harness.ts';

const CAMERAS = [
  ['gate', 'Main gate', '#8c2f39'], ['lobby', 'Lobby', '#2f6690'], ['dock', 'Loading dock', '#3a7d44'],
  ['canteen', 'Staff canteen', '#7b5e7b'], ['stairs', 'Stairwell B', '#b5651d'], ['park', 'Car park north', '#4a4e69'],
  ['server', 'Server room', '#1b998b'], ['office', 'Open office', '#6d597a'], ['back', 'Back door', '#9a031e'],
] as const;

/**
 * Four 320×180 pictures of one camera: its colour with 1–4 white bars (the frame number), drawn as raw pixels. No
 * SVG text: rendering it needs fontconfig, whose first cache build on a fresh CI machine once held this test's
 * start-up past its timeout while Chromium (another test file) built its own.
 */
function framesOf(colour: string): Promise<Buffer[]> {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  const W = 320;
  const H = 180;
  return Promise.all([1, 2, 3, 4].map((n) => {
    const px = Buffer.alloc(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const bar = y >= 110 && y < 150 && x >= 16 && (x - 16) % 40 < 24 && (x - 16) / 40 < n;
        px.set(bar ? [255, 255, 255] : [r, g, b], (y * W + x) * 3);
      }
    }
    return sharp(px, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  }));
}

/** Picture loads per camera tile, counted in the page (capture phase: tiles may be re-rendered). */
const loadsPerTile = (page: Page) => page.evaluate(() => (window as unknown as { __tileLoads: Record<string, number> }).__tileLoads);
/** Distinct pictures per tile (a digest of each drawn picture scaled to 32×18: the frame number changes it). */
const picturesPerTile = (page: Page) => page.evaluate(() => Object.fromEntries(Object.entries(
  (window as unknown as { __tilePictures: Record<string, string[]> }).__tilePictures).map(([id, d]) => [id, new Set(d).size])));

describe('a live wall of nine MJPEG cameras', { timeout: 180_000 }, () => {
  let host: HostProcess;
  let browser: Browser;
  let servers: MjpegServer[] = [];
  let watched: WatchedPage;
  let page: Page;
  let ready: Promise<void>;

  before(() => {
    ready = (async () => {
      const fixtures = await Promise.allSettled([
        startHost({ args: ['--no-demo'] }), launchBrowser(),
        Promise.all(CAMERAS.map(async ([, , colour]) => startMjpegServer({ frames: await framesOf(colour), fps: 5 }))),
      ] as const);
      host = valueOf(fixtures[0]);
      browser = valueOf(fixtures[1]);
      servers = valueOf(fixtures[2]) ?? [];
      throwFirstFailure(fixtures);
      watched = await newPage(browser);
      page = watched.page;
      await setupAdmin(page, host);
      for (const [i, [id, name]] of CAMERAS.entries()) {
        const r = await rpc(page, 'cameras.create', {
          id, name, location: `Floor ${i % 3}`, role: 'any',
          source: { type: 'http_mjpeg', url: servers[i].url, headers: {}, timeout_ms: 3000 },
          detection: { fps_limit: 1, detect_width: 320 },
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    })();
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await host?.stop();
    printScreenshotFolder();
  });

  it('every tile shows changing pictures over one WebSocket, and another screen loads while the wall is open', async () => {
    await ready;
    await step(page, host, 'wall-9-mjpeg', async () => {
      await page.evaluate(() => {
        const w = window as unknown as { __tileLoads: Record<string, number>; __tilePictures: Record<string, string[]> };
        w.__tileLoads = {};
        w.__tilePictures = {};
        const canvas = document.createElement('canvas');
        canvas.width = 32;
        canvas.height = 18;
        const g = canvas.getContext('2d', { willReadFrequently: true })!;
        document.addEventListener('load', (e) => {
          const el = e.target;
          if (!(el instanceof HTMLImageElement) || el.dataset.testid !== 'live-mjpeg' || el.naturalWidth === 0) return;
          const id = el.closest<HTMLElement>('[data-testid=camera-tile]')?.dataset.cameraId;
          if (!id) return;
          w.__tileLoads[id] = (w.__tileLoads[id] ?? 0) + 1;
          g.drawImage(el, 0, 0, 32, 18);
          const px = g.getImageData(0, 0, 32, 18).data;
          let h = 0;
          for (let i = 0; i < px.length; i++) h = (h * 31 + px[i]) >>> 0;
          (w.__tilePictures[id] ??= []).push(h.toString(16));
        }, true);
      });
      await page.getByTestId('nav-live').click();
      await page.keyboard.press('9');
      await page.locator('.wall-grid[data-grid="9"]').waitFor();
      for (const [id] of CAMERAS) {
        await page.locator(`[data-testid=camera-tile][data-camera-id=${id}] .tile-bar [data-testid=camera-state][data-state=live]`).waitFor({ timeout: 60_000 });
      }
      // Every tile draws several pictures (the source sends 5 per second; a stuck tile stays at 0 or 1).
      await page.waitForFunction((ids) => {
        const loads = (window as unknown as { __tileLoads: Record<string, number> }).__tileLoads;
        return ids.every((id) => (loads[id] ?? 0) >= 3);
      }, CAMERAS.map(([id]) => id), { timeout: 60_000, polling: 250 }).catch(async (err: Error) => {
        throw new Error(`${err.message}; loads per tile: ${JSON.stringify(await loadsPerTile(page))}`);
      });
      // ... and they are different pictures (the frame number changes), not one picture loaded again.
      await page.waitForFunction(() => {
        const pics = (window as unknown as { __tilePictures: Record<string, string[]> }).__tilePictures;
        return Object.keys(pics).length === 9 && Object.values(pics).every((d) => new Set(d).size >= 2);
      }, undefined, { timeout: 30_000, polling: 250 }).catch(async (err: Error) => {
        throw new Error(`${err.message}; distinct pictures per tile: ${JSON.stringify(await picturesPerTile(page))}`);
      });
      const imgs = page.locator('[data-testid=camera-tile] img[data-testid=live-mjpeg]');
      assert.equal(await imgs.count(), CAMERAS.length);
      for (const img of await imgs.all()) {
        assert.equal(await img.getAttribute('data-live'), 'ws', 'the picture comes over the WebSocket');
        assert.ok(await img.evaluate((el: HTMLImageElement) => el.naturalWidth === 320 && el.src.startsWith('blob:')));
      }
      await shot(page, '45-wall-9-mjpeg');

      // A second screen of the same browser (same host, same connection pool) while the wall keeps streaming.
      const other = await watched.context.newPage();
      const t0 = Date.now();
      await other.goto(host.url);
      await other.getByTestId('nav-people').click();
      await other.getByTestId('people-table').or(other.getByText('No people enrolled yet')).first().waitFor({ timeout: 15_000 });
      const peopleMs = Date.now() - t0;
      await other.close();
      // The wall kept going meanwhile, and an RPC from the wall's own page answers.
      const before = await loadsPerTile(page);
      const answered = await rpc(page, 'cameras.list', {});
      assert.equal(answered.status, 200);
      await page.waitForFunction((b) => {
        const loads = (window as unknown as { __tileLoads: Record<string, number> }).__tileLoads;
        return Object.keys(b).every((id) => loads[id] > b[id]);
      }, before, { timeout: 15_000 });
      console.log(`e2e wall: 9 MJPEG tiles live; People screen loaded in ${peopleMs} ms with the wall open`);
      assert.deepEqual(watched.errors, [], 'the console logged errors');
    });
  });
});
