// Frame transport benchmark: what it costs the host to hand frames to an engine process by fork IPC (structured
// clone, serialization 'advanced': today's path before the side channel) and by the frame side channel (Unix
// socket / named pipe, src-main/engine-host/frame-channel-host.ts), in the same run, interleaved round by round.
// The child is a real process that takes frames like the engine does and answers at once
// (src-main/engine-host/testing/frame-echo-child.ts), so the figures are transport only. Requests are kept
// 2 in flight, as an engine worker does.
//   npm run bench:frame-transport [-- --frames 400 --rounds 3 --out frame-transport]
// Writes bench-results/<out>.json and prints a markdown table: host CPU ms per frame (user + system of this
// process), engine-side CPU ms per frame, frames/s and MB/s.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForkEngineLauncher } from '../../src-main/engine-host/launcher.ts';
import type { EngineChannel } from '../../src-main/engine-host/launcher.ts';
import { EngineInstance } from '../../src-main/engine-host/engine-instance.ts';
import { engineWire } from '../../src-main/engine-host/engine-wire.ts';
import type { FrameChannelHost } from '../../src-main/engine-host/frame-channel-host.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const FRAMES = Number(arg('frames', '400'));
const ROUNDS = Number(arg('rounds', '3'));
const OUT = arg('out', 'frame-transport');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ECHO = fileURLToPath(new URL('../../src-main/engine-host/testing/frame-echo-child.ts', import.meta.url));
const SIZES = [{ width: 1280, height: 720 }, { width: 640, height: 360 }];
const IN_FLIGHT = 2;
const TICKS = 100; // /proc clock ticks per second on Linux

type Transport = 'ipc' | 'frame-channel';

function childCpuMs(pid: number | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
  } catch {
    return null;
  }
}

async function start(transport: Transport): Promise<{ ch: EngineChannel; inst: EngineInstance }> {
  const ch = new ForkEngineLauncher({ entry: ECHO, env: { ECHO_CHECKSUM: '0', VIGIL_FRAME_TRANSPORT: transport === 'ipc' ? 'ipc' : '' } }).launch();
  const inst = new EngineInstance(ch, engineWire, { readyTimeoutMs: 30_000, pingIntervalMs: 1000, hangTimeoutMs: 30_000, requestTimeoutMs: 30_000 }, () => {});
  await inst.start({});
  if (transport === 'frame-channel') {
    const f = ch.frames as FrameChannelHost | null;
    if (!f) throw new Error('frame channel could not be opened');
    if (!f.open) await new Promise<void>((r, j) => { f.once('open', () => r()); f.once('close', j); });
  }
  return { ch, inst };
}

/** Sends `n` frames keeping IN_FLIGHT outstanding; resolves when all are answered. */
function pump(inst: EngineInstance, frames: Array<{ width: number; height: number; channels: 3; data: Uint8Array }>, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const next = () => {
      while (sent < n && sent - done < IN_FLIGHT) {
        const frame = frames[sent % frames.length];
        sent++;
        inst.send({
          op: { op: 'analyze_frame', frame, options: { embeddings: true, match: true } }, attempts: 0, retryable: false, sentAt: 0,
          resolve: () => { done++; if (done === n) resolve(); else next(); },
          reject,
        });
      }
    };
    next();
  });
}

interface Row { transport: Transport; width: number; height: number; round: number; frames: number; host_cpu_ms_per_frame: number; engine_cpu_ms_per_frame: number | null; frames_per_s: number; mb_per_s: number }

async function measure(transport: Transport, size: { width: number; height: number }, round: number): Promise<Row> {
  const { inst, ch } = await start(transport);
  const bytes = size.width * size.height * 3;
  const frames = Array.from({ length: 4 }, (_, k) => ({ ...size, channels: 3 as const, data: new Uint8Array(bytes).fill(17 + k) }));
  await pump(inst, frames, 20); // warm-up
  const c0 = process.cpuUsage();
  const e0 = childCpuMs(ch.pid);
  const t0 = performance.now();
  await pump(inst, frames, FRAMES);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const e1 = childCpuMs(ch.pid);
  await inst.shutdown(1000);
  return {
    transport, ...size, round, frames: FRAMES,
    host_cpu_ms_per_frame: Math.round(((c.user + c.system) / 1000 / FRAMES) * 1000) / 1000,
    engine_cpu_ms_per_frame: e0 !== null && e1 !== null ? Math.round(((e1 - e0) / FRAMES) * 1000) / 1000 : null,
    frames_per_s: Math.round((FRAMES / wall) * 1000 * 10) / 10,
    mb_per_s: Math.round(((FRAMES * bytes) / 1e6 / (wall / 1000)) * 10) / 10,
  };
}

const rows: Row[] = [];
const load = os.loadavg()[0];
for (let round = 1; round <= ROUNDS; round++) {
  for (const size of SIZES) {
    // alternate the order each round so neither transport always runs first
    const order: Transport[] = round % 2 ? ['ipc', 'frame-channel'] : ['frame-channel', 'ipc'];
    for (const t of order) rows.push(await measure(t, size, round));
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const summary = SIZES.map((size) => {
  const pick = (t: Transport) => rows.filter((r) => r.transport === t && r.width === size.width);
  const ipc = pick('ipc');
  const fc = pick('frame-channel');
  const m = (rs: Row[], k: 'host_cpu_ms_per_frame' | 'frames_per_s') => median(rs.map((r) => r[k]));
  const me = (rs: Row[]) => { const v = rs.map((r) => r.engine_cpu_ms_per_frame).filter((x): x is number => x !== null); return v.length ? median(v) : null; };
  return {
    size: `${size.width}×${size.height}`,
    ipc_host_ms: m(ipc, 'host_cpu_ms_per_frame'), channel_host_ms: m(fc, 'host_cpu_ms_per_frame'),
    host_ratio: Math.round((m(fc, 'host_cpu_ms_per_frame') / m(ipc, 'host_cpu_ms_per_frame')) * 100) / 100,
    ipc_engine_ms: me(ipc), channel_engine_ms: me(fc),
    ipc_fps: m(ipc, 'frames_per_s'), channel_fps: m(fc, 'frames_per_s'),
    fps_ratio: Math.round((m(fc, 'frames_per_s') / m(ipc, 'frames_per_s')) * 100) / 100,
  };
});

mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
const out = path.join(ROOT, 'bench-results', `${OUT}.json`);
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, platform: process.platform, cores: os.cpus().length, load_1m_at_start: load, frames_per_run: FRAMES, rounds: ROUNDS, in_flight: IN_FLIGHT, summary, rows }, null, 2));
console.log(`\nframe transport, ${FRAMES} frames a run, ${ROUNDS} rounds interleaved (medians), ${IN_FLIGHT} in flight, load ${load.toFixed(1)} at start\n`);
console.log('| frame | host CPU ms/frame IPC | host CPU ms/frame side channel | ratio | engine CPU ms/frame IPC | side channel | frames/s IPC | frames/s side channel | ratio |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const s of summary) console.log(`| ${s.size} | ${s.ipc_host_ms} | ${s.channel_host_ms} | ${s.host_ratio}× | ${s.ipc_engine_ms ?? '–'} | ${s.channel_engine_ms ?? '–'} | ${s.ipc_fps} | ${s.channel_fps} | ${s.fps_ratio}× |`);
console.log(`\n${out}`);
