// vigil compare <imageA> <imageB>
// Cosine similarity of the largest face in each image that passes the quality gate, and the same/different
// decision at the configured threshold (target false-accept rate, see docs/engine.md). Exit code 0 when
// both faces were compared, 1 when an image has no usable face or cannot be read, 2 on bad usage.
import { readFile } from 'node:fs/promises';
import { Engine } from '../../../src-engine/in-process.ts';
import { type FaceResult, toEngineError } from '../../../src-engine/public.ts';

const USAGE = 'usage: vigil compare <imageA> <imageB>\n';

type Side = { path: string; face?: Pick<FaceResult, 'box' | 'score' | 'quality'>; faces_found?: number; error?: { code: string; message: string } };

async function subject(engine: Engine, file: string): Promise<{ side: Side; embedding: Float32Array | null }> {
  try {
    const r = await engine.analyzeImage(await readFile(file));
    const usable = r.faces.filter((f) => f.embedding).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
    const best = usable[0];
    if (!best?.embedding) {
      const reason = r.faces.length ? `no face passed the quality gate (${r.faces.map((f) => f.quality.reason).join(', ')})` : 'no face found';
      return { side: { path: file, faces_found: r.faces.length, error: { code: 'NO_FACE', message: reason } }, embedding: null };
    }
    return { side: { path: file, faces_found: r.faces.length, face: { box: best.box, score: best.score, quality: best.quality } }, embedding: best.embedding };
  } catch (err) {
    const e = toEngineError(err, 'INVALID_IMAGE');
    const message = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read ${file}: not found` : e.message;
    return { side: { path: file, error: { code: e.code, message } }, embedding: null };
  }
}

export async function run(argv: string[]): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 2 || argv.length !== 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  const engine = await Engine.create();
  try {
    const a = await subject(engine, files[0]);
    const b = await subject(engine, files[1]);
    const out: Record<string, unknown> = { engine: engine.name, a: a.side, b: b.side };
    if (a.embedding && b.embedding) {
      const c = engine.compare(a.embedding, b.embedding);
      Object.assign(out, {
        similarity: Math.round(c.similarity * 10000) / 10000,
        threshold: Math.round(c.threshold * 10000) / 10000,
        far_target: engine.config.match.threshold === null ? engine.config.match.far : null,
        same: c.same,
        decision: c.same ? 'same' : 'different',
      });
    } else {
      out.decision = 'no_face';
    }
    process.stdout.write(JSON.stringify(out, null, 1) + '\n');
    return a.embedding && b.embedding ? 0 : 1;
  } finally {
    await engine.dispose();
  }
}
