// Host benchmark: the whole pipeline (ffmpeg file cameras → scheduler → engine child → tracker → storage →
// topics) with K cameras playing the demo's 1280×720 walking video (faces in it, one person enrolled), each
// detected at 5 fps, for D seconds per K. Reports frames analysed vs offered, dropped, frame→event latency
// (frame decoded → its live.frame published, p50/p95), tracks decided, and CPU / RSS of the host, the engine
// process and the ffmpeg readers. Writes bench-results/host.json and prints a table.
//   npm run bench:host [-- --seconds 60 --k 1,4,8,16]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost } from '../../src-main/host/host.ts';
import type { Caller } from '../../src-main/core/dispatcher.ts';
import { createLogger } from '../../src-main/logging/logger.ts';
import { DEMO_CAST, DEMO_DIR, DEMO_SCENE, composeScene, readSceneManifest } from '../../src-main/demo/demo-assets.ts';
import { defaultFfmpegPath } from '../../src-main/ffmpeg/resolve-ffmpeg.ts';
import { readProcessCpuMs } from '../../src-main/ffmpeg/process-cpu.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SECONDS = Number(arg('seconds', process.env.BENCH_HOST_SECONDS ?? '60'));
const KS = arg('k', '1,4,8,16').split(',').map(Number);
const FPS = 5;
const ADMIN: Caller = { user: { id: 'bench', username: 'bench', role: 'admin' }, origin: 'bench' };

interface Row {
  cameras: number;
  seconds: number;
  frames_offered: number;
  frames_analysed: number;
  analysed_ratio: number;
  frames_dropped: number;
  drops: Record<string, number>;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  tracks: number;
  decided: number;
  engine_ms_mean: number | null;
  cpu_host_pct: number;
  cpu_engine_pct: number;
  cpu_ffmpeg_pct: number;
  rss_host_mb: number;
  rss_engine_mb: number;
  loadavg_1m: number;
}

