// Host benchmark: the whole pipeline (ffmpeg file cameras → motion gate → scheduler → engine worker(s) → tracker →
// storage → topics) with K cameras, each analysed at 5 fps, for D seconds per run. Every run is its own child
// process (clean memory, its own CPU figures) and the same runs are made against the previous release (a git
// worktree, `--prev DIR`) in the same invocation, so the ratios compare like with like on a noisy machine.
//
// Scenes (composed once with the demo's walking-video tools, temporal sensor noise added):
//   busy    the demo walk: someone in view ~88 % of the time
//   sparse  two walkers with long empty gaps: someone in view ~25 % of the time (typical CCTV)
//   burst   the sparse scene with every camera in step: people appear on all K cameras at the same moment
//           (the worst case, reported on its own)
// Real cameras are independent: in busy and sparse, camera i plays the scene from i/K of the way through it (a
// rotated copy of the file, cut at a keyframe by stream copy: same frames, no re-encode), so at any moment about
// the scene's on-screen share of the cameras has someone in view. burst plays the same file from 0 on every camera.
// Modes:
//   main    K main streams 1280×720 @ 25 fps (decoded once at the detection width, fMP4 live copy)
//   sub     K substreams 640×360 @ 10 fps decoded for detection, the 1280×720 main stream copied for live view
//           (the previous release has no detect stream: it gets the same camera config and decodes the main stream)
// Reports frames offered / skipped as static / analysed, the share of frames with motion analysed, drops,
// frame→event latency (frame decoded → its live.frame published, p50/p95), queue depth over time, CPU % of one
// core per process (host, engine workers, ffmpeg readers), RSS, and the 1-minute load average at the start.
//   npm run bench:host [-- --seconds 20 --k 1,4,8,16 --modes sub,main --scenes sparse,busy --prev /work/prev
//                        --workers 1 --only sub:sparse:16,main:busy:4 --out host --cpu-prof DIR]
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CAST, DEMO_DIR, DEMO_SCENE, composeScene, readSceneManifest, sceneFingerprint } from '../../src-main/demo/demo-assets.ts';
import { defaultFfmpegPath } from '../../src-main/ffmpeg/resolve-ffmpeg.ts';
import type * as HostModule from '../../src-main/host/host.ts';
import type * as LoggerModule from '../../src-main/logging/logger.ts';

const run = promisify(execFile);
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FPS = 5;

type Mode = 'main' | 'sub';
type Scene = 'busy' | 'sparse' | 'burst';

interface RunSpec {
  root: string;
  version: 'current' | 'previous';
  mode: Mode;
  scene: Scene;
  k: number;
  seconds: number;
  workers: number | null;
  /** Folder for a V8 CPU profile of the host process over the measured window only (--cpu-prof DIR). */
  profileDir?: string;
  /** Per camera (camera i plays mains[i] / subs[i]). */
  mains: string[];
  subs: string[];
  photo: string;
}

interface Row {
  version: string; mode: Mode; scene: Scene; cameras: number; workers: number; seconds: number;
  frames_offered: number; skipped_static: number; frames_analysed: number;
  /** analysed / (offered − skipped as static): the share of frames with motion (or a live track) analysed.
   *  roi_frames: frames the planner chose to analyse as a crop. */
  motion_analysed_ratio: number;
  frames_dropped: number; drops: Record<string, number>;
  latency_p50_ms: number | null; latency_p95_ms: number | null;
  queue_depth_max: number; dropped_first_half: number; dropped_second_half: number;
  roi_frames: number; decided: number; engine_ms_mean: number | null;
  /** Engine work per analysed frame over the window (from each answer's stage timings, wall ms in the engine):
   *  pixels sent, faces found, share of frames with embeddings asked for, faces embedded, ms per stage. */
  engine_work: EngineWork | null;
  /** Host CPU (this process: readers' pipes, gate, scheduler, engine transport, tracker, storage) per offered frame. */
  host_ms_per_frame: number | null;
  cpu_host_pct: number; cpu_engine_pct: number; cpu_ffmpeg_pct: number; rss_host_mb: number; rss_engine_mb: number; loadavg_1m: number;
}

// ---------------------------------------------------------------- one run (child process)

