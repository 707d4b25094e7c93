// POST /api/v1/detections/process-frame against the real engine (src-engine) in-process, on a real group photo.
// The host's analyzeFrame (gallery, consent, snapshots) is not here: the adapter below maps the engine's result
// one to one and matches against the engine's own gallery, which is enough to pin the API's side of the contract.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { ProcessFrameResultSchema } from '../../src-contract/rest.ts';
import type { Engine as EngineT } from '../../src-engine/in-process.ts';
import type { AnalyzeFrame } from '../core/frame-analysis.ts';
import { startApiFixture, type ApiFixture } from './testing/api-fixture.ts';

const SAMPLE = 'node_modules/@vladmandic/face-api/demo/sample1.jpg';

let engine: EngineT | null = null;
let skip: string | false = existsSync(SAMPLE) ? false : `${SAMPLE} not installed`;
if (!skip) {
  try {
    const { Engine } = await import('../../src-engine/in-process.ts');
    engine = await Engine.create({ threads: 1 });
  } catch (err) {
    skip = `engine not available: ${(err as Error).message}`;
  }
}

function engineAnalyzer(e: EngineT, people: Map<string, { employeeId: string; name: string }>): AnalyzeFrame {
  return async (bytes, o) => {
    const r = await e.analyzeImage(bytes, { embeddings: true, match: o.recognize && e.gallery.size > 0 });
    const health = e.health();
    const faces = r.faces.filter((f) => f.score >= (o.minConfidence ?? 0) && f.box[2] >= (o.minFaceSize ?? 0)).slice(0, o.maxFaces);
    const model = (role: string) => {
      const id = health.roles[role] ?? 'none';
      return { name: id, version: '1', device: health.models[id]?.provider ?? 'cpu', latencyMs: 0 };
    };
    return {
      cameraName: 'Push camera', width: r.width, height: r.height,
      faces: faces.map((f) => {
        const id = f.match?.identity;
        const person = id ? people.get(id.person_id) : undefined;
        return {
          box: f.box, score: f.score, embedding: f.embedding ?? null,
          quality: { ...f.quality, score: f.score, blurry: f.quality.reason === 'blurry' },
          match: id && person ? { personId: id.person_id, employeeId: person.employeeId, name: person.name, department: 'QA', status: 'active' as const, templateCount: 1, confidence: id.score, distance: 1 - id.score } : null,
        };
      }),
      timings: { detectMs: r.stages.detect_ms, recognizeMs: r.stages.embed_ms + r.stages.match_ms },
      models: { detection: { ...model('detector'), latencyMs: r.stages.detect_ms }, recognition: { ...model('embedder'), embeddingSize: 512, latencyMs: r.stages.embed_ms } },
      fallbackUsed: Object.values(health.models).some((m) => m.fallback_used),
    };
  };
}

