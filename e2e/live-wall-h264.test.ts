// A wall of sixteen H.264 cameras in the browser console (issue 13: sixteen cameras on one workstation). Each
// H.264 tile is an fMP4 stream played through MSE; as one long HTTP fetch per tile, a browser's six HTTP/1.1
// connections per host left every tile past the fifth black and made every other request of the console wait. The
// tiles now take init segment and fragments over the console's one WebSocket. Sixteen small H.264 files (320×180,
// 5 fps, a keyframe a second, one colour and name each, made with ffmpeg into a temp dir) are file cameras on the real
// host (live view: `-c copy` to fMP4); every tile's <video> must advance its currentTime, and a second screen of the
// same browser (People) must load while the wall plays; after a host restart (same data folder and port, no reload)
// every tile plays again from a fresh init segment. Its own host and browser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { defaultFfmpegPath } from '../src-main/ffmpeg/resolve-ffmpeg.ts';
import { launchBrowser, newPage, printScreenshotFolder, rpc, setupAdmin, shot, startHost, step, throwFirstFailure, valueOf } from './harness.ts';
import type { HostProcess, WatchedPage } from './harness.ts';

const run = promisify(execFile);
const N = 16;
const NAMES = ['Main gate', 'Lobby', 'Loading dock', 'Canteen', 'Stairwell B', 'Car park N', 'Server room', 'Open office',
  'Back door', 'Reception', 'Corridor 2', 'Warehouse', 'Car park S', 'Roof access', 'Bike shed', 'Side gate'];
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** A 6 s H.264 clip of one camera: its colour, its name and a moving frame counter (cheap to encode and to copy). */
async function makeClip(dir: string, i: number): Promise<string> {
  const file = join(dir, `cam${i}.mp4`);
  const hue = Math.round((i * 360) / N);
  const text = (t: string, y: number, size: number) => `drawtext=fontfile=${FONT}:text='${t}':x=12:y=${y}:fontsize=${size}:fontcolor=white`;
  await run(defaultFfmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x8c2f39:size=320x180:rate=5,hue=h=${hue}`,
    '-vf', [text(NAMES[i].replace(/ /g, '\\ '), 20, 24), text('frame %{n}', 110, 40), 'drawbox=x=mod(t*60\\,320):y=160:w=20:h=12:color=white:t=fill'].join(','),
    '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-g', '5', '-keyint_min', '5', '-pix_fmt', 'yuv420p', file,
  ]);
  return file;
}

/** Each tile's video state, read in the page. */
const videosOf = (page: Page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-testid=camera-tile]')].map((tile) => {
  const v = tile.querySelector<HTMLVideoElement>('video[data-testid=live-video]');
  return [tile.dataset.cameraId!, v ? { t: +v.currentTime.toFixed(2), w: v.videoWidth, live: v.dataset.live ?? null, ready: v.readyState } : null];
})));

describe('a live wall of sixteen H.264 cameras', { timeout: 150_000 }, () => {
  let host: HostProcess;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  let ready: Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wall-h264-'));

  before(() => {
    ready = (async () => {
      const fixtures = await Promise.allSettled([
        startHost({ args: ['--no-demo'], dataDir: join(dir, 'data') }), launchBrowser(),
        Promise.all(Array.from({ length: N }, (_, i) => makeClip(dir, i))),
      ] as const);
      host = valueOf(fixtures[0]);
      browser = valueOf(fixtures[1]);
      const clips = valueOf(fixtures[2]);
      throwFirstFailure(fixtures);
      watched = await newPage(browser);
      page = watched.page;
      await page.setViewportSize({ width: 1600, height: 1000 });
      await setupAdmin(page, host);
      for (let i = 0; i < N; i++) {
        const r = await rpc(page, 'cameras.create', {
          id: `cam${i}`, name: NAMES[i], location: `Floor ${i % 4}`, role: 'any',
          source: { type: 'file', path: clips[i], loop: true, realtime: true },
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
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
    printScreenshotFolder();
  });

  it('every tile plays over the one WebSocket, and another screen loads while the wall plays', async () => {
    await ready;
    await step(page, host, 'wall-16-h264', async () => {
      const t0 = Date.now();
      await page.getByTestId('nav-live').click();
      await page.keyboard.press('6');
      await page.locator('.wall-grid[data-grid="16"]').waitFor();
      // Time to first frame per tile: when its video first has a picture (readyState ≥ 2), seen from the page.
      await page.evaluate('window.__name = (f) => f'); // tsx names the functions below with a helper the page lacks
      await page.evaluate(() => {
        const w = window as unknown as { __firstFrame: Record<string, number> };
        w.__firstFrame = {};
        const t = performance.now();
        const tick = () => {
          for (const tile of document.querySelectorAll<HTMLElement>('[data-testid=camera-tile]')) {
            const v = tile.querySelector<HTMLVideoElement>('video');
            const id = tile.dataset.cameraId!;
            if (v && v.readyState >= 2 && w.__firstFrame[id] === undefined) w.__firstFrame[id] = Math.round(performance.now() - t);
          }
          if (Object.keys(w.__firstFrame).length < 16) requestAnimationFrame(tick);
        };
        tick();
      });
      // Every tile's video advances (the files play at 5 fps; a tile that never gets data stays at 0).
      const start = await page.waitForFunction((n) => {
        const vs = [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video[data-testid=live-video]')];
        return vs.length === n && vs.every((v) => v.readyState >= 2 && v.currentTime > 0) ? vs.map((v) => v.currentTime) : null;
      }, N, { timeout: 45_000, polling: 250 }).then(async (h) => (await h.jsonValue())!).catch(async (err: Error) => {
        throw new Error(`${err.message}; videos per tile: ${JSON.stringify(await videosOf(page))}`);
      });
      const startedMs = Date.now() - t0;
      await page.waitForFunction((s) => {
        const vs = [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video[data-testid=live-video]')];
        return vs.every((v, i) => v.currentTime > s[i] + 1.5);
      }, start, { timeout: 20_000, polling: 250 }).catch(async (err: Error) => {
        throw new Error(`${err.message}; videos per tile: ${JSON.stringify(await videosOf(page))}`);
      });
      const videos = await videosOf(page);
      assert.equal(Object.keys(videos).length, N);
      for (const [id, v] of Object.entries(videos)) {
        assert.ok(v, `${id} shows a video`);
        assert.equal(v.live, 'ws', `${id}: the video comes over the WebSocket`);
        assert.equal(v.w, 320, `${id}: decoded at the camera's size`);
      }
      const firstFrame = await page.evaluate(() => (window as unknown as { __firstFrame: Record<string, number> }).__firstFrame);
      await shot(page, '46-wall-16-h264');

      // A second screen of the same browser (same host, same connection pool) while the wall keeps playing.
      const other = await watched.context.newPage();
      const t1 = Date.now();
      await other.goto(host.url);
      await other.getByTestId('nav-people').click();
      await other.getByTestId('people-table').or(other.getByText('No people enrolled yet')).first().waitFor({ timeout: 15_000 });
      const peopleMs = Date.now() - t1;
      await other.close();
      // The wall kept playing meanwhile, and an RPC from the wall's own page answers.
      const before = await page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video')].map((v) => v.currentTime));
      const answered = await rpc(page, 'cameras.list', {});
      assert.equal(answered.status, 200);
      await page.waitForFunction((b) => [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video')].every((v, i) => v.currentTime > b[i] + 0.5), before, { timeout: 15_000 });

      // Host restart: the WebSocket comes back by itself, re-opens every tile and each starts a new MediaSource.
      const loadStarts = () => page.evaluate(() => (window as unknown as { __loadStarts: Record<string, number> }).__loadStarts);
      await page.evaluate(() => {
        const w = window as unknown as { __loadStarts: Record<string, number> };
        w.__loadStarts = {};
        document.addEventListener('loadstart', (e) => {
          const id = (e.target as HTMLElement).closest<HTMLElement>('[data-testid=camera-tile]')?.dataset.cameraId;
          if (id) w.__loadStarts[id] = (w.__loadStarts[id] ?? 0) + 1;
        }, true);
      });
      // A tile that falls behind: cam0's acks are held back for 6 s (as a stalled tab or a slow link would). The host
      // must skip to a keyframe (a GAP-flagged message) rather than queue, and the tile plays on once acks flow. With
      // credit 4 and 2 fragments a second, the host stops sending within 2 s and a keyframe finds the queue over 1 s
      // old by 4 s at the latest. How many acks the page holds depends on how fast it appends: on a loaded 2-core
      // machine 3 of the 4 fragments were still unappended when the hold began (CI saw 1 held ack), so the test
      // asks for at least one held ack, not four.
      await page.evaluate(() => {
        const w = window as unknown as { __hold: boolean; __held: Array<[WebSocket, string]>; __gaps: number };
        w.__hold = true;
        w.__held = [];
        w.__gaps = 0;
        const orig = WebSocket.prototype.send;
        const watched = new WeakSet<WebSocket>();
        WebSocket.prototype.send = function (this: WebSocket, d: string) {
          if (!watched.has(this)) {
            watched.add(this);
            this.addEventListener('message', (e) => {
              if (!(e.data instanceof ArrayBuffer)) return;
              const b = new Uint8Array(e.data);
              if (b[0] !== 2) return;
              const id = String.fromCharCode(...b.subarray(2, 2 + b[1]));
              if (id === 'cam0' && b[2 + b[1]] & 4) w.__gaps++;
            });
          }
          if (w.__hold && typeof d === 'string' && d.includes('"live_ack"') && d.includes('"cam0"')) { w.__held.push([this, d]); return; }
          return orig.call(this, d);
        };
      });
      await page.waitForTimeout(6000);
      const held = await page.evaluate(() => {
        const w = window as unknown as { __hold: boolean; __held: Array<[WebSocket, string]> };
        w.__hold = false;
        for (const [ws, d] of w.__held) ws.send(d);
        return w.__held.length;
      });
      const cam0At = await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-camera-id=cam0] video')!.currentTime);
      await page.waitForFunction((t) => document.querySelector<HTMLVideoElement>('[data-camera-id=cam0] video')!.currentTime > t + 1.5, cam0At, { timeout: 15_000, polling: 250 });
      const gaps = await page.evaluate(() => (window as unknown as { __gaps: number }).__gaps);
      assert.ok(held >= 1 && gaps >= 1, `the stalled tile resumed at a keyframe after a skip (${held} acks held, ${gaps} GAP messages)`);
      assert.deepEqual(watched.errors, [], 'the console logged errors before the restart');
      const port = Number(new URL(host.url).port);
      await host.stop();
      const t2 = Date.now();
      host = await startHost({ args: ['--no-demo'], dataDir: join(dir, 'data'), port });
      await page.waitForFunction((n) => {
        const starts = (window as unknown as { __loadStarts: Record<string, number> }).__loadStarts;
        const vs = [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video[data-testid=live-video]')];
        return vs.length === n && Object.keys(starts).length === n && vs.every((v) => v.readyState >= 2);
      }, N, { timeout: 60_000, polling: 250 }).catch(async (err: Error) => {
        throw new Error(`${err.message}; after the restart: ${JSON.stringify({ loadStarts: await loadStarts(), videos: await videosOf(page) })}`);
      });
      const resumed = await page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video')].map((v) => v.currentTime));
      await page.waitForFunction((b) => [...document.querySelectorAll<HTMLVideoElement>('[data-testid=camera-tile] video')].every((v, i) => v.currentTime > b[i] + 1), resumed, { timeout: 20_000, polling: 250 })
        .catch(async (err: Error) => { throw new Error(`${err.message}; after the restart: ${JSON.stringify(await videosOf(page))}`); });
      const restartMs = Date.now() - t2;
      await shot(page, '47-wall-16-h264-after-restart');
      const ff = Object.values(firstFrame).sort((a, b) => a - b);
      console.log(`e2e wall: ${N} H.264 tiles playing ${startedMs} ms after opening the wall (first frame per tile p50 ${ff[Math.floor(ff.length / 2)]} ms, max ${ff.at(-1)} ms); People loaded in ${peopleMs} ms with the wall open; all playing again ${restartMs} ms after the host restart began; a tile stalled 6 s resumed after ${gaps} keyframe skip(s)`);
      // While the host is down the browser logs each refused reconnect of the socket; nothing else may appear.
      assert.deepEqual(watched.errors.filter((e) => !/WebSocket connection to .* failed: .*ERR_CONNECTION_REFUSED/.test(e)), [], 'the console logged errors');
    });
  });
});
