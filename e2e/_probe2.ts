import { startMjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import { launchBrowser, newPage, rpc, setupAdmin, startHost } from './harness.ts';
import { cameraFrames } from './media-fixtures.ts';
const [host, browser, camera] = await Promise.all([startHost({ args: ['--no-demo'] }), launchBrowser(), cameraFrames().then((frames) => startMjpegServer({ frames, fps: 5 }))]);
try {
  const { page } = await newPage(browser);
  await setupAdmin(page, host);
  console.log((await rpc(page, 'cameras.create', { id: 'lobby', name: 'Lobby', role: 'any', source: { type: 'http_mjpeg', url: camera.url, headers: {}, timeout_ms: 3000 }, detection: { fps_limit: 2, detect_width: 640 } } as never)).status);
  const poll = async (label: string) => { const c = await rpc(page, 'cameras.get', { id: 'lobby' }); const b = await page.locator('.tile-bar [data-testid=camera-state]').getAttribute('data-state').catch(() => null); console.log(label, c.body.state, c.body.next_retry_at, c.body.stats.reconnections, c.body.stats.last_error, 'ui:', b, 'clients', camera.clients); };
  await page.getByTestId('nav-live').click();
  for (let i = 0; i < 4; i++) { await page.waitForTimeout(1500); await poll('before'); }
  await camera.kill();
  for (let i = 0; i < 14; i++) { await page.waitForTimeout(1500); await poll('killed'); }
  await camera.restart();
  for (let i = 0; i < 8; i++) { await page.waitForTimeout(1500); await poll('restarted'); }
} finally { await browser.close(); await camera.stop(); await host.stop(); }