interface EngineWork {
  frames: number; kpixels_mean: number; faces_mean: number; embed_asked_share: number; embedded_mean: number;
  detect_ms: number; keypoints_ms: number; landmarks_ms: number; align_ms: number; embed_ms: number; match_ms: number;
}

/** Wraps the host's engine `call` to add up what each analysed frame cost in the engine (bench-only probe). */
function probeEngineWork(engine: unknown): { reset(): void; read(): EngineWork | null } {
  type Op = { op: string; frame?: { width: number; height: number }; options?: { embeddings?: boolean } };
  type Res = { faces?: Array<{ embedding?: unknown }>; stages?: Record<string, number> };
  const e = engine as { call: (op: Op, opts?: unknown) => Promise<unknown> };
  const keys = ['detect_ms', 'keypoints_ms', 'landmarks_ms', 'align_ms', 'embed_ms', 'match_ms'] as const;
  let a = { frames: 0, px: 0, faces: 0, asked: 0, embedded: 0, ...Object.fromEntries(keys.map((k) => [k, 0])) } as Record<string, number>;
  const zero = { ...a };
  const call = e.call.bind(engine);
  e.call = (op, opts) => call(op, opts).then((r) => {
    const res = r as Res;
    if (op.op === 'analyze_frame' && op.frame && res.stages) {
      a.frames++;
      a.px += op.frame.width * op.frame.height;
      a.faces += res.faces?.length ?? 0;
      if (op.options?.embeddings !== false) a.asked++;
      a.embedded += res.faces?.filter((f) => f.embedding).length ?? 0;
      for (const k of keys) a[k] += res.stages[k] ?? 0;
    }
    return r;
  });
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    reset() { a = { ...zero }; },
    read() {
      if (!a.frames) return null;
      const n = a.frames;
      return { frames: n, kpixels_mean: Math.round(a.px / n / 1000), faces_mean: r2(a.faces / n), embed_asked_share: r2(a.asked / n), embedded_mean: r2(a.embedded / n),
        ...Object.fromEntries(keys.map((k) => [k, r2(a[k] / n)])) } as EngineWork;
    },
  };
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

