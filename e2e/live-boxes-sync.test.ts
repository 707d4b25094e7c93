// Boxes on the video frame they belong to, measured in the real browser: `vigil serve` with its demo camera (people
// walking at constant speed through a composed video, fMP4 live view), Chromium. For every video frame that
// was analysed (LiveFrame.media_time_s equal to the frame's mediaTime from requestVideoFrameCallback), the box drawn
// on the overlay canvas must sit where the detector found the face in that frame: at most one frame at 25 fps,
// expressed through the face's measured speed. (That media_time_s is the fMP4 frame's own time is proved against
// ffprobe in src-main/camera/readers/ffmpeg-media-time.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser, newPage, printScreenshotFolder, setupAdmin, shot, startHost } from './harness.ts';

test('live boxes sit on the analysed video frame (≤ 1 frame at 25 fps)', { timeout: 120_000 }, async () => {
const host = await startHost();
const browser = await launchBrowser();
try {
  const { page } = await newPage(browser);
  await setupAdmin(page, host);
  const skip = page.getByRole('button', { name: 'Skip setup' });
  if (await skip.isVisible().catch(() => false)) await skip.click();
  await page.getByTestId('nav-live').click();
  await page.waitForSelector('video', { timeout: 30000 });
  await page.waitForSelector('canvas.live-overlay', { timeout: 30000 });
  await page.waitForTimeout(3000);
  await page.evaluate('window.__name = (f) => f'); // tsx names the functions below with a helper the page lacks
  const res = await page.evaluate(async () => {
    const det: { m: number; x: number; y: number; h: number; fw: number }[] = [];
    const samples: { m: number; left: number | null }[] = [];
    const v = document.querySelector('video') as HTMLVideoElement & { requestVideoFrameCallback(cb: (now: number, meta: { mediaTime: number }) => void): number };
    const c = document.querySelector('canvas.live-overlay') as HTMLCanvasElement;
    const stop = Date.now() + 9000;
    const poll = async () => {
      while (Date.now() < stop) {
        const r = await (await fetch('/api/rpc/live.latest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
        for (const f of r) if (f.media_time_s != null && f.faces.length === 1 && !det.some((d) => d.m === f.media_time_s)) det.push({ m: f.media_time_s, x: f.faces[0].box[0], y: f.faces[0].box[1], h: f.faces[0].box[3], fw: f.frame_width });
        await new Promise((r2) => setTimeout(r2, 40));
      }
    };
    const p = poll();
    await new Promise<void>((resolve) => {
      const cb = (_n: number, meta: { mediaTime: number }) => {
        // The detection of this very frame is already here (the player holds the video behind the detections).
        const d = det.find((x) => Math.abs(x.m - meta.mediaTime) < 0.002);
        if (d) requestAnimationFrame(() => {
          const dpr = window.devicePixelRatio || 1;
          const sc = Math.min(c.clientWidth / v.videoWidth, c.clientHeight / v.videoHeight);
          const k = (v.videoWidth / d.fw) * sc;
          const offX = (c.clientWidth - v.videoWidth * sc) / 2;
          const offY = (c.clientHeight - v.videoHeight * sc) / 2;
          const expected = offX + d.x * k;
          // The box's left stroke, searched near where the detection says it is, on every row of the box's middle
          // half: a pending face is drawn dashed (6 on, 4 off), so one row can fall in a gap of the left stroke and
          // a single-row scan would find the right stroke instead.
          const y0 = Math.round((offY + (d.y + d.h / 4) * k) * dpr);
          const rows = Math.max(1, Math.round((d.h / 2) * k * dpr));
          const x0 = Math.max(0, Math.round((expected - 80) * dpr));
          const x1 = Math.min(c.width, Math.round((expected + 80) * dpr));
          const img = c.getContext('2d')!.getImageData(x0, y0, Math.max(1, x1 - x0), rows);
          let left: number | null = null;
          for (let r = 0; r < img.height; r++) {
            for (let x = 0; x < img.width; x++) {
              if (img.data[(r * img.width + x) * 4 + 3] > 200) { if (left === null || (x0 + x) / dpr < left) left = (x0 + x) / dpr; break; }
            }
          }
          samples.push({ m: meta.mediaTime, left: left === null ? null : left - expected });
        });
        if (Date.now() < stop) v.requestVideoFrameCallback(cb); else resolve();
      };
      v.requestVideoFrameCallback(cb);
    });
    await p;
    const vw = v.videoWidth;
    const sc = Math.min(c.clientWidth / vw, c.clientHeight / v.videoHeight);
    return { det, samples, vw, sc };
  });
  // Drawn left edge minus where the detection of the very frame shown puts it, px.
  const diffs = res.samples.filter((x) => x.left !== null).map((x) => x.left!);
  const det = res.det.sort((a, b) => a.m - b.m);
  const speeds: number[] = [];
  for (let i = 1; i < det.length; i++) if (det[i].m - det[i - 1].m < 0.5) speeds.push(Math.abs(det[i].x - det[i - 1].x) * (res.vw / det[i].fw) * res.sc / (det[i].m - det[i - 1].m));
  speeds.sort((a, b) => a - b);
  const speed = speeds[Math.floor(speeds.length / 2)];
  console.log(JSON.stringify({ matched: diffs.length, samples: res.samples.length, detections: det.length, diffsPx: diffs.map((x) => +x.toFixed(1)), speedPxPerS: speed?.toFixed(0), worstMs: diffs.length && speed ? (Math.max(...diffs.map(Math.abs)) / speed * 1000).toFixed(1) : null }));
  await shot(page, 'live-boxes-sync');
  assert.ok(diffs.length >= 2, `analysed frames seen on screen with a drawn box: ${diffs.length} (${res.samples.length} frames shown, ${det.length} detections)`);
  assert.ok(speed > 20, `the face moves (${speed} px/s)`);
  const worstMs = (Math.max(...diffs.map(Math.abs)) / speed) * 1000;
  assert.ok(worstMs <= 40, `box offset ${worstMs.toFixed(1)} ms (${diffs.join(', ')} px at ${speed.toFixed(0)} px/s)`);
} finally {
  await browser.close();
  await host.stop();
  printScreenshotFolder();
}
});
