// `npm run bench:live-port`: what rate the desktop's live port sustains, measured with the real code on both ends
// (LivePortSession + the host's TopicBus on the "main" side, the preload's createBridge on the "renderer" side)
// over node:worker_threads' MessageChannel between two threads, which stands in for MessageChannelMain.
//
// Same structured-clone serialisation and message shapes as in the app; NOT measured here (no Electron): the
// cross-process mojo hop from the main process to the renderer process, and contextBridge's copy of each payload
// into the page's world. Read the figures as the ceiling set by our code and serialisation.
//
// Scenarios: live.frame (5 faces) flat out and at a realistic 16 cameras × 5 fps; a stalled renderer (credits);
// and 64 KiB video chunks on a raw port (what a port-based live view would carry).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MessageChannel, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { contract } from '../../src-contract/api.ts';
import type { TopicPayload } from '../../src-contract/api.ts';
import { TopicBus } from '../../src-main/core/topic-bus.ts';
import { LivePortSession, type PortLike } from '../../src-main/electron/live-port.ts';
import { createBridge, type BridgePort } from '../../src-main/preload/bridge-facade.ts';

const now = () => performance.timeOrigin + performance.now();

type Job =
  | { kind: 'frames'; port: MessagePort; ratePerSec: number | null; seconds: number; cameras: number }
  | { kind: 'chunks'; port: MessagePort; seconds: number; chunkBytes: number };

function frame(camera: number, seq: number): TopicPayload<'live.frame'> {
  return {
    camera_id: `cam${camera}`, seq, frame_width: 1280, frame_height: 720, captured_at_ms: now(),
    faces: Array.from({ length: 5 }, (_, i) => ({
      track_id: `t${seq}-${i}`, box: [100 + i * 150, 200, 96, 96] as [number, number, number, number], score: 0.9,
      decision: 'recognized' as const, person_id: `p${i}`, name: `Person ${i}`, confidence: 0.8, watchlist: false,
    })),
  };
}

/** The "main process" thread: the real LivePortSession publishing through the host's TopicBus. */
async function producer(job: Job): Promise<void> {
  if (job.kind === 'chunks') {
    const chunk = new Uint8Array(job.chunkBytes).fill(7);
    const end = now() + job.seconds * 1000;
    let sent = 0;
    // Bounded by acks from the reader so the queue cannot grow without limit (same idea as the credits).
    let inflight = 0;
    job.port.on('message', () => { inflight--; });
    while (now() < end) {
      while (inflight < 32) { job.port.postMessage({ t: 'chunk', camera_id: 'cam1', seq: sent++, at: now(), data: chunk }); inflight++; }
      await new Promise((r) => setImmediate(r));
    }
    job.port.postMessage({ t: 'done', sent });
    return;
  }
  const bus = new TopicBus();
  const port: PortLike = {
    postMessage: (m) => job.port.postMessage(m),
    on: ((event: string, l: (e?: { data: unknown }) => void) => {
      if (event === 'message') job.port.on('message', (data: unknown) => l({ data }));
      else job.port.on('close', () => l());
    }) as PortLike['on'],
    start: () => job.port.start(),
    close: () => job.port.close(),
  };
  const session = new LivePortSession(port, { dispatch: async () => null, subscribe: (t, f, _c, cb) => bus.subscribe(t, f, cb) }, { origin: 'ipc', sessionId: 'bench' }, { info() {}, warn() {}, error() {} });
  while (session.subscriptionCount === 0) await new Promise((r) => setTimeout(r, 1));
  const end = now() + job.seconds * 1000;
  let published = 0;
  const seq = new Array(job.cameras).fill(0);
  if (job.ratePerSec === null) {
    while (now() < end) {
      for (let i = 0; i < 50; i++) { bus.publish('live.frame', frame(published % job.cameras, seq[published % job.cameras]++)); published++; }
      await new Promise((r) => setImmediate(r));
    }
  } else {
    const interval = 1000 / job.ratePerSec;
    let next = now();
    while (now() < end) {
      bus.publish('live.frame', frame(published % job.cameras, seq[published % job.cameras]++));
      published++;
      next += interval;
      await new Promise((r) => setTimeout(r, Math.max(0, next - now())));
    }
  }
  await new Promise((r) => setTimeout(r, 100));
  parentPort!.postMessage({ published, ...session.stats });
}

/** Node 20 workers do not run TypeScript through the parent's tsx loader: the producer thread runs this file
 * bundled to plain ESM by esbuild (same code, npm packages left as imports). */
