// Issue 15 #4: desktop live-port subscriptions (the IPC side of the host adapter) end when the caller's rights
// change: demotion, disabling, session expiry. Real auth service on a temporary SQLite database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
const frame = { camera_id: 'cam1', seq: 1, frame_width: 1, frame_height: 1, captured_at_ms: 0, faces: [] } as unknown as TopicPayload<'live.frame'>;
const tick = () => new Promise((r) => setTimeout(r, 10));

test('subscriptions end on demotion, disabling and session expiry', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ha-access-'));
  const db = openDatabase(path.join(dir, 'vigil.db'), { migrations: [authMigrations], durability: 'normal' });
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });
  let now = Date.parse('2026-01-01T08:00:00Z');
  const auth = createAuth(db, { audit: { record: () => ({}) as never }, scrypt: { N: 1024, r: 8, p: 1 }, now: () => now, session: { idleMs: 30 * 60_000 } });
  const dispatcher = new Dispatcher();
  dispatcher.register(auth.handlers);
  const bus = new TopicBus();
  const host = createDesktopHost({
    dispatcher, bus, authenticate: auth.authenticate, onAccessChange: auth.onAccessChange, mediaRoot: dir,
    healthz: () => ({ engine: { ready: true }, cameras: [] }), close: async () => {},
  }, { recheckMs: 60_000 });
  t.after(() => host.close());

  await host.dispatch('auth.setup', { username: 'admin', password: 'a long enough password' }, win('A'));
  const mk = async (name: string) => {
    const u = await host.dispatch('users.create', { username: name, password: 'guard password 123', role: 'guard' }, win('A')) as { id: string };
    await host.dispatch('auth.login', { username: name, password: 'guard password 123' }, win(name));
    const got: unknown[] = [];
    host.subscribe('live.frame', {}, win(name), (p) => got.push(p));
    return { id: u.id, got };
  };
  const demoted = await mk('g-demoted');
  const disabled = await mk('g-disabled');
  const expired = await mk('g-expired');
  bus.publish('live.frame', frame);
  assert.deepEqual([demoted.got.length, disabled.got.length, expired.got.length], [1, 1, 1]);

  await host.dispatch('users.update', { id: demoted.id, role: 'auditor' }, win('A'));
  await host.dispatch('users.update', { id: disabled.id, disabled: true }, win('A'));
  await tick();
  bus.publish('live.frame', frame);
  assert.equal(demoted.got.length, 1, 'demoted guard still receives live frames');
  assert.equal(disabled.got.length, 1, 'disabled guard still receives live frames');
  assert.equal(expired.got.length, 2, 'unaffected guard keeps receiving');

  // Idle timeout passes with no request from that window; the periodic re-check (here: called) ends it.
  now += 31 * 60_000;
  host.recheckSubscriptions();
  bus.publish('live.frame', frame);
  assert.equal(expired.got.length, 2, 'expired session still receives live frames');
});
