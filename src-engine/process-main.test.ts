// The engine as a child process: fork it as the host does, init, round-trip a real frame (typed arrays
// travel with the 'advanced' serializer), use the gallery, get a typed error back, shut it down.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { EngineMessageSchema, hostMessage, type EngineMessage, type EngineOp } from './protocol.ts';
import { composeFrame } from './testing/compose.ts';
import type { AnalyzeResult } from './engine.ts';

const ENTRY = fileURLToPath(new URL('./process-main.ts', import.meta.url));
let child: ChildProcess;
const inbox: EngineMessage[] = [];
const waiters: ((m: EngineMessage) => boolean)[] = [];

function next(match: (m: EngineMessage) => boolean, ms = 60_000): Promise<EngineMessage> {
  const found = inbox.find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the engine process')), ms);
    waiters.push((m) => {
      if (!match(m)) return false;
      clearTimeout(timer);
      resolve(m);
      return true;
    });
  });
}

let nextId = 1;
async function call(op: EngineOp): Promise<Extract<EngineMessage, { type: 'response' }>> {
  const id = nextId++;
  child.send(hostMessage.request(id, op));
  return (await next((m) => m.type === 'response' && m.id === id)) as Extract<EngineMessage, { type: 'response' }>;
}

before(() => {
  child = fork(ENTRY, [], { serialization: 'advanced', execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', (raw) => {
    const m = EngineMessageSchema.parse(raw); // every message the engine sends follows the protocol
    inbox.push(m);
    for (let i = 0; i < waiters.length; i++) if (waiters[i](m)) waiters.splice(i--, 1);
  });
});
after(() => {
  if (child.exitCode === null) child.kill();
});

test('init -> ready with providers and warm-up; ping -> pong', async () => {
  child.send(hostMessage.init({ warmupIterations: 1, models: { liveness: null }, detection: { minFaceSize: 40 } }));
  const ready = await next((m) => m.type === 'ready' || m.type === 'init_error');
  assert.equal(ready.type, 'ready', JSON.stringify(ready));
  if (ready.type !== 'ready') return;
  assert.equal(ready.info.pid, child.pid);
  assert.ok(ready.info.providers.includes('cpu'));
  assert.ok(ready.info.warmup_ms > 0);
  assert.equal(ready.info.models[ready.info.roles.detector!].provider, 'cpu');
  child.send(hostMessage.ping(77));
  assert.equal((await next((m) => m.type === 'pong' && m.id === 77)).type, 'pong');
});

test('a frame goes in as pixels, faces and Float32Array embeddings come back; the gallery matches', async () => {
  const { frame, boxes } = await composeFrame(480, 320, [{ face: 9, size: 100, x: 190, y: 100 }]);
  const r1 = await call({ op: 'analyze_frame', frame });
  assert.equal(r1.ok, true);
  const result = (r1 as { value: AnalyzeResult }).value;
  assert.equal(result.faces.length, 1);
  assert.ok(Math.abs(result.faces[0].box[0] - boxes[0][0]) < 25);
  const embedding = result.faces[0].embedding;
  assert.ok(embedding instanceof Float32Array && embedding.length === 512);

  const up = await call({ op: 'gallery_upsert', people: [{ person_id: 'p-1', template_ids: ['t-1'], embeddings: [embedding] }] });
  assert.deepEqual((up as { value: unknown }).value, { persons: 1, templates: 1 });
  const r2 = await call({ op: 'analyze_frame', frame });
  const match = (r2 as { value: AnalyzeResult }).value.faces[0].match;
  assert.equal(match?.identity?.person_id, 'p-1');
  assert.equal(match?.matches[0].template_id, 't-1');
  const cfg = await call({ op: 'configure', patch: { match: { far: 1e-4 } } });
  assert.equal((cfg as { value: { match: { far: number } } }).value.match.far, 1e-4);
});

test('bad requests get typed errors, the process keeps serving, shutdown exits cleanly', async () => {
  const bad = await call({ op: 'analyze_frame', frame: { width: 10, height: 10, channels: 3, data: new Uint8Array(7) } });
  assert.equal(bad.ok, false);
  assert.equal(bad.ok === false && bad.error.code, 'INVALID_FRAME');
  child.send({ type: 'request', id: 999, op: { op: 'make_coffee' } });
  const unknown = await next((m) => m.type === 'response' && m.id === 999);
  assert.equal(unknown.type === 'response' && !unknown.ok && unknown.error.code, 'INVALID_ARGUMENT');
  const img = await call({ op: 'analyze_image', bytes: new Uint8Array([0xff, 0xd8, 0xff, 0x00]) });
  assert.equal(img.ok === false && img.error.code, 'INVALID_IMAGE');
  const health = await call({ op: 'health' });
  assert.equal((health as { value: { frames: { errors: number } } }).value.frames.errors, 2, 'the bad frame and the bad image are counted');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.send(hostMessage.shutdown());
  assert.equal(await exited, 0);
});
