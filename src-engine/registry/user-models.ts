// Models a customer brings: `<data dir>/models/` holds their ONNX files and a manifest.json of their own
// entries ({ version: 1, models: [...] }, same entry schema as the shipped manifest). The engine's registry is
// the shipped manifest plus these entries; a file is looked up in the shipped models folder, then here.
// Installing (`vigil models add`) accepts a file only when its sha256 matches a manifest entry, or when the
// caller states its I/O facts and the graph is checked against them; anything else is refused.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { DEFAULT_MODELS_DIR, loadManifest, ModelEntrySchema, type Manifest, type ModelEntry } from './manifest.ts';

export const UserManifestSchema = z.object({ version: z.literal(1), models: z.array(ModelEntrySchema) });
export type UserManifest = z.infer<typeof UserManifestSchema>;

/** The user models folder under a data folder. */
export const userModelsDir = (dataDir: string): string => path.join(dataDir, 'models');

export async function loadUserManifest(dir: string): Promise<UserManifest> {
  const file = path.join(dir, 'manifest.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return { version: 1, models: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new EngineError('MANIFEST_INVALID', `${file} is not JSON: ${(err as Error).message}`, { file });
  }
  const parsed = UserManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EngineError('MANIFEST_INVALID', `${file} is invalid: ${first.join('; ')}`, { file });
  }
  return parsed.data;
}

/** The shipped manifest with the user's entries appended (a user entry may not reuse a shipped id). */
export function mergeManifests(shipped: Manifest, user: UserManifest): Manifest {
  const ids = new Set(shipped.models.map((m) => m.id));
  for (const m of user.models) if (ids.has(m.id)) throw new EngineError('MANIFEST_INVALID', `user model id ${m.id} repeats a shipped model's id`, { model: m.id });
  return { ...shipped, models: [...shipped.models, ...user.models] };
}

export interface InstallFacts {
  id: string;
  kind: 'embedder';
  name?: string;
  /** input tensor name, size, colour order, normalisation */
  input: string;
  width: number;
  height: number;
  colorOrder: 'RGB' | 'BGR';
  mean: number;
  std: number;
  /** output tensor name and its length */
  output: string;
  dim: number;
  /** FAR -> cosine threshold points; required: an uncalibrated embedder cannot turn a FAR target into a decision */
  calibration: { far: number; threshold: number }[];
  license: string;
  source: string;
}

export interface InstallVerdict {
  status: 'installed' | 'already_installed' | 'registered';
  id: string;
  file: string;
  sha256: string;
  bytes: number;
  dir: string;
  message: string;
}

const ARCFACE_TEMPLATE: [number, number][] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** Loads the graph and checks the entry's tensor names and the output length on a zero input. */
export async function checkGraph(entry: ModelEntry, bytes: Uint8Array): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    throw new EngineError('MODEL_UNAVAILABLE', `not a loadable ONNX graph: ${(err as Error).message.split('\n')[0]}`, { model: entry.id });
  }
  try {
    if (!session.inputNames.includes(entry.input.name)) throw new EngineError('INVALID_ARGUMENT', `the graph has no input "${entry.input.name}" (it has ${session.inputNames.join(', ')})`, { model: entry.id });
    if (entry.format !== 'aligned-embedding') return;
    const out = entry.outputs.embedding;
    if (!session.outputNames.includes(out)) throw new EngineError('INVALID_ARGUMENT', `the graph has no output "${out}" (it has ${session.outputNames.join(', ')})`, { model: entry.id });
    const { width: w, height: h } = entry.input;
    const dims = entry.input.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3];
    const res = await session.run({ [entry.input.name]: new ort.Tensor('float32', new Float32Array(3 * w * h), dims) });
    const n = res[out].data.length;
    if (n !== entry.params.dim) throw new EngineError('INVALID_ARGUMENT', `output "${out}" has ${n} values, the entry says ${entry.params.dim}`, { model: entry.id });
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('INVALID_ARGUMENT', `the graph does not run with the stated input: ${(err as Error).message.split('\n')[0]}`, { model: entry.id });
  } finally {
    await session.release();
  }
}

/**
 * Installs a user file into `dir`. A file whose sha256 matches a manifest entry is copied under that entry's
 * file name; otherwise `facts` must describe it (a new entry is registered in dir/manifest.json). A file that
 * carries a known entry's name or size but other bytes is refused as altered (MODEL_INTEGRITY); an unknown file
 * without facts is refused (INVALID_ARGUMENT).
 */