function rssMb(pid: number | null | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

async function runK(k: number, video: string, photo: string): Promise<Row> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-host-'));
  const host = await createHost({ dataDir, logger: createLogger({ level: 'error' }), waitForEngineMs: 120_000 });
  try {
    const p = (await host.dispatcher.dispatch('persons.create', { employee_id: 'E-1', name: 'Enrolled' }, ADMIN)) as { id: string };
    await host.dispatcher.dispatch('persons.enrolPhotos', { id: p.id, photos: [{ name: 'p.jpg', data_base64: readFileSync(photo).toString('base64') }] }, ADMIN);
    let decided = 0;
    host.bus.subscribe('events.track', {}, (e) => { if (e.kind === 'recognized' || e.kind === 'unknown') decided++; });
    for (let i = 0; i < k; i++) {
      await host.dispatcher.dispatch('cameras.create', {
        id: `cam${i}`, name: `Camera ${i}`, source: { type: 'file', path: video, loop: true, realtime: true },
        detection: { fps_limit: FPS, detect_width: 1280 }, live_view: { mode: 'off' },
      }, ADMIN);
    }
    // Warm-up: let every camera connect before measuring.
    await new Promise((r) => setTimeout(r, 3000));
    const sched = host.pipeline.scheduler.counters;
    const stats = host.context.stats.total;
    const base = { offered: sched.offered, analysed: stats.frames_analysed, dropped: { ...sched.dropped }, ms: stats.processing_ms_sum, decided };
    host.pipeline.latency.clear();
    const load = os.loadavg()[0];
    const enginePid = host.engine.stats().pid;
    const ffmpegPids = () => host.cameras.ids().map((id) => host.cameras.stats(id)?.cpu_percent ?? 0);
    const cpuHost0 = process.cpuUsage();
    const cpuEngine0 = readProcessCpuMs(enginePid ?? undefined) ?? 0;
    const t0 = performance.now();
    const ffSamples: number[] = [];
    let rssHost = 0;
    let rssEngine = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      ffSamples.push(ffmpegPids().reduce((a, b) => a + b, 0));
      rssHost = Math.max(rssHost, Math.round(process.memoryUsage().rss / 1048576));
      rssEngine = Math.max(rssEngine, rssMb(host.engine.stats().pid));
    }
    const wall = performance.now() - t0;
    const cpuHost = process.cpuUsage(cpuHost0);
    const cpuEngine = (readProcessCpuMs(enginePid ?? undefined) ?? cpuEngine0) - cpuEngine0;
    const offered = sched.offered - base.offered;
    const analysed = stats.frames_analysed - base.analysed;
    const drops = Object.fromEntries(Object.entries(sched.dropped).map(([r, n]) => [r, n - base.dropped[r as keyof typeof base.dropped]]).filter(([, n]) => (n as number) > 0));
    const dropped = Object.values(drops).reduce((a: number, b) => a + (b as number), 0);
    return {
      cameras: k, seconds: Math.round(wall / 100) / 10, frames_offered: offered, frames_analysed: analysed,
      analysed_ratio: offered ? Math.round((analysed / offered) * 1000) / 1000 : 0, frames_dropped: dropped, drops: drops as Record<string, number>,
      latency_p50_ms: round(host.pipeline.latency.percentile(50)), latency_p95_ms: round(host.pipeline.latency.percentile(95)),
      tracks: host.store.events.list({ limit: 500 }).items.length, decided: decided - base.decided,
      engine_ms_mean: analysed ? round((stats.processing_ms_sum - base.ms) / analysed) : null,
      cpu_host_pct: Math.round(((cpuHost.user + cpuHost.system) / 1000 / wall) * 1000) / 10,
      cpu_engine_pct: Math.round((cpuEngine / wall) * 1000) / 10,
      cpu_ffmpeg_pct: Math.round(ffSamples.reduce((a, b) => a + b, 0) / Math.max(1, ffSamples.length) * 10) / 10,
      rss_host_mb: rssHost, rss_engine_mb: rssEngine, loadavg_1m: Math.round(load * 100) / 100,
    };
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (v: number | null) => (v === null ? null : Math.round(v));

interface TransportRow { frame: string; path: string; ms_per_frame: number; host_cpu_ms: number; child_cpu_ms: number }

/**
 * What carrying one RGB frame to the engine process costs: the structured-clone IPC the host uses (one copy into
 * the channel, one out in the child) against a raw side pipe (no serializer; the child reassembles chunks).
 */
async function measureFrameTransport(): Promise<TransportRow[]> {
  const { fork } = await import('node:child_process');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-ipc-'));
  const child = path.join(dir, 'child.mjs');
  writeFileSync(child, `
import net from 'node:net';
const size = Number(process.argv[2]);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let parts = [], have = 0, n = 0;
if (process.argv[3] === 'pipe') new net.Socket({ fd: 4, readable: true, writable: false }).on('data', (c) => {
  let off = 0;
  while (off < c.length) { const k = Math.min(size - have, c.length - off); parts.push(c.subarray(off, off + k)); have += k; off += k;
    if (have === size) { const f = parts.length === 1 ? parts[0] : Buffer.concat(parts, size); parts = []; have = 0; process.send({ ack: n++, len: f.length }); } }
});
process.on('message', (m) => {
  if (m.type === 'frame') process.send({ ack: n++, len: m.data.length });
  else if (m.type === 'cpu') process.send({ cpu: cpu() });
  else process.exit(0);
});
process.send({ ready: true });
`);
  const rows: TransportRow[] = [];
  try {
    for (const [w, h] of [[640, 360], [1280, 720]]) {
      for (const mode of ['ipc', 'pipe'] as const) {
        const size = w * h * 3;
        const c = fork(child, [String(size), mode], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
        const msgs: Array<(m: { ack?: number; cpu?: number; ready?: boolean }) => void> = [];
        c.on('message', (m) => msgs.shift()?.(m as never));
        const next = () => new Promise<{ ack?: number; cpu?: number }>((r) => msgs.push(r));
        await next(); // ready
        const frame = Buffer.alloc(size, 7);
        const N = 60;
        c.send({ type: 'cpu' });
        const childCpu0 = (await next()).cpu!;
        const host0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < N; i++) {
          const ack = next();
          if (mode === 'ipc') c.send({ type: 'frame', data: frame });
          else (c.stdio[4] as NodeJS.WritableStream).write(frame);
          await ack;
        }
        const ms = performance.now() - t0;
        const hostCpu = process.cpuUsage(host0);
        c.send({ type: 'cpu' });
        const childCpu = (await next()).cpu! - childCpu0;
        c.send({ type: 'exit' });
        rows.push({
          frame: `${w}x${h}`, path: mode === 'ipc' ? 'fork IPC, advanced serialization (used)' : 'raw side pipe (alternative)',
          ms_per_frame: Math.round((ms / N) * 100) / 100, host_cpu_ms: Math.round(((hostCpu.user + hostCpu.system) / 1000 / N) * 100) / 100,
          child_cpu_ms: Math.round((childCpu / N) * 100) / 100,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  const manifest = readSceneManifest() ?? await composeScene({ outDir: DEMO_DIR, videoName: 'demo-walk.mp4', cast: DEMO_CAST, scene: DEMO_SCENE, ffmpegPath: defaultFfmpegPath() });
  const video = path.join(DEMO_DIR, manifest.video);
  const photo = path.join(DEMO_DIR, manifest.people.find((p) => p.enrolled)!.photo!);
  const transport = await measureFrameTransport();
  const rows: Row[] = [];
  for (const k of KS) {
    process.stderr.write(`bench:host K=${k} for ${SECONDS} s...\n`);
    rows.push(await runK(k, video, photo));
  }
  const out = {
    bench: 'host', at: new Date().toISOString(), cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '', node: process.version,
    video: { width: manifest.width, height: manifest.height, fps: manifest.fps }, detect_fps: FPS, seconds: SECONDS, rows, frame_transport: transport,
    notes: 'latency = camera frame decoded → its live.frame published (scheduler wait + engine + tracker); CPU in % of one core; ffmpeg = sum over readers',
  };
  const dir = path.resolve(import.meta.dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'host.json'), JSON.stringify(out, null, 2));
  const head = ['K', 'offered', 'analysed', 'ratio', 'dropped', 'p50 ms', 'p95 ms', 'decided', 'engine ms', 'host %', 'engine %', 'ffmpeg %', 'RSS host', 'RSS engine', 'load'];
  const lines = rows.map((r) => [r.cameras, r.frames_offered, r.frames_analysed, r.analysed_ratio, r.frames_dropped, r.latency_p50_ms, r.latency_p95_ms, r.decided, r.engine_ms_mean, r.cpu_host_pct, r.cpu_engine_pct, r.cpu_ffmpeg_pct, r.rss_host_mb, r.rss_engine_mb, r.loadavg_1m].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log(fmt(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  console.log('\nframe transport to the engine process (per frame, round trip with an ack):');
  for (const t of transport) console.log(`  ${t.frame.padEnd(9)} ${t.path.padEnd(40)} ${String(t.ms_per_frame).padStart(6)} ms  host CPU ${t.host_cpu_ms} ms  engine CPU ${t.child_cpu_ms} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
