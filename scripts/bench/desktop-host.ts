// `npm run bench:desktop-host`: what the host core costs the desktop shell's event loop, with the host core in the
// shell's process (as before: Electron main ran it) and in its own process (now: a utility process), in one run.
//
// The bench process plays Electron main: it holds a DesktopHost and uses it only through that interface, as the
// IPC router, the live port and the app:// protocol do. With K cameras (the demo's synthetic walk video,
// 1280×720 @ 25 fps, looped in real time, analysed at 5 fps at 640 wide; the real engine), it subscribes to
// live.frame, events.track and cameras.status for every camera and reads every camera's live video stream
// (what a 16-tile live wall asks of main), then measures on its own event loop:
//   - event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms sampling; the figures include that 1 ms): p50 / p99 / max
//   - contract round trip as a window sees it: `cameras.list` due every 100 ms, timed from when it was due (so the
//     time main's busy event loop keeps an arriving IPC message waiting counts), p50 / p99 / max; and the call
//     alone (from dispatch to its answer)
//   - CPU of the "main" process (% of one core), live.frame events and live-video bytes relayed per second
// Each mode runs in its own child process (fresh event loop and heap); modes alternate when --repeat > 1.
//   npm run bench:desktop-host [-- --cameras 16 --seconds 20 --repeat 1 --modes in,out --out desktop-host]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { DesktopHost, IpcCallContext } from '../../src-main/electron/desktop-host.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const VIDEO = path.join(ROOT, 'assets', 'demo', 'generated', 'demo-walk.mp4');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};

type Mode = 'in' | 'out';
interface Spec { mode: Mode; cameras: number; seconds: number }
interface Row {
  mode: Mode; cameras: number; seconds: number;
  loop_delay_p50_ms: number; loop_delay_p99_ms: number; loop_delay_max_ms: number;
  rpc_p50_ms: number; rpc_p99_ms: number; rpc_max_ms: number; rpc_calls: number;
  call_p50_ms: number; call_p99_ms: number;
  main_cpu_pct: number; main_rss_mb: number;
  live_frames_per_s: number; video_kib_per_s: number; live_streams: number;
  engine_ready: boolean; loadavg_1m: number;
}

const r2 = (v: number) => Math.round(v * 100) / 100;
function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function openHost(mode: Mode, dataDir: string): Promise<DesktopHost> {
  if (mode === 'out') {
    const { RemoteDesktopHost } = await import('../../src-main/electron/remote-host.ts');
    const { ForkHostLauncher } = await import('../../src-main/electron/host-launcher.ts');
    const host = new RemoteDesktopHost({
      launcher: new ForkHostLauncher({ stdio: 'ignore' }),
      init: { dataDir, logLevel: 'error', logFile: path.join(dataDir, '..', 'host.log'), engineOptions: { threads: 1 } },
      log: { info: () => {}, warn: () => {}, error: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) },
    });
    await host.start();
    return host;
  }
  const { createHost } = await import('../../src-main/host/host.ts');
  const { createLogger } = await import('../../src-main/logging/logger.ts');
  const { createDesktopHost, partsOf } = await import('../../src-main/electron/host-adapter.ts');
  return createDesktopHost(partsOf(await createHost({ dataDir, logger: createLogger({ level: 'error' }), engineOptions: { threads: 1 } })));
}

async function runOne(spec: Spec): Promise<Row> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-desktop-'));
  const host = await openHost(spec.mode, path.join(dir, 'data'));
  const win: IpcCallContext = { origin: 'ipc', sessionId: 'bench-window' };
  const aborts: AbortController[] = [];
  try {
    await host.dispatch('auth.setup', { username: 'admin', password: 'a long enough password' }, win);
    for (let i = 0; i < spec.cameras; i++) {
      await host.dispatch('cameras.create', {
        id: `cam${i}`, name: `Camera ${i}`, source: { type: 'file', path: VIDEO, loop: true, realtime: true },
        detection: { fps_limit: 5, detect_width: 640 }, live_view: { mode: 'auto' },
      }, win);
    }
    let frames = 0;
    let bytes = 0;
    for (const topic of ['live.frame', 'events.track', 'cameras.status'] as const) {
      host.subscribe(topic, {}, win, () => { if (topic === 'live.frame') frames++; });
    }
    let engineReady = false;
    for (let i = 0; i < 240 && !engineReady; i++) {
      engineReady = (await host.health()).engine.ready;
      if (!engineReady) await new Promise((r) => setTimeout(r, 500));
    }
    // Every tile's video, drained as Chromium would read the app:// response.
    let streams = 0;
    for (let i = 0; i < spec.cameras; i++) {
      const ac = new AbortController();
      aborts.push(ac);
      const media = await host.openLive(`cam${i}`, 'fmp4', win, ac.signal).catch(() => null);
      if (!media) continue;
      streams++;
      const reader = media.body.getReader();
      void (async () => {
        try {
          for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
        } catch { /* aborted */ }
      })();
    }
    await new Promise((r) => setTimeout(r, 5000)); // cameras connected, pipeline warm
    const load = os.loadavg()[0];
    const h = monitorEventLoopDelay({ resolution: 1 });
    const rtt: number[] = [];
    const calls: number[] = [];
    let rss = 0;
    const f0 = frames;
    const b0 = bytes;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    h.enable();
    let due = t0;
    while (performance.now() - t0 < spec.seconds * 1000) {
      due += 100;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const s = performance.now();
      await host.dispatch('cameras.list', {}, win);
      const end = performance.now();
      rtt.push(end - due);
      calls.push(end - s);
      rss = Math.max(rss, process.memoryUsage().rss);
      if (end > due + 100) due = end; // a late call does not start a burst of catch-up calls
    }
    h.disable();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    rtt.sort((a, b) => a - b);
    calls.sort((a, b) => a - b);
    return {
      mode: spec.mode, cameras: spec.cameras, seconds: r2(wall / 1000),
      loop_delay_p50_ms: r2(h.percentile(50) / 1e6), loop_delay_p99_ms: r2(h.percentile(99) / 1e6), loop_delay_max_ms: r2(h.max / 1e6),
      rpc_p50_ms: r2(pct(rtt, 50)), rpc_p99_ms: r2(pct(rtt, 99)), rpc_max_ms: r2(rtt[rtt.length - 1] ?? NaN), rpc_calls: rtt.length,
      call_p50_ms: r2(pct(calls, 50)), call_p99_ms: r2(pct(calls, 99)),
      main_cpu_pct: r2(((cpu.user + cpu.system) / 1000 / wall) * 100), main_rss_mb: Math.round(rss / 1048576),
      live_frames_per_s: r2((frames - f0) / (wall / 1000)), video_kib_per_s: Math.round((bytes - b0) / 1024 / (wall / 1000)), live_streams: streams,
      engine_ready: engineReady, loadavg_1m: r2(load),
    };
  } finally {
    for (const ac of aborts) ac.abort();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(spec: Spec): Promise<Row> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Row);
      } catch {
        reject(new Error(`bench child exited ${code}: ${out.slice(-500)}`));
      }
    });
  });
}

