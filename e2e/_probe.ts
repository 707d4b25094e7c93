import { launchBrowser, newPage, rpc, setupAdmin, startHost } from './harness.ts';
import { demoVideo } from './media-fixtures.ts';
const [host, browser, video] = await Promise.all([startHost({ args: ['--no-demo'] }), launchBrowser(), demoVideo()]);
try {
  const { page } = await newPage(browser);
  await page.addInitScript(() => {
    const w = window as unknown as { __frag: { at: number; end: number }[] };
    w.__frag = [];
    const orig = SourceBuffer.prototype.appendBuffer;
    SourceBuffer.prototype.appendBuffer = function (this: SourceBuffer, data: BufferSource) {
      const at = performance.now() + performance.timeOrigin;
      this.addEventListener('updateend', () => { const b = this.buffered; if (b.length) w.__frag.push({ at, end: b.end(b.length - 1) }); }, { once: true });
      return orig.call(this, data);
    };
  });
  await setupAdmin(page, host);
  await rpc(page, 'cameras.create', { name: 'Probe', role: 'entry', source: { type: 'file', path: video.path, loop: true, realtime: true } } as never);
  await page.evaluate(() => {
    const w = window as unknown as { __det: number[] };
    w.__det = [];
    const ws = new WebSocket(`ws://${location.host}/api/ws`);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', id: 'p', topic: 'live.frame', filter: {} }));
    ws.onmessage = (m) => { const d = JSON.parse(m.data); if (d.type === 'event') w.__det.push(Date.now() - d.payload.captured_at_ms); };
  });
  await page.getByTestId('nav-live').click();
  for (let i = 0; i < 12; i++) {
    await page.waitForTimeout(1500);
    const r = await page.evaluate(() => {
      const w = window as unknown as { __frag: { at: number; end: number }[]; __det: number[] };
      const v = document.querySelector('video')!;
      const c = Math.min(...w.__frag.slice(-20).map((f) => f.at - f.end * 1000));
      const det = w.__det.slice(-20).sort((a, b) => a - b);
      const b = v.buffered;
      const dbg = (window as unknown as { __dbg: { shownAt: number; now: number; ct: number; faces: number[]; hold: number; tracks: Map<string, { samples: { t: number; box: number[] }[] }> } }).__dbg;
      const tr = dbg ? [...dbg.tracks.values()].map((x) => x.samples.map((q) => `${q.t - dbg.now}:${Math.round(q.box[0])}`).join(' ')) : null;
      return { shownAgo: dbg ? dbg.now - dbg.shownAt : null, faces: dbg?.faces, hold: dbg?.hold, tr, videoLatency: Date.now() - v.currentTime * 1000 - c, lagBuf: b.length ? b.end(b.length - 1) - v.currentTime : null, detMin: det[0], detMed: det[det.length >> 1], detMax: det[det.length - 1], frags: w.__frag.length, fragSpan: w.__frag.slice(-3).map((f) => f.end.toFixed(2)) };
    });
    console.log(JSON.stringify(r));
    await page.screenshot({ path: `/tmp/probe/p${i}.png`, clip: { x: 250, y: 60, width: 440, height: 420 } });
  }
} finally { await browser.close(); await host.stop(); }