let bundled: string | null = null;
async function spawnProducer(job: Job extends infer J ? (J extends Job ? Omit<J, 'port'> : never) : never, port: MessagePort): Promise<Worker> {
  if (!bundled) {
    // Inside the project so the bundle's package imports resolve from node_modules (.cache/ is git-ignored).
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache');
    mkdirSync(dir, { recursive: true });
    bundled = path.join(mkdtempSync(path.join(dir, 'bench-live-port-')), 'live-port.mjs');
    await build({ entryPoints: [fileURLToPath(import.meta.url)], outfile: bundled, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  }
  return new Worker(bundled, { workerData: { ...job, port }, transferList: [port] });
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

async function runFrames(name: string, ratePerSec: number | null, seconds: number, stallMs = 0) {
  const { port1, port2 } = new MessageChannel();
  const worker = await spawnProducer({ kind: 'frames', ratePerSec, seconds, cameras: 16 }, port2);
  const latencies: number[] = [];
  let received = 0;
  let deliver: (p: BridgePort) => void = () => {};
  const bridge = createBridge(Object.keys(contract), {
    invoke: async () => ({ status: 'ok', result: null }), requestPort: () => {}, onPort: (l) => { deliver = l; }, warn: () => {},
  });
  bridge.subscribe('live.frame', {}, (p) => {
    received++;
    latencies.push(now() - (p as TopicPayload<'live.frame'>).captured_at_ms);
    if (stallMs) { const until = now() + stallMs; while (now() < until) { /* a renderer busy painting */ } }
  });
  deliver(port1 as unknown as BridgePort);
  const t0 = now();
  const stats = await new Promise<{ published: number; delivered: number; superseded: number }>((resolve) => worker.once('message', resolve));
  const elapsed = (now() - t0) / 1000;
  await worker.terminate();
  port1.close();
  latencies.sort((a, b) => a - b);
  return {
    scenario: name, seconds: +elapsed.toFixed(2), published: stats.published, delivered: received,
    delivered_per_s: Math.round(received / elapsed), superseded: stats.superseded,
    latency_ms: { p50: +pct(latencies, 0.5).toFixed(3), p95: +pct(latencies, 0.95).toFixed(3), p99: +pct(latencies, 0.99).toFixed(3) },
  };
}

async function runChunks(seconds: number, chunkBytes: number) {
  const { port1, port2 } = new MessageChannel();
  const worker = await spawnProducer({ kind: 'chunks', seconds, chunkBytes }, port2);
  const latencies: number[] = [];
  let bytes = 0;
  const t0 = now();
  const done = new Promise<void>((resolve) => {
    port1.on('message', (m: { t: string; at: number; data: Uint8Array }) => {
      if (m.t === 'done') return resolve();
      bytes += m.data.byteLength;
      latencies.push(now() - m.at);
      port1.postMessage(1);
    });
  });
  await done;
  const elapsed = (now() - t0) / 1000;
  await worker.terminate();
  port1.close();
  latencies.sort((a, b) => a - b);
  return {
    scenario: `video chunks ${chunkBytes / 1024} KiB (raw port, 32 in flight)`, seconds: +elapsed.toFixed(2),
    chunks_per_s: Math.round(latencies.length / elapsed), mb_per_s: +(bytes / 1024 / 1024 / elapsed).toFixed(1),
    latency_ms: { p50: +pct(latencies, 0.5).toFixed(3), p95: +pct(latencies, 0.95).toFixed(3), p99: +pct(latencies, 0.99).toFixed(3) },
  };
}

if (!isMainThread) {
  void producer(workerData as Job);
} else {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const results = [
    await runFrames('live.frame, 5 faces, flat out', null, seconds),
    await runFrames('live.frame, 16 cameras × 5 fps', 80, seconds),
    await runFrames('live.frame flat out, renderer busy 5 ms per frame', null, seconds, 5),
    await runChunks(seconds, 64 * 1024),
  ];
  if (bundled) rmSync(path.dirname(bundled), { recursive: true, force: true });
  console.log(JSON.stringify({ transport: 'node:worker_threads MessageChannel (stand-in for MessageChannelMain)', node: process.version, results }, null, 2));
  console.log('\nscenario                                             published  delivered/s   p50 ms   p95 ms   p99 ms  superseded');
  for (const r of results) {
    const rate = 'delivered_per_s' in r ? r.delivered_per_s : r.chunks_per_s;
    const sup = 'superseded' in r ? String(r.superseded) : `${r.mb_per_s} MB/s`;
    const published = 'published' in r ? String(r.published) : '-';
    console.log(`${r.scenario.padEnd(52)} ${published.padStart(9)} ${String(rate).padStart(12)} ${r.latency_ms.p50.toFixed(2).padStart(8)} ${r.latency_ms.p95.toFixed(2).padStart(8)} ${r.latency_ms.p99.toFixed(2).padStart(8)}  ${sup}`);
  }
}
