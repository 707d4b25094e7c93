// Camera ingest benchmark: N cameras playing a 1280x720 25 fps H.264 video in real time, decoded to
// fps_limit 5 at 640 or 1280 wide (the app's reader: one ffmpeg child each, rgb24 over a pipe, H.264
// copied to fMP4 for the live view). Reports CPU per camera (ffmpeg children from /proc + this
// Node process) and detection frames delivered vs expected; then what the live view costs (off /
// fMP4 copy / JPEG fallback) and one RTSP run. Writes bench-results/cameras.json and prints a table.
//   npm run bench:cameras [-- --seconds 8 --n 1,4,8,16 --widths 640,1280]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CameraManager } from '../../src-main/camera/camera-manager.ts';
import { releaseFrame } from '../../src-main/camera/frame-pool.ts';
import { rtspServerUnavailable, startRtspServer } from '../../src-main/camera/testing/rtsp-server.ts';
import { makeTestVideo } from '../../src-main/camera/testing/test-media.ts';
import { readProcessCpuMs } from '../../src-main/ffmpeg/process-cpu.ts';
import { defaultFfmpegPath } from '../../src-main/ffmpeg/resolve-ffmpeg.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SECONDS = Number(arg('seconds', '8'));
const NS = arg('n', '1,4,8,16').split(',').map(Number);
const WIDTHS = arg('widths', '640,1280').split(',').map(Number);
const FPS = 5;

interface RunResult {
  kind: 'file' | 'rtsp';
  cameras: number;
  detect_width: number;
  live_view: 'fmp4' | 'mjpeg' | 'off';
  seconds: number;
  frames_expected: number;
  frames_delivered: number;
  delivered_ratio: number;
  frames_dropped: number;
  /** % of one core, per camera: its ffmpeg child plus its share of the Node process. */
  cpu_per_camera_pct: number;
  cpu_ffmpeg_per_camera_pct: number;
  cpu_node_total_pct: number;
  live_bytes_per_camera_per_s: number;
  first_frame_ms_p50: number;
  /** 1-minute load average when the run started: other work on the machine skews CPU and delivery. */
  loadavg_1m: number;
}

