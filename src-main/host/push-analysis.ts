// Push mode (POST /api/v1/detections/process-frame): an integration sends an encoded image; it goes through the
// same scheduler as camera frames (with the request's priority) and the same engine, and the answer is put in
// host terms (matched person, consent policy, optional snapshot) for the API layer to shape.
import sharp from 'sharp';
import { VigilError } from '../../src-contract/errors.ts';
import type { AnalyzeFrame, AnalyzedFace, FrameAnalysis } from '../core/frame-analysis.ts';
import type { EngineFace } from '../engine-host/engine-wire.ts';
import type { HostContext } from './host-context.ts';
import { PushCrops } from './push-crops.ts';
import { engineDetectionOptions } from '../pipeline/detection-policy.ts';

export function createPushAnalyzer(ctx: HostContext): AnalyzeFrame {
  return async (image, opts) => {
    if (opts.signal.aborted) throw new VigilError('TIMEOUT', 'request aborted before analysis');
    let meta;
    try {
      meta = await sharp(image).metadata();
    } catch (err) {
      throw new VigilError('INVALID_IMAGE', `not a decodable image: ${(err as Error).message}`);
    }
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (!width || !height) throw new VigilError('INVALID_IMAGE', 'image has no size');
    // The header alone says nothing about the rest: a truncated or corrupt body must be a 400 here, not an engine
    // failure reported as a full queue. A 1/8-scale decode (JPEG shrink-on-load) reads every byte cheaply.
    try {
      await sharp(image, { failOn: 'truncated' }).resize({ width: Math.max(1, Math.ceil(width / 8)) }).raw().toBuffer();
    } catch (err) {
      throw new VigilError('INVALID_IMAGE', `image cannot be decoded (truncated or corrupt): ${(err as Error).message}`);
    }
    // The same clamping as camera frames; only the detector gets them (a pushed image keeps the engine's quality gate).
    const { detection } = engineDetectionOptions({ maxFaces: opts.maxFaces, minFacePx: opts.minFaceSize, minConfidence: opts.minConfidence });
    const analysis = ctx.pipeline.analyzePush({
      image, cameraId: opts.cameraId, frameId: opts.frameId, priority: opts.priority, cost: width * height,
      options: { embeddings: opts.recognize || opts.returnEmbeddings, match: opts.recognize, detection },
    });
    const result = await new Promise<Awaited<typeof analysis>>((resolve, reject) => {
      const onAbort = () => reject(new VigilError('TIMEOUT', `no result within the request's time limit (priority ${opts.priority})`));
      opts.signal.addEventListener('abort', onAbort, { once: true });
      analysis.then(resolve, (err: Error & { code?: string }) => {
        if (err.code === 'QUEUE_FULL') reject(new VigilError('QUEUE_FULL', `the frame queue is full: ${err.message}`));
        else if (err.code === 'DUPLICATE') reject(new VigilError('CONFLICT', err.message));
        else reject(err);
      }).finally(() => opts.signal.removeEventListener('abort', onAbort));
    });

    const faces = [...result.faces].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]).slice(0, opts.maxFaces);
    const out: AnalyzedFace[] = [];
    for (const f of faces) out.push(await analysedFace(ctx, f, opts, image));
    const h = ctx.engineStatus.health;
    const det = h?.roles.detector ? h.models[h.roles.detector] : undefined;
    const emb = h?.roles.embedder ? h.models[h.roles.embedder] : undefined;
    const st = result.stages;
    const analysisOut: FrameAnalysis = {
      cameraName: ctx.cameras.config(opts.cameraId)?.name ?? null,
      width: result.width, height: result.height, faces: out,
      timings: { detectMs: st ? st.detect_ms + st.keypoints_ms + st.landmarks_ms : result.ms, recognizeMs: st ? st.align_ms + st.embed_ms + st.match_ms : 0 },
      models: {
        detection: { name: h?.roles.detector ?? 'unknown', version: h?.engine ?? '', device: det?.provider ?? 'unknown', latencyMs: st?.detect_ms ?? result.ms },
        recognition: opts.recognize ? {
          name: h?.roles.embedder ?? 'unknown', version: h?.engine ?? '', device: emb?.provider ?? 'unknown', latencyMs: st?.embed_ms ?? 0,
          embeddingSize: faces.find((f) => f.embedding)?.embedding?.length ?? 0,
        } : null,
      },
      fallbackUsed: Boolean(det?.fallback_used || emb?.fallback_used),
    };
    return analysisOut;
  };
}

async function analysedFace(ctx: HostContext, f: EngineFace, opts: Parameters<AnalyzeFrame>[1], image: Buffer): Promise<AnalyzedFace> {
  const flags: string[] = [];
  let match: AnalyzedFace['match'] = null;
  const id = f.match?.identity;
  if (opts.recognize && id) {
    const p = ctx.store.persons.get(id.person_id);
    const consent = ctx.consents?.decision(id.person_id) ?? 'allowed';
    if (p && p.status === 'active' && consent !== 'blocked') {
      if (consent === 'flagged') flags.push('no_consent');
      if (p.watchlist) flags.push('watchlist');
      match = {
        personId: p.id, employeeId: p.employeeId, name: p.name, department: p.department, status: p.status, templateCount: p.templateCount,
        confidence: Math.max(0, Math.min(1, id.score)), distance: 1 - id.score,
      };
    }
  }
  let snapshot: AnalyzedFace['snapshot'] = null;
  if (opts.returnSnapshots) {
    const [x, y, w, h] = f.box;
    const meta = await sharp(image).metadata();
    const left = Math.max(0, Math.floor(x - w * 0.25));
    const top = Math.max(0, Math.floor(y - h * 0.25));
    const width = Math.max(1, Math.min(meta.width! - left, Math.ceil(w * 1.5)));
    const height = Math.max(1, Math.min(meta.height! - top, Math.ceil(h * 1.5)));
    const jpeg = await sharp(image).extract({ left, top, width, height }).jpeg({ quality: 88 }).toBuffer();
    const name = `push-${opts.cameraId}-${opts.frameId}-${Math.round(x)}-${Math.round(y)}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
    const ref = await ctx.store.snapshots.writeJpeg(name, 'face', jpeg, Date.now());
    // A row per crop: erasure of the matched person and retention find it (issue 15 #9).
    await new PushCrops(ctx.store).record(ref, match?.personId ?? null, opts.cameraId);
    snapshot = { ref, sizeBytes: jpeg.length, width, height };
  }
  return {
    box: f.box, score: f.score, quality: { ...f.quality, score: qualityScore(f), blurry: f.quality.reason === 'blurry' }, match, flags,
    embedding: opts.returnEmbeddings ? f.embedding ?? null : undefined,
    snapshot,
  };
}

/**
 * One 0..1 figure for "how usable is this face" (spec face_attributes quality): detector confidence, scaled down
 * for faces smaller than the embedder's 112 px input and for turned heads, halved when the gate refused it.
 */
export function qualityScore(f: EngineFace): number {
  const q = f.quality;
  const size = Math.min(1, q.size / 112);
  const pose = Math.max(0, 1 - Math.max(Math.abs(q.yaw), Math.abs(q.pitch)) / 90);
  return Math.round(f.score * size * pose * (q.passed ? 1 : 0.5) * 1000) / 1000;
}