export async function installModel(srcFile: string, registry: Manifest, shippedDir: string, dir: string, facts?: InstallFacts): Promise<InstallVerdict> {
  let bytes: Buffer;
  try {
    bytes = await readFile(srcFile);
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `cannot read ${srcFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const known = registry.models.find((m) => m.sha256 === sha256);
  if (known) {
    for (const d of [shippedDir, dir]) {
      const there = path.join(d, known.file);
      const present = await readFile(there).then((b) => createHash('sha256').update(b).digest('hex') === sha256, () => false);
      if (present) return { status: 'already_installed', id: known.id, file: known.file, sha256, bytes: bytes.length, dir: d, message: `${known.id} is already installed (${there})` };
    }
    await checkGraph(known, bytes);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${known.file}.tmp`);
    await copyFile(srcFile, tmp);
    await rename(tmp, path.join(dir, known.file));
    return { status: 'installed', id: known.id, file: known.file, sha256, bytes: bytes.length, dir, message: `installed ${known.id} (sha256 matches the manifest entry)` };
  }
  const base = path.basename(srcFile);
  const lookalike = registry.models.find((m) => m.file === base || m.bytes === bytes.length);
  if (lookalike && !facts) {
    throw new EngineError('MODEL_INTEGRITY', `${base} looks like ${lookalike.id} but its sha256 is ${sha256}, the manifest expects ${lookalike.sha256}: altered or corrupt, refused`, {
      model: lookalike.id,
      expected: lookalike.sha256,
      actual: sha256,
    });
  }
  if (!facts) {
    throw new EngineError('INVALID_ARGUMENT', `${base} (sha256 ${sha256}) matches no manifest entry: refused. To register it as a new model give --id, --kind embedder and its I/O facts (--input, --size, --color, --mean, --std, --output, --dim, --calibration, --license, --source)`, { actual: sha256 });
  }
  if (registry.models.some((m) => m.id === facts.id)) throw new EngineError('INVALID_ARGUMENT', `a model with id ${facts.id} already exists`, { model: facts.id });
  const file = `${facts.id}.onnx`;
  const candidate = {
    id: facts.id,
    name: facts.name ?? `${facts.id} (user-supplied embedder)`,
    family: 'embedder',
    format: 'aligned-embedding',
    file,
    sha256,
    bytes: bytes.length,
    input: { name: facts.input, layout: 'NCHW', width: facts.width, height: facts.height, colorOrder: facts.colorOrder, mean: [facts.mean, facts.mean, facts.mean], std: [facts.std, facts.std, facts.std], maxBatch: 1 },
    outputs: { embedding: facts.output },
    params: { dim: facts.dim, template: ARCFACE_TEMPLATE, calibration: facts.calibration, calibrationSource: 'stated by the user at install (vigil models add --calibration)' },
    source: { registry: 'user', package: base, version: sha256.slice(0, 12), path: srcFile },
    license: facts.license,
    provenance: `Supplied by the user (${facts.source}); registered by vigil models add from the I/O facts given, graph checked against them.`,
  };
  const parsed = ModelEntrySchema.safeParse(candidate);
  if (!parsed.success) {
    throw new EngineError('INVALID_ARGUMENT', `the facts do not make a valid entry: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  await checkGraph(parsed.data, bytes);
  const user = await loadUserManifest(dir);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${file}.tmp`);
  await copyFile(srcFile, tmp);
  await rename(tmp, path.join(dir, file));
  user.models.push(parsed.data);
  const mtmp = path.join(dir, '.manifest.json.tmp');
  await writeFile(mtmp, JSON.stringify(user, null, 2) + '\n');
  await rename(mtmp, path.join(dir, 'manifest.json'));
  return { status: 'registered', id: facts.id, file, sha256, bytes: bytes.length, dir, message: `registered ${facts.id} as a new embedder; select it with models.embedder = "${facts.id}"` };
}

/**
 * `vigil models add` and the Settings control (models.add) both come here: the registry is the shipped manifest
 * plus the user's entries in `userDir`, and the file is installed (or refused) by installModel.
 */
export async function addUserModel(srcFile: string, userDir: string, facts?: InstallFacts, shippedDir: string = DEFAULT_MODELS_DIR): Promise<InstallVerdict> {
  const registry = mergeManifests(await loadManifest(), await loadUserManifest(userDir));
  return installModel(srcFile, registry, shippedDir, userDir, facts);
}

/** Where an entry's file is: the shipped folder first, then the user folder; null when in neither. */
export async function locateModel(entry: ModelEntry, shippedDir: string, userDir?: string): Promise<string | null> {
  for (const d of [shippedDir, userDir]) {
    if (!d) continue;
    if (await stat(path.join(d, entry.file)).then(() => true, () => false)) return d;
  }
  return null;
}
