// The desktop host adapter over the host's real parts: Dispatcher, TopicBus and the auth service on a temporary
// SQLite database. Windows are told apart only by the session id main minted for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TopicPayload } from '../../src-contract/api.ts';
import { createAuth } from '../auth/auth-service.ts';
import { authMigrations } from '../auth/migrations.ts';
import { Dispatcher } from '../core/dispatcher.ts';
import { TopicBus } from '../core/topic-bus.ts';
import { openDatabase } from '../storage/database.ts';
import type { IpcCallContext } from './desktop-host.ts';
import { createDesktopHost } from './host-adapter.ts';

const win = (sessionId: string): IpcCallContext => ({ origin: 'ipc', sessionId });

test('sessions per window, role checks on subscriptions and media, live stream cancellation', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ha-'));
  const db = openDatabase(path.join(dir, 'data', 'vigil.db'), { migrations: [authMigrations], durability: 'normal' });
  try {
    const auth = createAuth(db, { audit: { record: () => ({}) as never }, scrypt: { N: 1024, r: 8, p: 1 } });
    const dispatcher = new Dispatcher();
    dispatcher.register(auth.handlers);
    const bus = new TopicBus();
    const media = path.join(dir, 'data');
    mkdirSync(path.join(media, 'snapshots'), { recursive: true });
    mkdirSync(path.join(media, '.keys'), { recursive: true });
    writeFileSync(path.join(media, 'snapshots', 'e1.jpg'), 'JPEG');
    writeFileSync(path.join(media, '.keys', 'k.jpg'), 'hidden');
    writeFileSync(path.join(dir, 'outside.jpg'), 'outside');
    symlinkSync(path.join(dir, 'outside.jpg'), path.join(media, 'snapshots', 'link.jpg'));
    let liveAborted = false;
    let closed = false;
    const host = createDesktopHost({
      dispatcher, bus, authenticate: auth.authenticate, mediaRoot: media,
      healthz: () => ({ engine: { ready: true }, cameras: [] }),
      openLiveStream: async (_cam, kind, signal) => {
        signal.addEventListener('abort', () => { liveAborted = true; });
        async function* chunks() { for (let i = 0; ; i++) { yield new Uint8Array([i & 255]); await new Promise((r) => setTimeout(r, 5)); } }
        return { contentType: kind === 'fmp4' ? 'video/mp4' : 'multipart/x-mixed-replace', stream: chunks() };
      },
      close: async () => { closed = true; },
    });

    assert.equal(((await host.dispatch('auth.status', {}, win('A'))) as { setup_required: boolean }).setup_required, true);
    const session = await host.dispatch('auth.setup', { username: 'admin', password: 'a long enough password' }, win('A')) as { token: string };
    assert.equal(typeof session.token, 'string');
    assert.equal(host.sessionCount(), 1);
    assert.equal((await host.dispatch('users.list', {}, win('A')) as unknown[]).length, 1);
    await assert.rejects(host.dispatch('users.list', {}, win('B')), { code: 'UNAUTHENTICATED' }, 'another window is not signed in');

    assert.throws(() => host.subscribe('live.frame', {}, win('B'), () => {}), { code: 'UNAUTHENTICATED' });
    const got: unknown[] = [];
    const off = host.subscribe('live.frame', {}, win('A'), (p) => got.push(p));
    bus.publish('live.frame', { camera_id: 'cam1', seq: 1, frame_width: 1, frame_height: 1, captured_at_ms: 0, faces: [] } as TopicPayload<'live.frame'>);
    assert.equal(got.length, 1);
    off();

    await assert.rejects(host.openMedia('snapshots/e1.jpg', win('B')), { code: 'UNAUTHENTICATED' });
    const jpg = await host.openMedia('snapshots/e1.jpg', win('A'));
    assert.equal(jpg?.mime, 'image/jpeg');
    assert.equal(await new Response(jpg!.body).text(), 'JPEG');
    assert.equal(await host.openMedia('.keys/k.jpg', win('A')), null, 'hidden folders are not media');
    assert.equal(await host.openMedia('vigil.db', win('A')), null, 'only images');
    assert.equal(await host.openMedia('snapshots/link.jpg', win('A')), null, 'links out of the root');

    const live = await host.openLive('cam1', 'fmp4', win('A'), new AbortController().signal);
    const reader = live!.body.getReader();
    assert.deepEqual((await reader.read()).value, new Uint8Array([0]));
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(liveAborted, 'the camera stream is told when the page stops reading');

    // Closing the window signs its session out in the database, not just in main's memory.
    host.endSession!('A');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(host.sessionCount(), 0);
    assert.throws(() => auth.authenticate({ token: session.token, origin: 'ipc' }), { code: 'UNAUTHENTICATED' });

    const again = await host.dispatch('auth.login', { username: 'admin', password: 'a long enough password' }, win('C')) as { token: string };
    assert.notEqual(again.token, session.token);
    await host.dispatch('auth.logout', {}, win('C'));
    assert.equal(host.sessionCount(), 0);
    await host.close();
    assert.ok(closed);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