/** utime + stime of a process and its children that were waited for, ms. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(parts[11]) + Number(parts[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
  } catch {
    return '';
  }
}

async function runOne(spec: RunSpec): Promise<Row> {
  // The host of the tree under test (this one or the previous release's worktree), loaded by path.
  const { createHost } = (await import(path.join(spec.root, 'src-main/host/host.ts'))) as typeof HostModule;
  const { createLogger } = (await import(path.join(spec.root, 'src-main/logging/logger.ts'))) as typeof LoggerModule;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-host-'));
  const ADMIN = { user: { id: 'bench', username: 'bench', role: 'admin' as const }, origin: 'bench' };
  const host = await createHost({
    dataDir, logger: createLogger({ level: 'error' }), waitForEngineMs: 120_000,
    ...(spec.workers ? { supervisor: { workers: spec.workers } } : {}),
  } as Parameters<typeof createHost>[0]);
  try {
    const p = (await host.dispatcher.dispatch('persons.create', { employee_id: 'E-1', name: 'Enrolled' }, ADMIN)) as { id: string };
    await host.dispatcher.dispatch('persons.enrolPhotos', { id: p.id, photos: [{ name: 'p.jpg', data_base64: readFileSync(spec.photo).toString('base64') }] }, ADMIN);
    const work = probeEngineWork(host.engine);
    let decided = 0;
    host.bus.subscribe('events.track', {}, (e: { kind?: string }) => { if (e.kind === 'recognized' || e.kind === 'unknown') decided++; });
    for (let i = 0; i < spec.k; i++) {
      await host.dispatcher.dispatch('cameras.create', {
        id: `cam${i}`, name: `Camera ${i}`, source: { type: 'file', path: spec.mains[i % spec.mains.length], loop: true, realtime: true },
        detection: { fps_limit: FPS, detect_width: 640, ...(spec.mode === 'sub' ? { detect_stream: spec.subs[i % spec.subs.length] } : {}) },
        live_view: { mode: 'auto' },
      }, ADMIN);
    }
    await new Promise((r) => setTimeout(r, 4000)); // every camera connected, the engine warm
    const sched = host.pipeline.scheduler.counters;
    const stats = host.context.stats.total as unknown as Record<string, number>;
    // Frames the cameras delivered to the pipeline (before the motion gate; the scheduler sees the rest).
    const base = { offered: stats.frames_offered, analysed: stats.frames_analysed, skipped: stats.frames_skipped_static ?? 0, dropped: { ...sched.dropped }, ms: stats.processing_ms_sum, decided };
    const roiBase = roiFrames(host);
    work.reset();
    host.pipeline.latency.clear();
    const load = os.loadavg()[0];
    const engine = host.engine as unknown as { pids?: () => number[]; stats(): { pid: number | null } };
    const enginePids = () => engine.pids?.() ?? [engine.stats().pid].filter((x): x is number => x !== null);
    const ffmpeg = () => childPids(process.pid).filter((c) => commOf(c) === 'ffmpeg');
    const e0 = new Map(enginePids().map((pid) => [pid, cpuMs(pid)]));
    const f0 = new Map(ffmpeg().map((pid) => [pid, cpuMs(pid)]));
    const profiler = spec.profileDir ? await startProfile() : null;
    const cpuHost0 = process.cpuUsage();
    const t0 = performance.now();
    let rssHost = 0;
    let rssEngine = 0;
    let depthMax = 0;
    const dropsAt: number[] = [];
    const droppedNow = () => Object.values(sched.dropped).reduce((a, b) => a + b, 0);
    while (performance.now() - t0 < spec.seconds * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      depthMax = Math.max(depthMax, host.pipeline.scheduler.depth);
      dropsAt.push(droppedNow());
      rssHost = Math.max(rssHost, Math.round(process.memoryUsage().rss / 1048576));
      rssEngine = Math.max(rssEngine, enginePids().reduce((a, pid) => a + rssMb(pid), 0));
    }
    const wall = performance.now() - t0;
    const cpuHost = process.cpuUsage(cpuHost0);
    if (profiler) await profiler.stop(path.join(spec.profileDir!, `${spec.version}-${spec.mode}-${spec.scene}-${spec.k}.cpuprofile`));
    const delta = (start: Map<number, number>, pids: number[]) => pids.reduce((a, pid) => a + cpuMs(pid) - (start.get(pid) ?? 0), 0);
    const cpuEngine = delta(e0, enginePids());
    const cpuFfmpeg = delta(f0, ffmpeg());
    const offered = stats.frames_offered - base.offered;
    const analysed = stats.frames_analysed - base.analysed;
    const skipped = (stats.frames_skipped_static ?? 0) - base.skipped;
    const drops = Object.fromEntries(Object.entries(sched.dropped).map(([r, n]) => [r, n - base.dropped[r as keyof typeof base.dropped]]).filter(([, n]) => (n as number) > 0)) as Record<string, number>;
    const dropped = Object.values(drops).reduce((a, b) => a + b, 0);
    const half = Math.floor(dropsAt.length / 2);
    const d0 = base.dropped ? Object.values(base.dropped).reduce((a, b) => a + b, 0) : 0;
    const pct = (ms: number) => Math.round((ms / wall) * 1000) / 10;
    return {
      version: spec.version, mode: spec.mode, scene: spec.scene, cameras: spec.k, workers: enginePids().length, seconds: Math.round(wall / 100) / 10,
      frames_offered: offered, skipped_static: skipped, frames_analysed: analysed,
      motion_analysed_ratio: offered - skipped > 0 ? Math.round((analysed / (offered - skipped)) * 1000) / 1000 : 0,
      frames_dropped: dropped, drops,
      latency_p50_ms: round(host.pipeline.latency.percentile(50)), latency_p95_ms: round(host.pipeline.latency.percentile(95)),
      queue_depth_max: depthMax,
      dropped_first_half: half > 0 ? dropsAt[half - 1] - d0 : 0,
      dropped_second_half: dropsAt.length ? dropsAt[dropsAt.length - 1] - (half > 0 ? dropsAt[half - 1] : d0) : 0,
      roi_frames: roiFrames(host) - roiBase, decided: decided - base.decided,
      engine_ms_mean: analysed ? round((stats.processing_ms_sum - base.ms) / analysed) : null,
      engine_work: work.read(),
      host_ms_per_frame: offered ? Math.round(((cpuHost.user + cpuHost.system) / 1000 / offered) * 100) / 100 : null,
      cpu_host_pct: pct((cpuHost.user + cpuHost.system) / 1000), cpu_engine_pct: pct(cpuEngine), cpu_ffmpeg_pct: pct(cpuFfmpeg),
      rss_host_mb: rssHost, rss_engine_mb: rssEngine, loadavg_1m: Math.round(load * 100) / 100,
    };
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The V8 profiler of this process (node:inspector), started and stopped around the measured window. */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