describe('process-frame with the real engine', { skip }, () => {
  let f: ApiFixture;
  let token: string;
  let admin: string;
  let photo: Buffer;
  let b64: string;
  let calls: Array<{ headers: IncomingMessage['headers']; body: string }>;
  const cb = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      // first delivery fails: the sender must retry
      res.statusCode = calls.length === 1 ? 503 : 200;
      res.end();
    });
  });
  let cbUrl: string;

  const frame = (extra: Record<string, unknown> = {}) => ({
    camera_id: 'cam_push', stream_type: 'RTSP', frame_id: `f_${Math.random().toString(36).slice(2)}`, timestamp: '2025-11-06T12:45:23.123Z',
    frame_data: b64, ...extra,
  });

  before(async () => {
    photo = await sharp(SAMPLE).resize({ width: 800 }).jpeg({ quality: 90 }).toBuffer();
    b64 = photo.toString('base64');
    // Enrol the first face of the photo so one detection comes back as a known person.
    const first = (await engine!.analyzeImage(photo, { embeddings: true })).faces.find((x) => x.embedding)!;
    engine!.gallery.add('per_1', first.embedding!);
    f = await startApiFixture({
      analyzeFrame: engineAnalyzer(engine!, new Map([['per_1', { employeeId: 'EMP-1', name: 'First Face' }]])),
      jobs: { concurrency: 1, maxQueued: 2, callback: { attempts: 3, baseDelayMs: 50, timeoutMs: 2000 } },
      allowCallback: (u) => u.hostname === '127.0.0.1',
      // The receiver is on loopback: an admin allow-list entry (settings.api.callback_private_hosts) is needed.
      callbackPrivateHosts: () => ['127.0.0.1'],
    });
    admin = await f.setupAdmin();
    token = (await f.rpc('tokens.create', { name: 'pusher', scopes: ['frames'] }, admin)).body.secret;
    await new Promise<void>((r) => cb.listen(0, '127.0.0.1', r));
    cbUrl = `http://127.0.0.1:${(cb.address() as { port: number }).port}/hook`;
    calls = [];
  });
  after(async () => {
    await f?.close();
    cb.close();
    await engine?.dispose();
  });

  it('answers in the v1 response shape: boxes absolute + normalised, the enrolled face matched, summary, model info', async () => {
    const r = await f.http('POST', '/api/v1/detections/process-frame', {
      token, body: frame({ detection_options: { parameters: { return_embeddings: true, min_confidence: 0.5 } } }),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const out = ProcessFrameResultSchema.parse(r.body);
    assert.ok(out.detections.length >= 3, `faces in the group photo: ${out.detections.length}`);
    const meta = await sharp(photo).metadata();
    for (const d of out.detections) {
      assert.ok(d.bounding_box.x >= 0 && d.bounding_box.x + d.bounding_box.width <= meta.width! + 1);
      assert.ok(Math.abs(d.bounding_box.normalized.x - d.bounding_box.x / meta.width!) < 1e-3);
      assert.ok(d.confidence >= 0.5);
    }
    const known = out.detections.filter((d) => d.person);
    assert.equal(known.length, 1);
    assert.equal(known[0].person!.person_id, 'per_1');
    assert.ok(known[0].person!.match_confidence > 0.9 && known[0].person!.match_distance < 0.1);
    assert.equal(known[0].embedding!.length, 512);
    assert.deepEqual([out.summary.total_detections, out.summary.identified_persons, out.summary.unknown_persons], [out.detections.length, 1, out.detections.length - 1]);
    assert.equal(out.processing_info.camera_id, 'cam_push');
    assert.ok(out.processing_info.detection_time_ms > 0);
    assert.equal(out.model_info.recognition_model?.embedding_size, 512);
  });

  it('an undecodable image does not burn its frame_id: the intact retry is analysed (issue 15 #8)', async () => {
    const post = (body: unknown) => f.http('POST', '/api/v1/detections/process-frame', { token, body });
    const id = `f_retry_${Date.now()}`;
    const cut = await post(frame({ frame_id: id, frame_data: photo.subarray(0, Math.floor(photo.length * 0.6)).toString('base64') }));
    assert.equal(cut.status, 400, JSON.stringify(cut.body));
    assert.equal(cut.body.error.code, 'INVALID_IMAGE');
    const whole = await post(frame({ frame_id: id }));
    assert.equal(whole.status, 200);
    assert.notEqual(whole.body.status, 'duplicate', JSON.stringify(whole.body).slice(0, 300));
    assert.ok(whole.body.detections.length >= 1);
  });

  it('de-duplicates a frame_id per camera within the window', async () => {
    const body = frame({ detection_options: { model_type: 'face-detection' } });
    assert.equal((await f.http('POST', '/api/v1/detections/process-frame', { token, body })).body.status, 'success');
    const dup = await f.http('POST', '/api/v1/detections/process-frame', { token, body });
    assert.equal(dup.status, 200);
    assert.deepEqual(dup.body, { status: 'duplicate', message: 'Frame already processed', frame_id: body.frame_id });
  });

  it('async: 202 with job id and queue position, GET /jobs/{id}, signed callback retried after a 503', async () => {
    calls = [];
    const body = frame({ detection_options: { processing: { async: true } }, client_context: { callback_url: cbUrl } });
    const r = await f.http('POST', '/api/v1/detections/process-frame', { token, body });
    assert.equal(r.status, 202);
    assert.equal(r.body.status, 'accepted');
    assert.match(r.body.job_id, /^job_/);
    assert.ok(r.body.queue_position >= 0 && r.body.estimated_completion_ms > 0);
    for (let i = 0; i < 200 && calls.length < 2; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(calls.length, 2, 'delivered on the second attempt');
    const c = calls[1];
    const sig = createHmac('sha256', token).update(`${c.headers['x-vigil-timestamp']}.${c.body}`).digest('hex');
    assert.equal(c.headers['x-vigil-signature'], `sha256=${sig}`);
    const payload = JSON.parse(c.body);
    assert.equal(payload.job_id, r.body.job_id);
    assert.equal(payload.status, 'completed');
    assert.ok(payload.result.detections.length >= 3);
    const job = await f.http('GET', `/api/v1/jobs/${r.body.job_id}`, { token });
    assert.equal(job.body.status, 'completed');
    assert.deepEqual(job.body.callback, { url: cbUrl, attempts: 2, delivered: true, last_status: 200 });
    // another caller cannot read it
    const other = (await f.rpc('tokens.create', { name: 'other', scopes: ['frames'] }, admin)).body.secret;
    assert.equal((await f.http('GET', `/api/v1/jobs/${r.body.job_id}`, { token: other })).status, 404);
  });

  it('refuses what it cannot process with typed 4xx/5xx: truncated image, bad base64, oversize, unsupported model, full queue, timeout', async () => {
    const post = (body: unknown) => f.http('POST', '/api/v1/detections/process-frame', { token, body });
    const truncated = await post(frame({ frame_data: photo.subarray(0, 2000).toString('base64') }));
    assert.equal(truncated.status, 400);
    assert.equal(truncated.body.error.code, 'INVALID_IMAGE');
    assert.equal((await post(frame({ frame_data: 'not*base64!' }))).body.error.code, 'INVALID_IMAGE');
    assert.equal((await post(frame({ frame_data: Buffer.from('GIF89a-------').toString('base64') }))).body.error.code, 'INVALID_IMAGE');
    assert.equal((await post(frame({ frame_metadata: { size_bytes: 5 } }))).body.error.field, 'frame_metadata.size_bytes');
    assert.equal((await post(frame({ detection_options: { model_type: 'person-detection' } }))).status, 422);
    assert.equal((await post({ ...frame(), stream_type: 'CARRIER_PIGEON' })).body.error.field, 'stream_type');
    assert.equal((await post(frame({ client_context: { callback_url: cbUrl } }))).body.error.field, 'client_context.callback_url');
    const huge = await post(frame({ frame_data: 'A'.repeat(23 * 1024 * 1024) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');
    // concurrency 1, queue 2: a burst of async frames overflows
    const burst = await Promise.all(Array.from({ length: 5 }, () => post(frame({ detection_options: { processing: { async: true } } }))));
    assert.ok(burst.some((b) => b.status === 503 && b.body.error.code === 'QUEUE_FULL'), burst.map((b) => b.status).join(','));
    for (const b of burst.filter((x) => x.status === 202)) {
      while ((await f.http('GET', `/api/v1/jobs/${b.body.job_id}`, { token })).body.status !== 'completed') await new Promise((res) => setTimeout(res, 50));
    }
    const slow = await post(frame({ detection_options: { processing: { timeout_ms: 100 } } }));
    assert.equal(slow.status, 504);
    assert.equal(slow.body.error.code, 'MODEL_TIMEOUT');
  });
});
