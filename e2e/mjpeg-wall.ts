// One start-up shared by the live-wall scenarios that need an MJPEG tile: a host, a browser signed in as admin,
// and one loopback HTTP-MJPEG camera (real JPEG frames of people) added as "lobby". If any part fails to start,
// the parts that did start are stopped before the error is thrown.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startMjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import type { MjpegServer } from '../src-main/camera/testing/mjpeg-http-server.ts';
import { launchBrowser, newPage, throwFirstFailure, rpc, setupAdmin, startHost } from './harness.ts';
import type { HostProcess, WatchedPage } from './harness.ts';
import { cameraFrames } from './media-fixtures.ts';

export interface MjpegWall {
  host: HostProcess;
  browser: Browser;
  camera: MjpegServer;
  watched: WatchedPage;
  page: Page;
}

export async function startMjpegWall(opts: { dataDir?: string } = {}): Promise<MjpegWall> {
  const fixtures = await Promise.allSettled([
    startHost({ args: ['--no-demo'], dataDir: opts.dataDir }), launchBrowser(), cameraFrames().then((frames) => startMjpegServer({ frames, fps: 5 })),
  ] as const);
  const [host, browser, camera] = fixtures.map((f) => (f.status === 'fulfilled' ? f.value : undefined)) as [HostProcess?, Browser?, MjpegServer?];
  try {
    throwFirstFailure(fixtures);
    const watched = await newPage(browser!);
    const page = watched.page;
    await setupAdmin(page, host!);
    const created = await rpc(page, 'cameras.create', {
      id: 'lobby', name: 'Lobby', location: 'Ground floor', role: 'any',
      source: { type: 'http_mjpeg', url: camera!.url, headers: {}, timeout_ms: 3000 },
      detection: { fps_limit: 2, detect_width: 640 },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return { host: host!, browser: browser!, camera: camera!, watched, page };
  } catch (err) {
    await browser?.close().catch(() => {});
    await camera?.stop().catch(() => {});
    await host?.stop().catch(() => {});
    throw err;
  }
}
