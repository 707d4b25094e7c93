import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ShellLog } from './shell-log.ts';
import {
  applySessionPolicy, isExternalLinkAllowed, isPermissionGranted, isRequestAllowed, mainWindowOptions, pinWebContents,
  type SessionPolicyTarget, type WebContentsGuardTarget,
} from './window-security.ts';
import { fitToDisplays, readWindowState, trackWindowState, writeWindowState, type WindowState } from './window-state.ts';

const quiet: ShellLog = { info: () => {}, warn: () => {}, error: () => {} };

test('the window is isolated, sandboxed and has no Node', () => {
  const opts = mainWindowOptions({ preloadPath: '/app/preload.cjs', bounds: { width: 1200, height: 800 }, devTools: false });
  const wp = opts.webPreferences!;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.nodeIntegrationInWorker, false);
  assert.equal(wp.nodeIntegrationInSubFrames, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.devTools, false);
  assert.equal(wp.preload, '/app/preload.cjs');
  assert.equal(opts.show, false);
});

test('new windows are always denied; https links go to the browser; navigation stays on app://vigil', () => {
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const listeners = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
  const target: WebContentsGuardTarget = {
    setWindowOpenHandler: (h) => { openHandler = h; },
    on: ((event: string, l: (e: { preventDefault(): void }, url: string) => void) => { listeners.set(event, l); }) as WebContentsGuardTarget['on'],
  };
  const opened: string[] = [];
  pinWebContents(target, { openExternal: (u) => opened.push(u), log: quiet, externalHosts: ['docs.example.com'] });
  for (const url of ['https://docs.example.com/vigil', 'http://example.com', 'file:///etc/passwd', 'app://vigil/other', 'javascript:alert(1)']) {
    assert.deepEqual(openHandler!({ url }), { action: 'deny' });
  }
  assert.deepEqual(opened, ['https://docs.example.com/vigil']);

  const navigate = (event: string, url: string) => {
    let prevented = false;
    listeners.get(event)!({ preventDefault: () => { prevented = true; } }, url);
    return prevented;
  };
  assert.equal(navigate('will-navigate', 'app://vigil/cameras'), false);
  assert.equal(navigate('will-navigate', 'https://evil.example/'), true);
  // Sub-frames too (issue 15): will-frame-navigate carries the URL on its details object.
  const frameNav = (url: string) => {
    let prevented = false;
    (listeners.get('will-frame-navigate') as unknown as (d: { url: string; preventDefault(): void }) => void)({ url, preventDefault: () => { prevented = true; } });
    return prevented;
  };
  assert.equal(frameNav('https://evil.example/frame'), true);
  assert.equal(frameNav('app://vigil/live'), false);
  assert.equal(navigate('will-navigate', 'file:///home/'), true);
  assert.equal(navigate('will-redirect', 'app://vigil.evil/'), true);
  let webviewBlocked = false;
  (listeners.get('will-attach-webview') as unknown as (e: { preventDefault(): void }) => void)({ preventDefault: () => { webviewBlocked = true; } });
  assert.ok(webviewBlocked);
});

