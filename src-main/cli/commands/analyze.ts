// vigil analyze [--embeddings] [--out FILE] [--min-face PX] [--from FILE] <file|dir|->...
// Analyses JPEG/PNG images (directories recursively) and writes one JSON document keyed by each path exactly
// as given. Paths come from the arguments, from `--from FILE` (one per line) and from stdin (`-`, or
// `--from -`), so any number of files can be given. An unreadable file gets an error entry; the run goes on.
//
// The engine runs in the child process the host uses (src-engine/process-main.ts), started with a short
// command line: onnxruntime-node 1.30 crashes (SIGSEGV) in InferenceSession.create in a process whose
// command line exceeds about 30 KB, which a few hundred paths as arguments reach. Files are read here and
// sent to the child as bytes.
import { fork, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AnalyzeResult, type FaceResult, EngineError, toEngineError } from '../../../src-engine/public.ts';
import { EngineMessageSchema, hostMessage, type EngineMessage, type ReadyInfo } from '../../../src-engine/protocol.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);
const USAGE = 'usage: vigil analyze [--embeddings] [--out FILE] [--min-face PX] [--from FILE] <file|dir|->...\n';
const ENGINE_ENTRY = fileURLToPath(new URL('../../../src-engine/process-main.ts', import.meta.url));
/** requests in flight to the engine child (reading the next file overlaps the current analysis) */
const IN_FLIGHT = 2;

interface Args {
  embeddings: boolean;
  out: string | null;
  minFace: number | null;
  /** list files (`-` = stdin) */
  from: string[];
  inputs: string[];
}

export function parseArgs(argv: string[]): Args | string {
  const a: Args = { embeddings: false, out: null, minFace: null, from: [], inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--embeddings') a.embeddings = true;
    else if (v === '--out') {
      if (!argv[i + 1]) return '--out needs a file name';
      a.out = argv[++i];
    } else if (v === '--from') {
      if (!argv[i + 1]) return '--from needs a file with one path per line (- for stdin)';
      a.from.push(argv[++i]);
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
  if (!a.inputs.length && !a.from.length) return 'no input files or directories';
  return a;
}

/** One path per line; blank lines are skipped, nothing else is trimmed (paths may have spaces). */
export function pathList(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.length > 0);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Arguments, then --from lists, in order; `-` (as an argument or --from -) reads stdin once. */
async function collectPaths(args: Args): Promise<string[] | string> {
  const out: string[] = [];
  let stdin: string[] | null = null;
  const fromStdin = async (): Promise<string[]> => (stdin ??= pathList(await readStdin()));
  for (const input of args.inputs) {
    if (input === '-') out.push(...(await fromStdin()));
    else out.push(input);
  }
  for (const list of args.from) {
    if (list === '-') {
      out.push(...(await fromStdin()));
      continue;
    }
    try {
      out.push(...pathList(await readFile(list, 'utf8')));
    } catch (err) {
      return `cannot read the path list ${list}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  if (!out.length) return 'no input files or directories';
  return out;
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

/** The engine child process: init, requests answered by id, shutdown. */
class EngineChild {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #ready: Promise<ReadyInfo>;
  #exit: Error | null = null;

  constructor(minFace: number | null) {
    this.#child = fork(ENGINE_ENTRY, [], {
      serialization: 'advanced',
      execArgv: ENGINE_ENTRY.endsWith('.ts') ? ['--import', 'tsx'] : [],
      // stdout is the JSON document: the child's stdout goes nowhere, its stderr joins ours.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let settleReady: { resolve: (i: ReadyInfo) => void; reject: (e: Error) => void } | null = null;
    this.#ready = new Promise((resolve, reject) => (settleReady = { resolve, reject }));
    this.#child.on('message', (raw) => {
      const parsed = EngineMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const msg: EngineMessage = parsed.data;
      if (msg.type === 'ready') settleReady?.resolve(msg.info);
      else if (msg.type === 'init_error') settleReady?.reject(new EngineError(msg.error.code, msg.error.message));
      else if (msg.type === 'response') {
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new EngineError(msg.error.code, msg.error.message));
      }
    });
    this.#child.on('exit', (code, signal) => {
      this.#exit = new EngineError('MODEL_FAILED', `the engine process exited (${signal ?? `code ${code}`})`);
      settleReady?.reject(this.#exit);
      for (const p of this.#pending.values()) p.reject(this.#exit);
      this.#pending.clear();
    });
    this.#child.send(hostMessage.init(minFace ? { detection: { minFaceSize: minFace } } : {}));
  }

  ready(): Promise<ReadyInfo> {
    return this.#ready;
  }

  analyze(bytes: Uint8Array, embeddings: boolean): Promise<AnalyzeResult> {
    if (this.#exit) return Promise.reject(this.#exit);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: (v) => resolve(v as AnalyzeResult), reject });
      this.#child.send(hostMessage.request(id, { op: 'analyze_image', bytes, options: { embeddings } }));
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.send(hostMessage.shutdown());
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`vigil analyze: ${args}\n${USAGE}`);
    return 2;
  }
  const inputs = await collectPaths(args);
  if (typeof inputs === 'string') {
    process.stderr.write(`vigil analyze: ${inputs}\n${USAGE}`);
    return 2;
  }
  const engine = new EngineChild(args.minFace);
  const images: Record<string, unknown> = {};
  const errorEntry = (err: unknown): { error: { code: string; message: string } } => {
    const e = toEngineError(err);
    return { error: { code: e.code, message: e.message } };
  };
  let failed = 0;
  try {
    const info = await engine.ready();
    const files: string[] = [];
    for (const input of inputs) {
      try {
        if ((await stat(input)).isDirectory()) {
          files.push(...(await listImages(input)));
          continue;
        }
      } catch {
        // not found: reported below when reading it
      }
      files.push(input);
    }
    // Results keep the input order; a few requests overlap so reading a file hides behind an analysis.
    const results = new Array<Record<string, unknown> | null>(files.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const file = files[i];
        try {
          let bytes: Buffer;
          try {
            bytes = await readFile(file);
          } catch (err) {
            throw new EngineError('INVALID_IMAGE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          }
          results[i] = imageJson(await engine.analyze(bytes, args.embeddings), args.embeddings);
        } catch (err) {
          failed++;
          results[i] = errorEntry(err);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    files.forEach((f, i) => (images[f] = results[i]));
    const providers = [...new Set(Object.values(info.models).map((m) => m.provider).filter(Boolean))];
    // One line per image: readable, greppable, still one JSON document.
    const entries = Object.entries(images).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const doc = `{"engine": ${JSON.stringify(info.engine)}, "provider": ${JSON.stringify(providers.join(','))},\n "images": {\n${entries.join(',\n')}\n }}`;
    if (args.out) await writeFile(args.out, doc + '\n');
    else process.stdout.write(doc + '\n');
    if (failed) process.stderr.write(`vigil analyze: ${failed} of ${Object.keys(images).length} images could not be analysed (see their error entries)\n`);
    return 0;
  } finally {
    await engine.stop();
  }
}