const HEAD = ['host core', 'cameras', 'loop delay p50 / p99 / max ms', 'RPC as seen p50 / p99 / max ms', 'call alone p50 / p99 ms', 'main CPU %', 'main RSS MB', 'live.frame/s', 'video KiB/s', 'streams'];
const fmt = (r: Row) => [r.mode === 'in' ? 'in main (before)' : 'own process (now)', String(r.cameras),
  `${r.loop_delay_p50_ms} / ${r.loop_delay_p99_ms} / ${r.loop_delay_max_ms}`, `${r.rpc_p50_ms} / ${r.rpc_p99_ms} / ${r.rpc_max_ms}`, `${r.call_p50_ms} / ${r.call_p99_ms}`,
  String(r.main_cpu_pct), String(r.main_rss_mb), String(r.live_frames_per_s), String(r.video_kib_per_s), String(r.live_streams)];
const table = (head: string[], lines: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');

async function main(): Promise<void> {
  const one = arg('one', '');
  if (one) {
    process.stdout.write(`${JSON.stringify(await runOne(JSON.parse(one) as Spec))}\n`);
    process.exit(0);
  }
  if (!existsSync(VIDEO)) throw new Error(`${VIDEO} is missing: run \`npm run setup\` (it composes the demo video)`);
  const cameras = Number(arg('cameras', '16'));
  const seconds = Number(arg('seconds', '20'));
  const repeat = Number(arg('repeat', '1'));
  const modes = arg('modes', 'in,out').split(',') as Mode[];
  const rows: Row[] = [];
  for (let i = 0; i < repeat; i++) {
    for (const mode of i % 2 ? [...modes].reverse() : modes) {
      process.stderr.write(`bench:desktop-host ${mode} K=${cameras} ${seconds} s (load ${os.loadavg()[0].toFixed(2)})...\n`);
      const row = await runChild({ mode, cameras, seconds });
      rows.push(row);
      process.stderr.write(`  ${fmt(row).join(' ')}\n`);
    }
  }
  const mean = (m: Mode, k: keyof Row) => { const v = rows.filter((r) => r.mode === m).map((r) => r[k] as number); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; };
  const ratios = Object.fromEntries((['loop_delay_p50_ms', 'loop_delay_p99_ms', 'loop_delay_max_ms', 'rpc_p50_ms', 'rpc_p99_ms', 'rpc_max_ms', 'call_p50_ms', 'call_p99_ms', 'main_cpu_pct', 'main_rss_mb'] as const)
    .map((k) => [k, r2(mean('out', k) / mean('in', k))]));
  const out = {
    bench: 'desktop-host', at: new Date().toISOString(), cpus: os.cpus().length, node: process.version, cameras, seconds, repeat, video: path.relative(ROOT, VIDEO), rows,
    out_over_in: ratios,
    notes: 'the bench process stands in for Electron main and uses the host only through DesktopHost; "in" = host core in that process (the app before), "out" = host core in a child_process.fork child (the utility process now); loop delay from monitorEventLoopDelay (1 ms sampling interval included) over the measured window; RPC = cameras.list due every 100 ms, timed from when due (includes the wait in the main event loop); call = dispatch to answer only; CPU in % of one core',
  };
  const dir = path.join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${arg('out', 'desktop-host')}.json`), JSON.stringify(out, null, 2));
  console.log(table(HEAD, rows.map(fmt)));
  console.log(`\nown process ÷ in main (same run): ${Object.entries(ratios).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
