// Entry of the engine as a child process. Works under child_process.fork (process.send /
// process.on('message'), serialization 'advanced' so typed arrays travel) and, through the host's
// parentPort adapter, inside an Electron utility process. No Electron import here.
//
// Lifecycle: the host sends `init`; the engine loads and verifies the models, warms them up and answers
// `ready` (or `init_error`). Requests are answered by id; `ping` is answered at once, also while an
// analysis runs; `shutdown` (or losing the parent) disposes the engine and exits.
import { Engine } from './engine.ts';
import { EngineError, toEngineError } from './errors.ts';
import type { EngineMessage, EngineOp, ReadyInfo } from './protocol.ts';
import { HostMessageSchema } from './protocol.ts';
import { connectFrameChannel } from './frame-channel.ts';

const send = (msg: EngineMessage): void => {
  if (process.send && process.connected) process.send(msg);
};

let engine: Engine | null = null;
let starting: Promise<Engine> | null = null;
let stopping = false;

async function handleOp(e: Engine, op: EngineOp): Promise<unknown> {
  switch (op.op) {
    case 'analyze_frame':
      return e.analyzeFrame(op.frame, op.options);
    case 'analyze_image':
      return e.analyzeImage(op.bytes, op.options);
    case 'gallery_sync':
      e.gallery.sync(op.people);
      return { persons: e.gallery.persons, templates: e.gallery.size };
    case 'gallery_upsert':
      for (const p of op.people) e.gallery.upsertPerson(p.person_id, p.embeddings, p.template_ids);
      return { persons: e.gallery.persons, templates: e.gallery.size };
    case 'gallery_remove':
      for (const id of op.person_ids) e.gallery.removePerson(id);
      return { persons: e.gallery.persons, templates: e.gallery.size };
    case 'compare':
      return e.compare(op.a, op.b);
    case 'health':
      return e.health();
    case 'configure':
      return e.setConfig(op.patch);
    case 'set_models':
      return { roles: await e.setModels(op.models), health: e.health() };
  }
}

function readyInfo(e: Engine): ReadyInfo {
  const h = e.health();
  return {
    engine: e.name,
    pid: process.pid,
    providers: h.providers,
    roles: h.roles,
    models: h.models as unknown as ReadyInfo['models'],
    warmup_ms: h.warmup_ms,
    embedding_dim: e.embeddingDim,
    verify_threshold: e.verifyThreshold(),
  };
}

async function onMessage(raw: unknown): Promise<void> {
  const parsed = HostMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
    const message = `invalid message: ${parsed.error.issues.slice(0, 2).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
    if (id !== null) send({ type: 'response', id, ok: false, error: { code: 'INVALID_ARGUMENT', message } });
    else process.stderr.write(`engine: ${message}\n`);
    return;
  }
  const msg = parsed.data;
  switch (msg.type) {
    case 'ping':
      send({ type: 'pong', id: msg.id });
      return;
    case 'init': {
      if (engine || starting) {
        send({ type: 'init_error', error: { code: 'INVALID_ARGUMENT', message: 'engine already initialised' } });
        return;
      }
      starting = Engine.create(msg.options ?? {});
      try {
        engine = await starting;
        send({ type: 'ready', info: readyInfo(engine) });
      } catch (err) {
        send({ type: 'init_error', error: toEngineError(err).toJSON() });
      } finally {
        starting = null;
      }
      return;
    }
    case 'request': {
      const e = engine;
      if (!e) {
        send({ type: 'response', id: msg.id, ok: false, error: new EngineError('MODEL_UNAVAILABLE', 'engine not initialised (send init first)').toJSON() });
        return;
      }
      try {
        send({ type: 'response', id: msg.id, ok: true, value: await handleOp(e, msg.op) });
      } catch (err) {
        send({ type: 'response', id: msg.id, ok: false, error: toEngineError(err).toJSON() });
      }
      return;
    }
    case 'shutdown':
      await stop(0);
      return;
  }
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const e = engine ?? (starting ? await starting.catch(() => null) : null);
  await e?.dispose().catch(() => undefined);
  if (process.connected) process.disconnect?.();
  process.exit(code);
}

if (!process.send) {
  process.stderr.write('src-engine/process-main.ts is the engine child-process entry: start it with child_process.fork (serialization "advanced") or as an Electron utility process.\n');
  process.exit(2);
}
process.on('message', (m) => {
  void onMessage(m);
});
// The host went away: nothing will read our answers, so do not linger as an orphan.
process.on('disconnect', () => void stop(0));
// Frames by the host's side channel (when it named one): each arrives as an analyze_frame request, is validated
// and answered exactly like one that came by the message channel; its pooled buffer is reused afterwards.
connectFrameChannel(
  process.env,
  (f, release) => {
    const op = { op: 'analyze_frame', frame: { width: f.width, height: f.height, channels: f.channels, data: f.data }, options: f.options };
    void onMessage({ type: 'request', id: f.id, op }).finally(release);
  },
  (err) => process.stderr.write(`engine: ${err.message} (frames come by the message channel)\n`),
);