async function measure(o: { kind: 'file' | 'rtsp'; source: Record<string, unknown>; n: number; width: number; live: 'auto' | 'mjpeg' | 'off' }): Promise<RunResult> {
  const load = os.loadavg()[0];
  const m = new CameraManager({ ffmpegPath: defaultFfmpegPath() });
  const started = performance.now();
  const firstFrame = new Map<string, number>();
  let counting = false;
  let delivered = 0;
  const stop = new AbortController();
  const consume = async (id: string) => {
    while (!stop.signal.aborted) {
      const f = await m.nextFrame(id, stop.signal);
      if (!f) { await new Promise((r) => setTimeout(r, 25)); continue; }
      if (!firstFrame.has(f.camera_id)) firstFrame.set(f.camera_id, performance.now() - started);
      if (counting) delivered++;
      releaseFrame(f); // as the host's pull loop does: the camera reuses its frame buffers
    }
  };
  for (let i = 0; i < o.n; i++) {
    m.add({ id: `bench-${i}`, name: `Bench ${i}`, source: o.source, detection: { fps_limit: FPS, detect_width: o.width }, live_view: { mode: o.live, mjpeg_fps: 4, mjpeg_width: 640 } });
    void consume(`bench-${i}`);
  }
  const until = Date.now() + 30_000;
  while (m.list().some((s) => s.state !== 'live')) {
    if (Date.now() > until) throw new Error(`cameras not live: ${JSON.stringify(m.allStats().map((s) => [s.camera_id, s.state, s.last_error]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1500)); // past start-up (RTSP probing burst)
  const pids = m.list().map((s) => s.pid);
  const ffmpegCpu = () => pids.reduce<number>((sum, pid) => sum + (readProcessCpuMs(pid) ?? 0), 0);
  const live0 = m.list().reduce((s, c) => s + c.liveView.stats.fmp4_bytes + c.liveView.stats.mjpeg_bytes, 0);
  const cpu0 = ffmpegCpu();
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  counting = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  const ffmpegPct = ((ffmpegCpu() - cpu0) / 1000 / elapsed) * 100;
  const nodeUse = process.cpuUsage(node0);
  const nodePct = ((nodeUse.user + nodeUse.system) / 1e6 / elapsed) * 100;
  const live1 = m.list().reduce((s, c) => s + c.liveView.stats.fmp4_bytes + c.liveView.stats.mjpeg_bytes, 0);
  const dropped = m.allStats().reduce((s, x) => s + x.frames_dropped, 0);
  stop.abort();
  m.close();
  const expected = o.n * FPS * elapsed;
  const ff = [...firstFrame.values()].sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    kind: o.kind,
    cameras: o.n,
    detect_width: o.width,
    live_view: o.live === 'auto' ? 'fmp4' : o.live,
    seconds: r2(elapsed),
    frames_expected: Math.round(expected),
    frames_delivered: delivered,
    delivered_ratio: r2(delivered / expected),
    frames_dropped: dropped,
    cpu_per_camera_pct: r2((ffmpegPct + nodePct) / o.n),
    cpu_ffmpeg_per_camera_pct: r2(ffmpegPct / o.n),
    cpu_node_total_pct: r2(nodePct),
    live_bytes_per_camera_per_s: Math.round((live1 - live0) / o.n / elapsed),
    first_frame_ms_p50: Math.round(ff[ff.length >> 1] ?? 0),
    loadavg_1m: r2(load),
  };
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') console.warn('CPU figures come from /proc: only the Node share is measured on this platform');
  const video = await makeTestVideo({ width: 1280, height: 720, fps: 25, seconds: 10, gop: 50 });
  const results: RunResult[] = [];
  const file = { type: 'file', path: video, loop: true };
  const log = (r: RunResult) => {
    results.push(r);
    console.error(`  ${r.kind} N=${r.cameras} ${r.detect_width}px live=${r.live_view}: ${r.cpu_per_camera_pct}% CPU/camera, ${r.frames_delivered}/${r.frames_expected} frames`);
  };
  for (const width of WIDTHS) for (const n of NS) log(await measure({ kind: 'file', source: file, n, width, live: 'auto' }));
  // What the live view costs: same 4 cameras at 640, live view off / copied fMP4 / JPEG fallback.
  for (const live of ['off', 'mjpeg'] as const) log(await measure({ kind: 'file', source: file, n: 4, width: 640, live }));
  const why = rtspServerUnavailable();
  if (!why) {
    // The server sends the file's H.264 as is (no encoding), one shared pipeline for all clients.
    const long = await makeTestVideo({ width: 1280, height: 720, fps: 25, seconds: SECONDS + 20, gop: 50 });
    const server = await startRtspServer({ file: long, shared: true });
    try {
      log(await measure({ kind: 'rtsp', source: { type: 'rtsp', url: server.url }, n: 4, width: 640, live: 'auto' }));
    } finally {
      await server.stop();
    }
  } else {
    console.error(`  RTSP run skipped: ${why}`);
  }
  const out = {
    generated_at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, loadavg_1m: os.loadavg()[0] },
    source: { width: 1280, height: 720, fps: 25, codec: 'h264', gop: 50, realtime: true },
    fps_limit: FPS,
    results,
  };
  const dir = path.resolve('bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cameras.json'), `${JSON.stringify(out, null, 2)}\n`);
  const rows = results.map((r) =>
    `| ${r.kind} | ${r.cameras} | ${r.detect_width} | ${r.live_view} | ${r.cpu_per_camera_pct} | ${r.cpu_ffmpeg_per_camera_pct} | ${r.cpu_node_total_pct} | ${r.frames_delivered} / ${r.frames_expected} (${Math.round(r.delivered_ratio * 100)} %) | ${r.frames_dropped} | ${Math.round(r.live_bytes_per_camera_per_s / 1024)} | ${r.loadavg_1m} |`,
  );
  console.log(
    [
      `Camera ingest, ${out.machine.cpus} cores (${out.machine.model}), 1280x720 25 fps H.264 → ${FPS} fps rgb24, ${SECONDS} s per run; CPU in % of one core`,
      '',
      '| source | cameras | detect width | live view | CPU/camera % | ffmpeg/camera % | node total % | frames delivered / expected | dropped | live KiB/s/camera | load avg |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  console.log(`\nwritten ${path.join(dir, 'cameras.json')}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