function roiFrames(host: { cameras: { ids(): string[] }; pipeline: unknown }): number {
  const p = host.pipeline as { workCounters?: (id: string) => { roi_frames: number } | null };
  if (!p.workCounters) return 0;
  return host.cameras.ids().reduce((a, id) => a + (p.workCounters!(id)?.roi_frames ?? 0), 0);
}

const round = (v: number | null) => (v === null ? null : Math.round(v));

// ---------------------------------------------------------------- scenes

interface SceneFiles { main: string; sub: string; photo: string; seconds: number; on_screen: number }

/** The scene's files for K cameras: camera i from i/K of the way through the scene (burst: all from 0). */
async function cameraFiles(scene: Scene, f: SceneFiles, k: number): Promise<{ mains: string[]; subs: string[]; offsets_s: number[] }> {
  if (scene === 'burst') return { mains: [f.main], subs: [f.sub], offsets_s: [0] };
  const offsets = Array.from({ length: k }, (_, i) => Math.round(((i * f.seconds) / k) * 10) / 10);
  const mains = await Promise.all(offsets.map((o) => rotated(f.main, o)));
  const subs = await Promise.all(offsets.map((o) => rotated(f.sub, o)));
  return { mains, subs, offsets_s: offsets };
}

/** `file` played from `offset` seconds to its end, then from its start to `offset`: the concat demuxer with
 *  inpoint/outpoint and stream copy (starts at the keyframe at or before `offset`; no re-encode). Cached. */
async function rotated(file: string, offset: number): Promise<string> {
  if (offset <= 0) return file;
  const out = file.replace(/\.mp4$/, `-from-${offset.toFixed(1)}s.mp4`);
  if (existsSync(out)) return out;
  const list = `${out}.txt`;
  const q = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;
  writeFileSync(list, `file ${q(file)}\ninpoint ${offset}\nfile ${q(file)}\noutpoint ${offset}\n`);
  await run(defaultFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', `${out}.tmp.mp4`]);
  await run('mv', [`${out}.tmp.mp4`, out]);
  rmSync(list, { force: true });
  return out;
}

/** 1280×720@25 main and 640×360@10 substream of a scene, with temporal sensor noise, cached by fingerprint. */
async function sceneFiles(scene: Scene): Promise<SceneFiles> {
  const ffmpeg = defaultFfmpegPath();
  const cast = scene === 'busy' ? DEMO_CAST : DEMO_CAST.slice(0, 2);
  const opts = scene === 'busy' ? DEMO_SCENE : { ...DEMO_SCENE, gapSeconds: 16 };
  const dir = scene === 'busy' ? DEMO_DIR : path.join(os.tmpdir(), 'vigil-bench-scenes', sceneFingerprint(cast, opts));
  const manifest = readSceneManifest(dir, sceneFingerprint(cast, opts)) ?? await composeScene({ outDir: dir, videoName: `walk-${scene}.mp4`, cast, scene: opts, ffmpegPath: ffmpeg });
  const clean = path.join(dir, manifest.video);
  const out = path.join(os.tmpdir(), 'vigil-bench-scenes', `${manifest.fingerprint}`);
  mkdirSync(out, { recursive: true });
  const main = path.join(out, 'main-1280x720-25.mp4');
  const sub = path.join(out, 'sub-640x360-10.mp4');
  const enc = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-an'];
  // Sensor noise changes every frame (allf=t), as on a real camera: the motion gate must not take it for motion.
  if (!existsSync(main)) await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', clean, '-vf', 'noise=alls=5:allf=t', '-r', '25', '-g', '50', ...enc, `${main}.tmp.mp4`]).then(() => run('mv', [`${main}.tmp.mp4`, main]));
  if (!existsSync(sub)) await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', main, '-vf', 'scale=640:360', '-r', '10', '-g', '20', ...enc, `${sub}.tmp.mp4`]).then(() => run('mv', [`${sub}.tmp.mp4`, sub]));
  const enrolled = manifest.people.find((x) => x.enrolled)!;
  const onScreen = manifest.people.reduce((a, x) => a + (x.on_screen[1] - x.on_screen[0]), 0) / manifest.seconds;
  return { main, sub, photo: path.join(dir, enrolled.photo!), seconds: manifest.seconds, on_screen: Math.round(onScreen * 100) / 100 };
}

// ---------------------------------------------------------------- orchestration

function runChild(spec: RunSpec): Promise<Row> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', JSON.stringify(spec)], {
      cwd: spec.root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as Row);
      } catch (err) {
        reject(new Error(`bench run ${spec.version} ${spec.mode}/${spec.scene} K=${spec.k} failed: ${(err as Error).message}\n${out.slice(-2000)}`));
      }
    });
  });
}

