// WebSocket fan-out benchmark: N clients (default 500) on loopback connect to /api/v1/detections/ws/{client_id},
// each subscribed to one camera with filters (some min_confidence, some person_ids), while the host publishes
// live frames for 8 cameras at 5 fps (steady phase). Then a burst phase: one extra camera publishes large frames
// (60 faces) at 100 fps to a few healthy "watchers" and to the slow clients, which stopped reading right after
// subscribing. Measures the server's RSS (idle, connected, peak, after), delivery and latency for healthy
// clients (received vs what the filters let through), and how slow clients were handled (downsampled, then
// dropped). Clients run in a child process so RSS is the server's alone. Writes bench-results/api.json + a table.
//   npm run bench:api [-- --clients 500 --seconds 10 --slow 5 --watchers 10 --burst-seconds 5]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { LiveFrame } from '../../src-contract/schemas.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const CLIENTS = Number(arg('clients', '500'));
const SECONDS = Number(arg('seconds', '10'));
const SLOW = Number(arg('slow', '5'));
const WATCHERS = Number(arg('watchers', '10'));
const BURST_SECONDS = Number(arg('burst-seconds', '5'));
const BURST_FPS = 100;
const BURST_FACES = 60;
const CAMERAS = 8;
const FPS = 5;
const FACES = 3;

/** What client i subscribes to; the server side uses the same rule to count expected deliveries. */
function subscription(i: number): { camera_id: string; filters: { min_confidence?: number; person_ids?: string[] } } {
  const camera_id = `cam_${i % CAMERAS}`;
  if (i % 3 === 1) return { camera_id, filters: { min_confidence: 0.8 } };
  if (i % 3 === 2) return { camera_id, filters: { person_ids: ['per_1'] } };
  return { camera_id, filters: {} };
}

/** Clients [0, SLOW) stop reading; [SLOW, SLOW + WATCHERS) read normally; both also subscribe to the burst camera. */
const burstSubscriber = (i: number) => i < SLOW + WATCHERS;

function makeFrame(cam: number | 'burst', seq: number, faces = FACES): LiveFrame {
  return {
    camera_id: `cam_${cam}`, seq, frame_width: 1280, frame_height: 720, captured_at_ms: Date.now(),
    faces: Array.from({ length: faces }, (_, k) => {
      const person = (seq + k) % 4 === 0 ? 'per_1' : (seq + k) % 4 === 1 ? `per_${2 + k}` : null;
      return { track_id: `${cam}-${seq}-${k}`, box: [100 + 200 * k, 120, 110, 130] as [number, number, number, number], score: k === 0 ? 0.95 : 0.7,
        decision: person ? 'recognized' as const : 'unknown' as const, person_id: person, name: person ? 'Someone' : null, confidence: person ? 0.8 : null, watchlist: false };
    }),
  };
}

function passes(i: number, f: LiveFrame): boolean {
  const s = subscription(i);
  if (s.camera_id !== f.camera_id) return false;
  return f.faces.some((face) => (s.filters.min_confidence === undefined || face.score >= s.filters.min_confidence)
    && (!s.filters.person_ids || (face.person_id !== null && s.filters.person_ids.includes(face.person_id))));
}

