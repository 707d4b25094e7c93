// Issue 15 #1: camera secrets are declared by the contract (password, header values, sensitive URL query
// parameters), sealed at rest, redacted in every view and log line; a password with an unencoded "@" is split at
// the last "@". Reads the database file itself to prove nothing is stored in clear.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CameraConfigSchema, redactSource, withStoredSecrets, type CameraSource } from '../../../src-contract/camera-config.ts';
import { CameraSession } from '../../camera/camera-session.ts';
import { testCamera } from '../../camera/camera-test.ts';
import { cameraSecretsOf, redactSourceForLog, redactStreamForLog, redactText, redactUrl, secretsOf } from '../../camera/redact.ts';
import { closedPort } from '../../camera/testing/closed-port.ts';
import { FAST_TIMINGS, recordEvents, waitFor } from '../../camera/testing/session-probe.ts';
import { openStore, DATABASE_FILE, type HostStore } from '../host-store.ts';
import { tempDataDir } from '../testing/temp-data-dir.ts';

async function store(t: TestContext, dir = tempDataDir(t)): Promise<HostStore> {
  const s = await openStore(dir);
  t.after(() => s.close());
  return s;
}

const rawRows = (s: HostStore): string => JSON.stringify(s.db.writer.prepare('SELECT config_json FROM cameras').all());
const src = <T>(x: unknown) => x as T;
const parseCam = (x: unknown) => CameraConfigSchema.parse(x);

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

// ---- The detect stream (an NVR substream URL) is a URL of the same camera: its password and tokens are secrets too.
const DETECT = 'rtsp://viewer:de@t-pw9@10.0.0.9:554/sub?token=T-d3t7&ch=2';
const DETECT_SECRETS = ['de@t-pw9', 'T-d3t7', 'de%40t-pw9'];
const detectOf = (c: { detection: { detect_stream?: string } }) => c.detection.detect_stream;

test('detect stream: its userinfo password and query tokens are sealed at rest, redacted in views and logs, kept on update', async (t) => {
  const s = await store(t);
  s.cameras.create({ id: 'nvr', name: 'NVR', source: { type: 'rtsp', url: 'rtsp://10.0.0.9:554/main', username: 'admin', password: 'M-pw55' }, detection: { detect_stream: DETECT } });
  const raw = rawRows(s);
  for (const secret of [...DETECT_SECRETS, 'M-pw55']) assert.ok(!raw.includes(secret), `${secret} stored in clear: ${raw}`);

  const shown = s.cameras.get('nvr')!.config;
  assert.equal(detectOf(shown), 'rtsp://viewer:***@10.0.0.9:554/sub?token=***&ch=2', 'the view keeps the user, host and other parameters');
  assert.equal(detectOf(s.cameras.getWithSecret('nvr')), DETECT, 'the camera runtime gets the stream as typed');

  const logged = redactStreamForLog(DETECT, s.cameras.getWithSecret('nvr').source);
  const text = redactText(`[error] ${DETECT}: Connection refused; token=T-d3t7; pw de%40t-pw9`, cameraSecretsOf(s.cameras.getWithSecret('nvr')));
  for (const secret of DETECT_SECRETS) {
    assert.ok(!logged.includes(secret), `${secret} logged: ${logged}`);
    assert.ok(!text.includes(secret), `${secret} in an error text: ${text}`);
  }

  // An unchanged form sends the placeholders back, also when it changes the host: the stored secrets stay.
  s.cameras.update('nvr', { name: 'NVR 2', detection: { ...shown.detection, detect_stream: 'rtsp://viewer:***@10.0.0.10:554/sub?token=***&ch=3' } });
  assert.equal(detectOf(s.cameras.getWithSecret('nvr')), 'rtsp://viewer:de@t-pw9@10.0.0.10:554/sub?token=T-d3t7&ch=3');
  // An update of another field (no detection in the patch) keeps it too; a new token replaces the old one, sealed.
  s.cameras.update('nvr', { location: 'hall' });
  assert.equal(detectOf(s.cameras.getWithSecret('nvr')), 'rtsp://viewer:de@t-pw9@10.0.0.10:554/sub?token=T-d3t7&ch=3');
  s.cameras.update('nvr', { detection: { ...shown.detection, detect_stream: 'rtsp://viewer:***@10.0.0.10:554/sub?token=T-new8' } });
  assert.equal(detectOf(s.cameras.getWithSecret('nvr')), 'rtsp://viewer:de@t-pw9@10.0.0.10:554/sub?token=T-new8');
  assert.ok(!rawRows(s).includes('T-new8') && !rawRows(s).includes('de@t-pw9'), rawRows(s));
  assert.equal((s.cameras.getWithSecret('nvr').source as { password?: string }).password, 'M-pw55', 'the main password is untouched');

  // Removing the detect stream drops its secrets: placeholders typed later stay placeholders, nothing stale returns.
  s.cameras.update('nvr', { detection: { ...shown.detection, detect_stream: undefined } });
  s.cameras.update('nvr', { detection: { ...shown.detection, detect_stream: 'rtsp://viewer:***@10.0.0.10:554/sub?token=***' } });
  assert.equal(detectOf(s.cameras.getWithSecret('nvr')), 'rtsp://viewer:***@10.0.0.10:554/sub?token=***');

  // A names listed in sensitive_query applies to the detect stream; a file path detect stream is kept as it is.
  s.cameras.create({ id: 'nvr2', name: 'NVR2', source: { type: 'rtsp', url: 'rtsp://10.0.0.11/main', sensitive_query: ['k'] }, detection: { detect_stream: 'rtsp://10.0.0.11/sub?k=abc123&res=low' } });
  assert.ok(!rawRows(s).includes('abc123'));
  assert.equal(detectOf(s.cameras.get('nvr2')!.config), 'rtsp://10.0.0.11/sub?k=***&res=low');
  s.cameras.create({ id: 'file', name: 'File', source: { type: 'file', path: '/videos/main.mp4' }, detection: { detect_stream: '/videos/sub?token=x.mp4' } });
  assert.equal(detectOf(s.cameras.getWithSecret('file')), '/videos/sub?token=x.mp4', 'a path is not a URL: nothing to seal');
});

