// Stage-by-stage cost of the engine's own work on a 1280x720 frame at min face 40, one thread: the face-free
// path (pass input, YuNet inference, decoding, NMS) and the per-face steps (refinement crops, 68-point model,
// alignment, embedder). Each row is timed in the same loop, so the ratios between rows hold on a noisy machine.
//
//   node --import tsx scripts/bench/stages.ts [--runs N]
import ort from 'onnxruntime-node';
import { Engine, type AnalyzeResult } from '../../src-engine/engine.ts';
import { decodeYuNet, type YuNetLevel } from '../../src-engine/detect/yunet.ts';
import { nms } from '../../src-engine/detect/nms.ts';
import { blockRoute, blockToPlanes } from '../../src-engine/image/planes.ts';
import { Pyramid } from '../../src-engine/image/pyramid.ts';
import { warpRgb } from '../../src-engine/image/warp.ts';
import type { ModelSession, Outputs } from '../../src-engine/runtime/model-session.ts';
import type { YuNetEntry } from '../../src-engine/registry/manifest.ts';
import { composeFrame } from '../../src-engine/testing/compose.ts';
import { percentile } from './metrics.ts';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 20);
const GREY = [127, 127, 127] as const;

const engine = await Engine.create({ threads: 1 });
// The sessions are the engine's own (same options, same warm state).
const sessions = (engine as unknown as { pipeline: { sessions: Map<string, ModelSession> } }).pipeline.sessions;
const yunet = [...sessions.values()].find((s) => s.entry.format === 'yunet') as ModelSession & { entry: YuNetEntry };
const embedder = [...sessions.values()].find((s) => s.entry.family === 'embedder') as ModelSession;
const empty = (await composeFrame(1280, 720, [])).frame;
const oneFace = (await composeFrame(1280, 720, [{ face: 9, size: 110, x: 585, y: 220 }])).frame;

const W = 640;
const H = 384;
const n = W * H;
const planes = new Float32Array(3 * n);
const rgb = new Uint8Array(3 * n);
const passTensor = new ort.Tensor('float32', planes, [1, 3, H, W]);
const crop = (count: number): ort.Tensor => new ort.Tensor('float32', new Float32Array(count * 3 * 160 * 160).fill(127), [count, 3, 160, 160]);
const crop1 = crop(1);
const crop3 = crop(3);
const chip = new ort.Tensor('float32', new Float32Array(3 * 112 * 112), [1, 3, 112, 112]);
const levels = (out: Outputs): YuNetLevel[] =>
  yunet.entry.outputs.levels.map((l) => ({ stride: l.stride, cls: out[l.cls].data as Float32Array, obj: out[l.obj].data as Float32Array, bbox: out[l.bbox].data as Float32Array, kps: out[l.kps].data as Float32Array }));

const times: Record<string, number[]> = {};
const time = async (name: string, fn: () => unknown): Promise<void> => {
  const t0 = performance.now();
  await fn();
  (times[name] ??= []).push(performance.now() - t0);
};
const frameStages: AnalyzeResult['stages'][] = [];
let out: Outputs = {};
for (let i = 0; i < RUNS + 3; i++) {
  if (i === 3) for (const k of Object.keys(times)) times[k] = [];
  await time('face-free: analyzeFrame, whole', () => engine.analyzeFrame(empty, { detection: { minFaceSize: 40 } }));
  await time('face-free: pass input, fused (level 0 -> 2x2 box -> BGR planes)', () => {
    const r = blockRoute(new Pyramid(empty), { a: 2, b: 0, c: 0, d: 2, tx: 0, ty: 0 });
    if (r) blockToPlanes(r.src, r.factor, r.ox, r.oy, W, H, planes, GREY, true);
  });
  await time('face-free: pass input, unfused (halve level + crop + BGR planes)', () => {
    const { image, map } = new Pyramid(empty).forMap({ a: 2, b: 0, c: 0, d: 2, tx: 0, ty: 0 });
    warpRgb(image, map, W, H, rgb, GREY);
    for (let p = 0, s = 0; p < n; p++, s += 3) {
      planes[p] = rgb[s + 2];
      planes[n + p] = rgb[s + 1];
      planes[2 * n + p] = rgb[s];
    }
  });
  await time('face-free: YuNet-s inference 1x3x384x640', async () => (out = await yunet.run({ [yunet.entry.input.name]: passTensor })));
  await time('face-free: decode all anchors + NMS', () => nms(decodeYuNet(levels(out), W, 0.5, { a: 2, b: 0, c: 0, d: 2, tx: 0, ty: 0 }, 0), { iou: 0.35, containment: 0.8, blend: false }));
  await time('1 face: analyzeFrame, whole', async () => frameStages.push((await engine.analyzeFrame(oneFace, { detection: { minFaceSize: 40 } })).stages));
  await time('crops: 3 x YuNet 1x3x160x160 (one call each)', async () => {
    for (let k = 0; k < 3; k++) await yunet.run({ [yunet.entry.input.name]: crop1 });
  });
  await time('crops: YuNet 3x3x160x160 (one batched call)', () => yunet.run({ [yunet.entry.input.name]: crop3 }));
  await time('embedder 1x3x112x112', () => embedder.run({ [embedder.entry.input.name]: chip }));
}

const rows: [string, number, number][] = Object.entries(times).map(([k, v]) => [k, percentile(v, 50), Math.min(...v)]);
const st = frameStages.slice(3);
for (const key of ['detect_ms', 'keypoints_ms', 'landmarks_ms', 'align_ms', 'embed_ms'] as const) rows.push([`1 face: stages.${key}`, percentile(st.map((s) => s[key]), 50), Math.min(...st.map((s) => s[key]))]);
// Can the embedder take a batch? (a fixed batch axis makes one call per face the only option)
let embedBatch = 'yes';
try {
  await embedder.run({ [embedder.entry.input.name]: new ort.Tensor('float32', new Float32Array(2 * 3 * 112 * 112), [2, 3, 112, 112]) });
} catch (err) {
  embedBatch = `no (${(err as Error).message.split('\n')[0].slice(0, 90)})`;
}
const r2 = (v: number): string => (Math.round(v * 100) / 100).toFixed(2);
console.log(`### Engine stages, 1280x720 at min face 40, 1 thread, ${RUNS} runs (load at end ${(await import('node:os')).loadavg()[0].toFixed(1)})\n`);
console.log('| stage | p50 ms | min ms |\n|---|---|---|');
for (const [k, p, m] of rows) console.log(`| ${k} | ${r2(p)} | ${r2(m)} |`);
console.log(`\nembedder ${embedder.entry.id} takes a batch of 2: ${embedBatch}`);
await engine.dispose();