test('permissions: fullscreen and clipboard write for our origin only; never camera or microphone', () => {
  assert.equal(isPermissionGranted('fullscreen', 'app://vigil/live'), true);
  assert.equal(isPermissionGranted('clipboard-sanitized-write', 'app://vigil/'), true);
  assert.equal(isPermissionGranted('fullscreen', 'https://evil.example/'), false);
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal', 'midi', 'hid', 'usb', 'serial']) {
    assert.equal(isPermissionGranted(p, 'app://vigil/'), false, p);
  }

  let request: Parameters<SessionPolicyTarget['setPermissionRequestHandler']>[0] | undefined;
  let check: Parameters<SessionPolicyTarget['setPermissionCheckHandler']>[0] | undefined;
  let device: (() => boolean) | undefined;
  let beforeRequest: ((d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void) | undefined;
  applySessionPolicy({
    setPermissionRequestHandler: (h) => { request = h; },
    setPermissionCheckHandler: (h) => { check = h; },
    setDevicePermissionHandler: (h) => { device = h; },
    webRequest: { onBeforeRequest: (l) => { beforeRequest = l; } },
  }, quiet);
  const ask = (permission: string, url: string) => {
    let answer: boolean | undefined;
    request!(null, permission, (g) => { answer = g; }, { requestingUrl: url });
    return answer;
  };
  assert.equal(ask('media', 'app://vigil/'), false);
  assert.equal(ask('fullscreen', 'app://vigil/live'), true);
  assert.equal(check!(null, 'media', 'app://vigil'), false);
  assert.equal(check!(null, 'fullscreen', 'app://vigil'), true);
  assert.equal(device!(), false);
  const cancelled = (url: string) => {
    let r: { cancel?: boolean } = {};
    beforeRequest!({ url }, (res) => { r = res; });
    return r.cancel;
  };
  assert.equal(cancelled('app://vigil/assets/a.js'), false);
  assert.equal(cancelled('https://tracker.example/pixel.gif'), true);
  assert.equal(cancelled('ws://127.0.0.1:7070/api/ws'), true);
  assert.equal(cancelled('file:///etc/passwd'), true);
  assert.equal(isRequestAllowed('blob:app://vigil/1234'), true);
  assert.equal(isExternalLinkAllowed('https://user:pw@example.com/'), false);
  // openExternal allow-list: only listed hosts, by default none.
  assert.equal(isExternalLinkAllowed('https://evil.example/'), false);
  assert.equal(isExternalLinkAllowed('https://docs.example.com/x', ['docs.example.com']), true);
  assert.equal(isExternalLinkAllowed('https://docs.example.com.evil.example/x', ['docs.example.com']), false);
});

test('window state: saved bounds reused only while visible on a display; file round trip; debounced tracking', async () => {
  const primary = { x: 0, y: 0, width: 1920, height: 1040 };
  const right = { x: 1920, y: 0, width: 2560, height: 1400 };
  assert.deepEqual(fitToDisplays({ x: 2000, y: 100, width: 1600, height: 1000, maximized: true }, [primary, right]),
    { x: 2000, y: 100, width: 1600, height: 1000, maximized: true });
  // The right-hand monitor is gone: centre on the primary, size clamped to it.
  assert.deepEqual(fitToDisplays({ x: 2000, y: 100, width: 2400, height: 1300, maximized: false }, [primary]),
    { x: 0, y: 0, width: 1920, height: 1040, maximized: false });
  // Title bar above the top of every display: not reachable, so centre.
  assert.equal(fitToDisplays({ x: 100, y: -500, width: 1200, height: 800, maximized: false }, [primary]).y, 120);
  assert.deepEqual(fitToDisplays(null, [primary]), { x: 240, y: 70, width: 1440, height: 900, maximized: false });
  assert.equal(fitToDisplays({ width: 10, height: 10, maximized: false }, [primary]).width, 960, 'minimum size');

  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ws-'));
  try {
    const file = path.join(dir, 'window-state.json');
    assert.equal(readWindowState(file), null);
    writeFileSync(file, '{"width": "big"}');
    assert.equal(readWindowState(file), null, 'a corrupt file is ignored');
    writeWindowState(file, { x: 5, y: 6, width: 1000, height: 700, maximized: false });
    assert.deepEqual(readWindowState(file), { x: 5, y: 6, width: 1000, height: 700, maximized: false });

    const listeners = new Map<string, () => void>();
    let bounds = { x: 1, y: 2, width: 1100, height: 750 };
    const saved: WindowState[] = [];
    trackWindowState({
      getNormalBounds: () => bounds, isMaximized: () => false, isDestroyed: () => false,
      on: (event, l) => { listeners.set(event, l); },
    }, (s) => saved.push(s), 20);
    listeners.get('move')!();
    bounds = { x: 30, y: 40, width: 1100, height: 750 };
    listeners.get('resize')!();
    assert.equal(saved.length, 0, 'debounced');
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(saved, [{ x: 30, y: 40, width: 1100, height: 750, maximized: false }]);
    listeners.get('close')!();
    assert.equal(saved.length, 2, 'saved at once on close');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