test('upgrade: a database written with a clear detect stream is sealed on open', async (t) => {
  const dir = tempDataDir(t);
  const first = await openStore(dir);
  first.cameras.create({ id: 'old', name: 'Old', source: { type: 'rtsp', url: 'rtsp://10.0.0.9/main' } });
  await first.close();
  const db = new Database(join(dir, DATABASE_FILE));
  const row = db.prepare('SELECT config_json FROM cameras WHERE id = ?').get('old') as { config_json: string };
  const cfg = JSON.parse(row.config_json) as { detection: { detect_stream?: string } };
  cfg.detection.detect_stream = DETECT; // what an older version stored
  db.prepare('UPDATE cameras SET config_json = ?, password_sealed = NULL WHERE id = ?').run(JSON.stringify(cfg), 'old');
  db.close();

  const s = await store(t, dir);
  for (const secret of DETECT_SECRETS) assert.ok(!rawRows(s).includes(secret), rawRows(s));
  assert.equal(detectOf(s.cameras.getWithSecret('old')), DETECT);
});


test('detect stream secrets stay out of the "camera starting" log, camera errors (ffmpeg tails) and camera-test output (real ffmpeg)', async () => {
  const port = await closedPort();
  const stream = `rtsp://viewer:D-pw31@127.0.0.1:${port}/sub?token=T-ff12&ch=2`;
  const secrets = ['D-pw31', 'T-ff12'];
  const lines: string[] = [];
  const logger = { debug: () => {}, info: (o: object, m: string) => lines.push(`${JSON.stringify(o)} ${m}`), warn: (o: object, m: string) => lines.push(`${JSON.stringify(o)} ${m}`) };
  // Live view off: ffmpeg opens only the detect stream, so its own URL is the one in ffmpeg's messages.
  const session = new CameraSession(
    { ...parseCam({ id: 'sub', name: 'Sub', source: { type: 'rtsp', url: `rtsp://127.0.0.1:${port}/main`, timeout_ms: 1000 }, detection: { detect_stream: stream }, live_view: { mode: 'off' }, max_retries: 0 }) },
    { timings: FAST_TIMINGS, logger },
  );
  const events = recordEvents(session);
  session.start();
  try {
    const err = await waitFor(() => events.find((e) => e.event_type === 'camera_error'), 20_000, 'a camera error');
    const all = JSON.stringify(events) + lines.join('\n');
    assert.match(all, /Connection refused/i, 'ffmpeg\'s message is kept');
    assert.match(all, new RegExp(`127\\.0\\.0\\.1:${port}/sub\\?token=\\*\\*\\*`), `the URL is named, redacted: ${JSON.stringify(err)}`);
    for (const secret of secrets) assert.ok(!all.includes(secret), `${secret} leaked: ${all}`);
  } finally {
    session.stop();
    session.removeAllListeners();
  }

  const result = await testCamera({ type: 'rtsp', url: `rtsp://127.0.0.1:${port}/main`, timeout_ms: 1000 }, { detectStream: stream, seconds: 1, connectTimeoutMs: 5000 });
  assert.equal(result.ok, false);
  const out = JSON.stringify(result);
  for (const secret of secrets) assert.ok(!out.includes(secret), `${secret} in camera-test output: ${out}`);
});

test('cameras.test of an edited camera fills the stored secrets into the placeholders its form sends', () => {
  const stored: CameraSource = { type: 'http_mjpeg', url: 'http://cam/v?api_key=K-1&res=hd', headers: { Authorization: 'Bearer H-2' }, username: 'u', password: 'P-3', timeout_ms: 10000 };
  const edited = { ...redactSource(stored), url: 'http://cam/v?api_key=***&res=sd' } as CameraSource;
  assert.deepEqual(withStoredSecrets(edited, stored), { ...edited, url: 'http://cam/v?api_key=K-1&res=sd', headers: { Authorization: 'Bearer H-2' }, password: 'P-3' });
  const typed = withStoredSecrets({ ...edited, password: 'typed' } as CameraSource, stored) as { password: string };
  assert.equal(typed.password, 'typed', 'a typed password wins');
  const other: CameraSource = { type: 'rtsp', url: 'rtsp://cam/x', transport: 'tcp', timeout_ms: 10000 };
  assert.deepEqual(withStoredSecrets(other, stored), other, 'another source type gets nothing of the stored one');
});