const fmtRow = (r: Row) => [
  r.version, r.mode, r.scene, r.cameras, r.workers, r.frames_offered, r.skipped_static, r.frames_analysed, r.motion_analysed_ratio, r.frames_dropped,
  r.latency_p50_ms, r.latency_p95_ms, r.queue_depth_max, `${r.dropped_first_half}/${r.dropped_second_half}`, r.roi_frames, r.decided, r.engine_ms_mean,
  r.host_ms_per_frame, r.cpu_host_pct, r.cpu_engine_pct, r.cpu_ffmpeg_pct, r.rss_host_mb, r.rss_engine_mb, r.loadavg_1m,
].map(String);
const HEAD = ['version', 'mode', 'scene', 'K', 'workers', 'offered', 'skipped static', 'analysed', 'motion analysed', 'dropped', 'p50 ms', 'p95 ms', 'max queue', 'drops 1st/2nd half', 'roi frames', 'decided', 'engine ms', 'host ms/frame', 'host %', 'engine %', 'ffmpeg %', 'RSS host MB', 'RSS engine MB', 'load 1m'];

function table(head: string[], lines: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '—' : (Math.round((a / b) * 100) / 100).toString());

async function main(): Promise<void> {
  const one = arg('one', '');
  if (one) {
    const row = await runOne(JSON.parse(one) as RunSpec);
    process.stdout.write(`${JSON.stringify(row)}\n`);
    process.exit(0);
  }
  const seconds = Number(arg('seconds', process.env.BENCH_HOST_SECONDS ?? '20'));
  const ks = arg('k', '1,4,8,16').split(',').map(Number);
  const modes = arg('modes', 'sub,main').split(',') as Mode[];
  const scenes = arg('scenes', 'sparse,burst,busy').split(',') as Scene[];
  const prev = arg('prev', existsSync('/work/prev/src-main/host/host.ts') ? '/work/prev' : '');
  // --workers 1,2,3: every current run once per engine worker count (how the default was chosen; frames/s column)
  const workerCounts: Array<number | null> = arg('workers', '') ? arg('workers', '').split(',').map(Number) : [null];
  const only = arg('only', '');
  const outName = arg('out', 'host');
  const profileDir = arg('cpu-prof', '') ? path.resolve(arg('cpu-prof', '')) : undefined;
  const files = Object.fromEntries(await Promise.all(scenes.map(async (s) => [s, await sceneFiles(s)] as const))) as Record<Scene, SceneFiles>;
  const combos: Array<[Mode, Scene, number]> = only
    ? only.split(',').map((c) => { const [m, s, k] = c.split(':'); return [m as Mode, s as Scene, Number(k)]; })
    : modes.flatMap((m) => scenes.flatMap((s) => ks.map((k) => [m, s, k] as [Mode, Scene, number])));
  const rows: Row[] = [];
  /** Where each camera starts in its scene (s), per scene and K: what makes the cameras independent. */
  const phases: Record<string, number[]> = {};
  for (const [mode, scene, k] of combos) {
    const f = files[scene] ?? await sceneFiles(scene);
    const cams = await cameraFiles(scene, f, k);
    phases[`${scene}:${k}`] = cams.offsets_s;
    const runs = [...workerCounts.map((w) => ['current', ROOT, w] as const), ...(prev ? [['previous', prev, null] as const] : [])];
    for (const [version, root, workers] of runs) {
      process.stderr.write(`bench:host ${version} ${mode}/${scene} K=${k}${workers ? ` workers=${workers}` : ''} for ${seconds} s (load ${os.loadavg()[0].toFixed(2)})...\n`);
      const row = await runChild({ root, version, mode, scene, k, seconds, workers, profileDir, mains: cams.mains, subs: cams.subs, photo: f.photo });
      rows.push(row);
      process.stderr.write(`  ${fmtRow(row).join(' ')}\n`);
    }
  }
  if (workerCounts.length > 1) {
    const lines = rows.filter((r) => r.version === 'current').map((r) => [r.mode, r.scene, String(r.cameras), String(r.workers), String(Math.round((r.frames_analysed / r.seconds) * 10) / 10), String(r.motion_analysed_ratio), String(r.latency_p95_ms), String(r.cpu_engine_pct), String(r.rss_engine_mb), String(r.loadavg_1m)]);
    console.log(`\nengine workers (same run):\n${table(['mode', 'scene', 'K', 'workers', 'analysed frames/s', 'motion analysed', 'p95 ms', 'engine CPU %', 'RSS engine MB', 'load 1m'], lines)}\n`);
  }
  const pairs = rows.filter((r) => r.version === 'current' && (workerCounts.length === 1 || r.workers === rows.find((x) => x.version === 'current')?.workers)).map((c) => [c, rows.find((p) => p.version === 'previous' && p.mode === c.mode && p.scene === c.scene && p.cameras === c.cameras)] as const);
  const ratioHead = ['mode', 'scene', 'K', 'analysed (frames with motion) now/prev', 'p95 now/prev', 'host ms/frame', 'host CPU', 'engine CPU', 'ffmpeg CPU', 'RSS host', 'RSS engine'];
  const ratioLines = pairs.filter(([, p]) => p).map(([c, p]) => [c.mode, c.scene, String(c.cameras),
    `${c.motion_analysed_ratio} / ${p!.motion_analysed_ratio}`, ratio(c.latency_p95_ms, p!.latency_p95_ms), ratio(c.host_ms_per_frame, p!.host_ms_per_frame), ratio(c.cpu_host_pct, p!.cpu_host_pct),
    ratio(c.cpu_engine_pct, p!.cpu_engine_pct), ratio(c.cpu_ffmpeg_pct, p!.cpu_ffmpeg_pct), ratio(c.rss_host_mb, p!.rss_host_mb), ratio(c.rss_engine_mb, p!.rss_engine_mb)]);
  const out = {
    bench: 'host', at: new Date().toISOString(), cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '', node: process.version,
    detect_fps: FPS, seconds, scenes: files, camera_start_s: phases, previous: prev || null, rows,
    notes: 'latency = camera frame decoded → its live.frame published; CPU in % of one core over the run; engine = sum over engine processes, ffmpeg = sum over readers; load = 1-minute load average at the start of the run',
  };
  const dir = path.join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${outName}.json`), JSON.stringify(out, null, 2));
  console.log(table(HEAD, rows.map(fmtRow)));
  const workRows = rows.filter((r) => r.engine_work);
  if (workRows.length) {
    console.log(`\nengine work per analysed frame (wall ms in the engine, by stage):\n${table(['version', 'mode', 'scene', 'K', 'workers', 'frames', 'kpixels', 'faces', 'embed asked', 'faces embedded', 'detect', 'keypoints', 'landmarks', 'align', 'embed', 'match'],
      workRows.map((r) => { const w = r.engine_work!; return [r.version, r.mode, r.scene, r.cameras, r.workers, w.frames, w.kpixels_mean, w.faces_mean, w.embed_asked_share, w.embedded_mean, w.detect_ms, w.keypoints_ms, w.landmarks_ms, w.align_ms, w.embed_ms, w.match_ms].map(String); }))}`);
  }
  if (ratioLines.length) console.log(`\ncurrent ÷ previous (same run):\n${table(ratioHead, ratioLines)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
