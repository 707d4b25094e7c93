// Issue 15 #1: camera secrets are declared by the contract (password, header values, sensitive URL query
// parameters), sealed at rest, redacted in every view and log line; a password with an unencoded "@" is split at
// the last "@". Reads the database file itself to prove nothing is stored in clear.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { redactSource } from '../../../src-contract/camera-config.ts';
import { redactSourceForLog, redactText, redactUrl, secretsOf } from '../../camera/redact.ts';
import { openStore, DATABASE_FILE, type HostStore } from '../host-store.ts';
import { tempDataDir } from '../testing/temp-data-dir.ts';

async function store(t: TestContext, dir = tempDataDir(t)): Promise<HostStore> {
  const s = await openStore(dir);
  t.after(() => s.close());
  return s;
}

const rawRows = (s: HostStore): string => JSON.stringify(s.db.writer.prepare('SELECT config_json FROM cameras').all());
const src = <T>(x: unknown) => x as T;

test('header values and URL query tokens are sealed at rest, redacted in views and logs, kept on update', async (t) => {
  const s = await store(t);
  s.cameras.create({ id: 'mjpeg', name: 'Door', source: { type: 'http_mjpeg', url: 'http://cam.local/video?api_key=K-9f2a&res=hd', headers: { Authorization: 'Bearer H-77c1', 'X-Other': 'V-31' } } });
  const raw = rawRows(s);
  for (const secret of ['K-9f2a', 'H-77c1', 'V-31']) assert.ok(!raw.includes(secret), `${secret} stored in clear: ${raw}`);

  const rec = s.cameras.get('mjpeg')!;
  const shown = JSON.stringify(redactSource(rec.config.source));
  for (const secret of ['K-9f2a', 'H-77c1', 'V-31']) assert.ok(!shown.includes(secret), `${secret} shown: ${shown}`);
  assert.match(shown, /api_key=\*\*\*&res=hd/, 'non-secret query parameters are kept');

  const runtime = src<{ url: string; headers: Record<string, string> }>(s.cameras.getWithSecret('mjpeg').source);
  assert.equal(runtime.url, 'http://cam.local/video?api_key=K-9f2a&res=hd');
  assert.deepEqual(runtime.headers, { Authorization: 'Bearer H-77c1', 'X-Other': 'V-31' });

  const logged = JSON.stringify(redactSourceForLog(s.cameras.getWithSecret('mjpeg').source));
  for (const secret of ['K-9f2a', 'H-77c1', 'V-31']) assert.ok(!logged.includes(secret), `${secret} logged: ${logged}`);
  const text = redactText('GET http://cam.local/video?api_key=K-9f2a failed (Bearer H-77c1)', secretsOf(s.cameras.getWithSecret('mjpeg').source));
  assert.ok(!text.includes('K-9f2a') && !text.includes('H-77c1'), text);

  // An unchanged form sends the placeholders back: the stored secrets stay; a new value replaces one.
  s.cameras.update('mjpeg', { name: 'Door 2', source: { type: 'http_mjpeg', url: 'http://cam.local/video?api_key=***&res=sd', headers: { Authorization: '***', 'X-Other': 'V-new' } } });
  const after = src<{ url: string; headers: Record<string, string> }>(s.cameras.getWithSecret('mjpeg').source);
  assert.equal(after.url, 'http://cam.local/video?api_key=K-9f2a&res=sd');
  assert.deepEqual(after.headers, { Authorization: 'Bearer H-77c1', 'X-Other': 'V-new' });
  assert.ok(!rawRows(s).includes('V-new'));

  // A parameter named in sensitive_query is a secret too.
  s.cameras.create({ id: 'ws', name: 'WS', source: { type: 'websocket', url: 'ws://cam/ws?cam=1&k=abc123', sensitive_query: ['k'] } });
  assert.ok(!rawRows(s).includes('abc123'));
  assert.equal(src<{ url: string }>(s.cameras.getWithSecret('ws').source).url, 'ws://cam/ws?cam=1&k=abc123');
});

test('a password with an unencoded "@" is split at the last "@" of the authority', async (t) => {
  const s = await store(t);
  const cam = s.cameras.create({ id: 'at', name: 'At', source: { type: 'rtsp', url: 'rtsp://u:pa@ss@10.0.0.9:554/x' } });
  assert.equal(src<{ url: string }>(cam.config.source).url, 'rtsp://u@10.0.0.9:554/x');
  assert.equal(src<{ password: string }>(s.cameras.getWithSecret('at').source).password, 'pa@ss');
  assert.ok(!rawRows(s).includes('ss@'), rawRows(s));
  assert.equal(redactUrl('rtsp://u:pa@ss@host/x'), 'rtsp://u:***@host/x');
  assert.equal(redactText('opening rtsp://u:pa@ss@host/x'), 'opening rtsp://u:***@host/x');
});

test('upgrade: a database written with clear header values and URL tokens is sealed on open', async (t) => {
  const dir = tempDataDir(t);
  const first = await openStore(dir);
  first.cameras.create({ id: 'old', name: 'Old', source: { type: 'http_mjpeg', url: 'http://cam/v?token=T-old', headers: { Cookie: 'C-old' } } });
  await first.close();
  // What an older version stored: the secrets in config_json.
  const db = new Database(join(dir, DATABASE_FILE));
  const row = db.prepare('SELECT config_json FROM cameras WHERE id = ?').get('old') as { config_json: string };
  const cfg = JSON.parse(row.config_json) as { source: { url: string; headers: Record<string, string> } };
  cfg.source.url = 'http://cam/v?token=T-old';
  cfg.source.headers = { Cookie: 'C-old' };
  db.prepare('UPDATE cameras SET config_json = ?, password_sealed = NULL WHERE id = ?').run(JSON.stringify(cfg), 'old');
  db.close();

  const s = await store(t, dir);
  assert.ok(!rawRows(s).includes('T-old') && !rawRows(s).includes('C-old'), rawRows(s));
  const runtime = src<{ url: string; headers: Record<string, string> }>(s.cameras.getWithSecret('old').source);
  assert.equal(runtime.url, 'http://cam/v?token=T-old');
  assert.deepEqual(runtime.headers, { Cookie: 'C-old' });
});