// ---------------------------------------------------------------- client side (child process)
async function clientMain(): Promise<void> {
  const [url, token, n, slow] = [process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6])];
  const received = new Array<number>(n).fill(0);
  const burstReceived = new Array<number>(n).fill(0);
  const lastBurstSeq = new Array<number>(n).fill(-1);
  const latencies: number[] = [];
  const closed = new Array<boolean>(n).fill(false);
  const sockets: WebSocket[] = [];
  let connected = 0;
  await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/detections/ws/bench-${i}?access_token=${token}`);
    sockets.push(ws);
    let acks = burstSubscriber(i) ? 2 : 1;
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', ...subscription(i) }));
      if (burstSubscriber(i)) ws.send(JSON.stringify({ type: 'subscribe', camera_id: 'cam_burst' }));
    });
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; data?: { captured_at: string; camera_id: string; frame_seq: number } };
      if (m.type === 'subscribed' && --acks === 0) {
        connected++;
        if (i < slow) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
        resolve();
      } else if (m.type === 'detection_event') {
        if (m.data!.camera_id === 'cam_burst') {
          burstReceived[i]++;
          lastBurstSeq[i] = m.data!.frame_seq;
          return;
        }
        received[i]++;
        if (i >= slow && latencies.length < 200_000) latencies.push(Date.now() - Date.parse(m.data!.captured_at));
      }
    });
    ws.on('close', () => { closed[i] = true; });
    ws.on('error', reject);
  })));
  process.send!({ type: 'ready', connected });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'report') return;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : null;
    process.send!({ type: 'report', received, burstReceived, lastBurstSeq, closed, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) }, () => {
      for (const s of sockets) s.terminate();
      process.exit(0);
    });
  });
}

// ---------------------------------------------------------------- server side
async function serverMain(): Promise<void> {
  const { openStore } = await import('../../src-main/storage/host-store.ts');
  const { ACCESS_MIGRATIONS, createAccessControl } = await import('../../src-main/host/access-control.ts');
  const { Dispatcher } = await import('../../src-main/core/dispatcher.ts');
  const { TopicBus } = await import('../../src-main/core/topic-bus.ts');
  const { createApiServer } = await import('../../src-main/api/server.ts');
  const { hashPassword } = await import('../../src-main/auth/password.ts');

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-api-'));
  const store = await openStore(dataDir, { migrations: ACCESS_MIGRATIONS, durability: 'normal' });
  const dispatcher = new Dispatcher();
  const bus = new TopicBus();
  const access = await createAccessControl(store, dispatcher, { personView: () => { throw new Error('not used'); } });
  const admin = access.auth.users.create('bench', await hashPassword('bench password 123'), 'admin', Date.now());
  const token = access.auth.tokens.create('bench', ['read'], admin.id).secret;
  const server = await createApiServer({
    dispatcher, bus, authenticate: access.auth.authenticate, mediaRoot: dataDir, rendererDir: null,
    healthz: () => ({ engine: { ready: false, providers: {} }, cameras: [], counters: { frames_analysed: 0, faces_detected: 0, recognized: 0, unknown: 0, attendance_records: 0 } }),
  });
  const url = await server.listen(0);
  const rss = () => process.memoryUsage().rss;
  global.gc?.();
  const rssIdle = rss();

  const child: ChildProcess = fork(import.meta.filename, ['--clients-role', url, token, String(CLIENTS), String(SLOW)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const fromChild = <T>(type: string) => new Promise<T>((resolve) => {
    const on = (m: { type: string }) => { if (m.type === type) { child.off('message', on); resolve(m as T); } };
    child.on('message', on);
  });
  const t0 = Date.now();
  const ready = await fromChild<{ connected: number }>('ready');
  const connectMs = Date.now() - t0;
  global.gc?.();
  const rssConnected = rss();

  // Publish CAMERAS x FPS frames per second for SECONDS.
  const expected = new Array<number>(CLIENTS).fill(0);
  let rssPeak = rssConnected;
  let published = 0;
  const cpu0 = process.cpuUsage();
  const start = Date.now();
  const totalTicks = SECONDS * FPS;
  for (let tick = 0; tick < totalTicks; tick++) {
    for (let cam = 0; cam < CAMERAS; cam++) {
      const f = makeFrame(cam, tick);
      bus.publish('live.frame', f);
      published++;
      for (let i = cam; i < CLIENTS; i += CAMERAS) if (passes(i, f)) expected[i]++;
    }
    rssPeak = Math.max(rssPeak, rss());
    const next = start + ((tick + 1) * 1000) / FPS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  const publishMs = Date.now() - start;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 1000)); // let deliveries land
  rssPeak = Math.max(rssPeak, rss());
  const steady = server.wsStats();

  // Burst: large frames at a rate no slow consumer can absorb.
  const burstStart = Date.now();
  let burstPublished = 0;
  let burstBytes = 0;
  for (let tick = 0; tick < BURST_SECONDS * BURST_FPS; tick++) {
    const f = makeFrame('burst', tick, BURST_FACES);
    if (tick === 0) burstBytes = JSON.stringify(f).length;
    bus.publish('live.frame', f);
    burstPublished++;
    if (tick % 10 === 0) rssPeak = Math.max(rssPeak, rss());
    const next = burstStart + ((tick + 1) * 1000) / BURST_FPS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  // A slow client is dropped once it has been behind for the channel's grace period (10 s by default).
  const waitStart = Date.now();
  while (server.wsStats().droppedClients < SLOW && Date.now() - waitStart < 15_000) {
    await new Promise((r) => setTimeout(r, 100));
    rssPeak = Math.max(rssPeak, rss());
  }
  const dropWaitMs = Date.now() - burstStart;
  const stats = server.wsStats();
  child.send({ type: 'report' });
  const rep = await fromChild<{ received: number[]; burstReceived: number[]; lastBurstSeq: number[]; closed: boolean[]; p50: number | null; p95: number | null; p99: number | null }>('report');
  global.gc?.();
  const rssAfter = rss();

  const healthy = rep.received.map((r, i) => ({ r, e: expected[i], i })).filter((x) => x.i >= SLOW);
  const recv = healthy.reduce((s, x) => s + x.r, 0);
  const exp = healthy.reduce((s, x) => s + x.e, 0);
  const result = {
    bench: 'api-websocket-fanout',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', loadavg_1m: os.loadavg()[0], node: process.version },
    config: { clients: CLIENTS, slow_clients: SLOW, cameras: CAMERAS, fps_per_camera: FPS, faces_per_frame: FACES, seconds: SECONDS },
    connected: ready.connected,
    connect_ms: connectMs,
    frames_published: published,
    publish_ms: publishMs,
    server_cpu_pct: Math.round(((cpu.user + cpu.system) / 1000 / publishMs) * 1000) / 10,
    messages_sent: steady.sent,
    messages_per_s: Math.round(steady.sent / (publishMs / 1000)),
    healthy_clients: { expected: exp, received: recv, delivery_ratio: exp ? Math.round((recv / exp) * 10000) / 10000 : null, latency_ms: { p50: rep.p50, p95: rep.p95, p99: rep.p99 } },
    steady_phase: { slow_clients_dropped: steady.droppedClients, coalesced_messages: steady.coalesced },
    burst: {
      frames: burstPublished, fps: BURST_FPS, frame_json_bytes: burstBytes, seconds: BURST_SECONDS,
      watchers: { count: WATCHERS, received_avg: avg(rep.burstReceived.slice(SLOW, SLOW + WATCHERS)), got_last_frame: rep.lastBurstSeq.slice(SLOW, SLOW + WATCHERS).filter((q) => q === burstPublished - 1).length, disconnected: rep.closed.slice(SLOW, SLOW + WATCHERS).filter(Boolean).length },
    },
    slow_clients: { count: SLOW, dropped_by_server: stats.droppedClients, dropped_within_ms_of_burst_start: dropWaitMs, coalesced_messages: stats.coalesced, queue_peak: stats.queuedPeak, healthy_clients_disconnected: rep.closed.slice(SLOW).filter(Boolean).length },
    rss_mb: { idle: mb(rssIdle), connected: mb(rssConnected), peak: mb(rssPeak), after: mb(rssAfter), per_client_kb: Math.round(((rssConnected - rssIdle) / CLIENTS) / 1024 * 10) / 10 },
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/api.json', `${JSON.stringify(result, null, 2)}\n`);
  const rows: Array<[string, string]> = [
    ['clients connected', `${result.connected} / ${CLIENTS} (in ${connectMs} ms)`],
    ['frames published', `${published} (${CAMERAS} cameras x ${FPS} fps x ${SECONDS} s)`],
    ['messages sent', `${stats.sent} (${result.messages_per_s}/s), server CPU ${result.server_cpu_pct}% of one core`],
    ['healthy delivery', `${recv} / ${exp} = ${result.healthy_clients.delivery_ratio}`],
    ['latency p50/p95/p99', `${rep.p50} / ${rep.p95} / ${rep.p99} ms`],
    ['burst', `${burstPublished} frames x ${burstBytes} B at ${BURST_FPS} fps to ${WATCHERS} watchers + ${SLOW} slow: watchers got ${result.burst.watchers.received_avg} avg, ${result.burst.watchers.got_last_frame}/${WATCHERS} got the last frame`],
    ['slow clients', `${SLOW} stopped reading: ${stats.droppedClients} dropped by the server (${dropWaitMs} ms after the burst began), ${stats.coalesced} msgs coalesced, queue peak ${stats.queuedPeak}; healthy disconnected ${result.slow_clients.healthy_clients_disconnected}`],
    ['server RSS MB', `idle ${result.rss_mb.idle}, 500 connected ${result.rss_mb.connected}, peak ${result.rss_mb.peak}, after ${result.rss_mb.after} (${result.rss_mb.per_client_kb} KB/client)`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
  child.kill();
  await server.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const avg = (a: number[]) => (a.length ? Math.round(a.reduce((x, y) => x + y, 0) / a.length) : 0);
const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

if (process.argv[2] === '--clients-role') await clientMain();
else await serverMain();
