// vigil analyze [--embeddings] [--out FILE] [--min-face PX] <file|dir>...
// Analyses JPEG/PNG images (directories recursively) with the engine in-process and writes one JSON
// document keyed by each path exactly as given. An unreadable file gets an error entry; the run goes on.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Engine, type AnalyzeResult, type FaceResult, EngineError, toEngineError } from '../../../src-engine/public.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);
const USAGE = 'usage: vigil analyze [--embeddings] [--out FILE] [--min-face PX] <file|dir>...\n';

interface Args {
  embeddings: boolean;
  out: string | null;
  minFace: number | null;
  inputs: string[];
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { embeddings: false, out: null, minFace: null, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--embeddings') a.embeddings = true;
    else if (v === '--out') {
      if (!argv[i + 1]) return '--out needs a file name';
      a.out = argv[++i];
    } else if (v === '--min-face') {
      const n = Number(argv[++i]);
      if (!(n >= 8)) return '--min-face needs a number of pixels >= 8';
      a.minFace = n;
    } else if (v === '--') {
      a.inputs.push(...argv.slice(i + 1));
      break;
    } else if (v.startsWith('--')) return `unknown option ${v}`;
    else a.inputs.push(v);
  }
  if (!a.inputs.length) return 'no input files or directories';
  return a;
}

/** Image files under a directory, sorted, keyed as `<dir as given>/<relative path>`. */
async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sep = dir.endsWith('/') || dir.endsWith(path.sep) ? '' : '/';
  return entries
    .filter((e) => e.isFile() && IMAGE_EXT.has(path.extname(e.name).toLowerCase()))
    .map((e) => `${dir}${sep}${path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')}`)
    .sort();
}

export function faceJson(f: FaceResult, withEmbedding: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { box: f.box, score: f.score, landmarks5: f.landmarks5, quality: f.quality };
  if (withEmbedding && f.embedding) out.embedding = Array.from(f.embedding, (v) => Math.round(v * 1e6) / 1e6);
  return out;
}

function imageJson(r: AnalyzeResult, withEmbedding: boolean): Record<string, unknown> {
  return { faces: r.faces.map((f) => faceJson(f, withEmbedding)), ms: r.ms, decode_ms: r.decode_ms };
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`vigil analyze: ${args}\n${USAGE}`);
    return 2;
  }
  const engine = await Engine.create(args.minFace ? { detection: { minFaceSize: args.minFace } } : {});
  const images: Record<string, unknown> = {};
  const errorEntry = (err: unknown): { error: { code: string; message: string } } => {
    const e = toEngineError(err);
    return { error: { code: e.code, message: e.message } };
  };
  let failed = 0;
  try {
    for (const input of args.inputs) {
      let files = [input];
      try {
        if ((await stat(input)).isDirectory()) files = await listImages(input);
      } catch {
        // not found: reported below when reading it
      }
      for (const file of files) {
        try {
          let bytes: Buffer;
          try {
            bytes = await readFile(file);
          } catch (err) {
            throw new EngineError('INVALID_IMAGE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          }
          images[file] = imageJson(await engine.analyzeImage(bytes, { embeddings: args.embeddings }), args.embeddings);
        } catch (err) {
          failed++;
          images[file] = errorEntry(err);
        }
      }
    }
    const health = engine.health();
    const providers = [...new Set(Object.values(health.models).map((m) => m.provider).filter(Boolean))];
    // One line per image: readable, greppable, still one JSON document.
    const entries = Object.entries(images).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const doc = `{"engine": ${JSON.stringify(engine.name)}, "provider": ${JSON.stringify(providers.join(','))},\n "images": {\n${entries.join(',\n')}\n }}`;
    if (args.out) await writeFile(args.out, doc + '\n');
    else process.stdout.write(doc + '\n');
    if (failed) process.stderr.write(`vigil analyze: ${failed} of ${Object.keys(images).length} images could not be analysed (see their error entries)\n`);
    return 0;
  } finally {
    await engine.dispose();
  }
}
