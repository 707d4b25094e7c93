import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VigilError } from '../../src-contract/errors.ts';
import { CONTENT_SECURITY_POLICY, PathRefusedError, createAppProtocolHandler, resolveStaticPath } from './app-protocol.ts';
import type { IpcCallContext, MediaSource } from './desktop-host.ts';
import type { ShellLog } from './shell-log.ts';

let base: string;
let root: string;
const quiet: ShellLog = { info: () => {}, warn: () => {}, error: () => {} };

before(() => {
  base = mkdtempSync(path.join(tmpdir(), 'vigil-proto-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Vigil</title>');
  writeFileSync(path.join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  mkdirSync(path.join(base, 'outside'));
  writeFileSync(path.join(base, 'outside', 'x.js'), 'stolen');
  symlinkSync(path.join(base, 'outside'), path.join(root, 'link'));
});
after(() => rmSync(base, { recursive: true, force: true }));

function handler(media: Partial<MediaSource> = {}, session: IpcCallContext | null = { origin: 'ipc', sessionId: 's1' }) {
  return createAppProtocolHandler({
    rendererDir: root,
    media: { openMedia: async () => null, openLive: async () => null, ...media },
    currentSession: () => session,
    log: quiet,
  });
}
const get = (h: ReturnType<typeof handler>, url: string, method = 'GET') => h(new Request(url, { method }));

test('resolveStaticPath keeps every decoded segment inside the root', () => {
  assert.equal(resolveStaticPath('/srv/r', '/assets/a.js'), '/srv/r/assets/a.js');
  assert.equal(resolveStaticPath('/srv/r', '/a%20b.png'), '/srv/r/a b.png');
  for (const p of ['/..', '/a/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/x', '/a%5c..%5c..%5cx', '/C:%5cWindows', '/x%00.js', '/%E0%A4%A', '/./a']) {
    assert.throws(() => resolveStaticPath('/srv/r', p), PathRefusedError, p);
  }
});

test('serves the console with the CSP on every response, and the shell for client routes', async () => {
  const h = handler();
  for (const url of ['app://vigil/', 'app://vigil/cameras/cam1']) {
    const res = await get(h, url);
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.match(await res.text(), /<title>Vigil/);
  }
  const js = await get(h, 'app://vigil/assets/app-1a2b.js');
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await js.text(), 'console.log(1)');
  const missing = await get(h, 'app://vigil/assets/nope.js');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|unsafe-inline|http/);
});

test('refuses traversal, links out of the root, other hosts and other methods', async () => {
  const h = handler();
  for (const url of ['app://vigil/..%2fsecret.txt', 'app://vigil/assets/..%5c..%5csecret.txt', 'app://vigil/link/x.js', 'app://vigil/%00.js']) {
    const res = await get(h, url);
    assert.equal(res.status, 403, url);
    assert.doesNotMatch(await res.text(), /SECRET|stolen/);
  }
  // The URL parser already folds plain dot segments: these resolve inside the root and are simply absent.
  assert.equal((await get(h, 'app://vigil/../secret.txt')).status, 404);
  assert.equal((await get(h, 'app://vigil/%2e%2e/secret.txt')).status, 404);
  assert.equal((await get(h, 'app://evil/index.html')).status, 404);
  assert.equal((await get(h, 'app://vigil/index.html', 'POST')).status, 405);
  const headRes = await get(h, 'app://vigil/index.html', 'HEAD');
  assert.equal(headRes.status, 200);
  assert.equal(await headRes.text(), '');
});

test('media and live routes validate names, need a session and map host errors', async () => {
  const seen: Array<[string, string]> = [];
  const h = handler({
    openMedia: async (ref, ctx) => {
      seen.push([ref, ctx.sessionId]);
      if (ref === 'faces/forbidden.jpg') throw new VigilError('FORBIDDEN', 'guard may not see templates');
      if (ref === 'faces/gone.jpg') return null;
      return { body: new Blob([Buffer.from('JPEGDATA')]).stream(), mime: 'image/jpeg', size: 8 };
    },
    openLive: async (cameraId, transport, _ctx, signal) => {
      assert.ok(signal instanceof AbortSignal);
      return { body: new Blob([`${cameraId}:${transport}`]).stream(), mime: transport === 'fmp4' ? 'video/mp4' : 'multipart/x-mixed-replace; boundary=frame' };
    },
  });
  const ok = await get(h, 'app://vigil/media/faces/p1/a%20b.jpg');
  assert.equal(ok.status, 400, 'spaces are not valid in a MediaRef');
  const jpg = await get(h, 'app://vigil/media/faces/p1/1.jpg');
  assert.equal(jpg.status, 200);
  assert.equal(jpg.headers.get('content-type'), 'image/jpeg');
  assert.equal(await jpg.text(), 'JPEGDATA');
  assert.equal((await get(h, 'app://vigil/media/faces/..%2F..%2Fdb.sqlite')).status, 400);
  assert.equal((await get(h, 'app://vigil/media/faces/gone.jpg')).status, 404);
  const denied = await get(h, 'app://vigil/media/faces/forbidden.jpg');
  assert.equal(denied.status, 403);
  assert.deepEqual(await denied.json(), { status: 'error', error: { code: 'FORBIDDEN', message: 'guard may not see templates' } });
  assert.deepEqual(seen.map((s) => s[1]), ['s1', 's1', 's1']);

  assert.equal(await (await get(h, 'app://vigil/live/cam1.mp4')).text(), 'cam1:fmp4');
  assert.equal(await (await get(h, 'app://vigil/live/cam1.mjpeg')).text(), 'cam1:mjpeg');
  assert.equal((await get(h, 'app://vigil/live/cam1.avi')).status, 400);
  assert.equal((await get(h, 'app://vigil/live/..%2Fcam1.mp4')).status, 400);

  const anonymous = handler({}, null);
  assert.equal((await get(anonymous, 'app://vigil/media/faces/p1/1.jpg')).status, 401);
  assert.equal((await get(anonymous, 'app://vigil/live/cam1.mp4')).status, 401);
});
