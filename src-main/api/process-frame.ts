// POST /api/v1/detections/process-frame (one image in, faces out: synchronous reply or an async job). Checks run cheapest first: payload size
// (413), schema (400), base64 alphabet and image signature (400 INVALID_IMAGE), then frame_id de-duplication, then
// the shared frame queue. The decoder only ever sees bytes that start like a JPEG, PNG or WebP.
import { checkCallbackUrl } from './callback-guard.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { MAX_FRAME_BASE64, ProcessFrameRequestSchema, type ProcessFrameRequest } from '../../src-contract/rest.ts';
import { fromZodError } from '../../src-contract/errors.ts';
import type { Caller } from '../core/dispatcher.ts';
import type { DedupCache } from '../pipeline/dedup-cache.ts';
import type { AnalyzeFrame } from '../core/frame-analysis.ts';
import type { FrameJobs } from './frame-jobs.ts';
import { toProcessFrameResult } from './frame-response.ts';

export interface ProcessFrameDeps {
  /** Absent when the host has no engine: valid requests then get ENGINE_UNAVAILABLE, malformed ones still 4xx. */
  analyzeFrame: AnalyzeFrame | undefined;
  jobs: FrameJobs;
  dedup: DedupCache;
  maxFrameBytes: number;
  mediaUrl: (ref: string) => string;
  /** Which callback URLs may be called (default: any http/https URL). */
  allowCallback: (url: URL) => boolean;
  /** Hosts callbacks may reach although they resolve to non-public addresses (admin setting). */
  callbackPrivateHosts: () => readonly string[];
}

const DATA_URL = /^data:image\/(jpeg|jpg|png|webp);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Format = 'jpeg' | 'png' | 'webp';

export function sniffImage(b: Buffer): Format | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/** Strict base64 → bytes with the frame limits; throws typed 400/413 errors. */
export function decodeFrameData(data: string, maxBytes: number): { bytes: Buffer; format: Format } {
  const body = data.replace(DATA_URL, '');
  if (body.length % 4 !== 0 || !BASE64.test(body)) {
    throw new VigilError('INVALID_IMAGE', 'frame_data: not valid base64 (standard alphabet, padded)', { field: 'frame_data' });
  }
  const decodedLength = (body.length / 4) * 3 - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0);
  if (decodedLength > maxBytes) throw new VigilError('PAYLOAD_TOO_LARGE', `frame_data decodes to ${decodedLength} bytes; the limit is ${maxBytes}`, { field: 'frame_data' });
  const bytes = Buffer.from(body, 'base64');
  const format = sniffImage(bytes);
  if (!format) throw new VigilError('INVALID_IMAGE', 'frame_data: not a JPEG, PNG or WebP image', { field: 'frame_data' });
  return { bytes, format };
}

export interface ProcessFrameReply {
  status: number;
  body: unknown;
}

export async function processFrame(raw: unknown, caller: Caller, bearer: string | null, deps: ProcessFrameDeps): Promise<ProcessFrameReply> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new VigilError('INVALID_REQUEST', 'body must be a JSON object');
  const frameData = (raw as { frame_data?: unknown }).frame_data;
  if (typeof frameData === 'string' && frameData.length > MAX_FRAME_BASE64) {
    throw new VigilError('PAYLOAD_TOO_LARGE', `frame_data is ${frameData.length} base64 characters; the limit is ${MAX_FRAME_BASE64}`, { field: 'frame_data' });
  }
  const parsed = ProcessFrameRequestSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error);
  const req: ProcessFrameRequest = parsed.data;
  const opts = req.detection_options ?? { model_type: 'face-recognition' as const, parameters: undefined, processing: undefined };
  const params = opts.parameters ?? { max_faces: 20, return_snapshots: false, return_embeddings: false };
  const processing = opts.processing ?? { priority: 'normal' as const, timeout_ms: 5000, async: false };
  if (opts.model_type === 'person-detection') throw new VigilError('UNSUPPORTED', 'model_type "person-detection" is not available; use face-recognition or face-detection', { field: 'detection_options.model_type' });

  const { bytes, format } = decodeFrameData(req.frame_data, deps.maxFrameBytes);
  const meta = req.frame_metadata;
  if (meta?.size_bytes !== undefined && meta.size_bytes !== bytes.length) {
    throw new VigilError('INVALID_REQUEST', `frame_metadata.size_bytes is ${meta.size_bytes} but frame_data holds ${bytes.length} bytes`, { field: 'frame_metadata.size_bytes' });
  }
  if (meta?.format !== undefined && meta.format !== format) {
    throw new VigilError('INVALID_IMAGE', `frame_metadata.format says ${meta.format} but frame_data is ${format}`, { field: 'frame_metadata.format' });
  }

  const callbackUrl = req.client_context?.callback_url;
  let callback: { url: string; key: string } | undefined;
  if (callbackUrl) {
    if (!processing.async) throw new VigilError('INVALID_REQUEST', 'client_context.callback_url needs detection_options.processing.async = true', { field: 'client_context.callback_url' });
    // Callbacks are signed with the API token the request came with; a console session has nothing to sign with.
    if (!bearer || !caller.tokenScopes) throw new VigilError('INVALID_REQUEST', 'callbacks need an API token (the callback is signed with it)', { field: 'client_context.callback_url' });
    let url: URL;
    try {
      url = new URL(callbackUrl);
    } catch {
      throw new VigilError('INVALID_REQUEST', 'client_context.callback_url: not a URL', { field: 'client_context.callback_url' });
    }
    if (!deps.allowCallback(url)) throw new VigilError('FORBIDDEN', `callbacks to ${url.host} are not allowed by this server`, { field: 'client_context.callback_url' });
    await checkCallbackUrl(url, { privateHosts: deps.callbackPrivateHosts });
    callback = { url: url.href, key: bearer };
  }

  const analyze = deps.analyzeFrame;
  if (!analyze) throw new VigilError('ENGINE_UNAVAILABLE', 'frame analysis is not available in this host');

  // §4.3.3: a frame_id is processed once per camera within the window.
  const dedupKey = `${req.camera_id}\u0000${req.frame_id}`;
  if (!deps.dedup.admit(dedupKey)) return { status: 200, body: { status: 'duplicate', message: 'Frame already processed', frame_id: req.frame_id } };

  let job;
  try {
    job = deps.jobs.submit({
      frameId: req.frame_id, cameraId: req.camera_id, ownerId: caller.tokenId ?? caller.user!.id, priority: processing.priority, timeoutMs: processing.timeout_ms, callback,
      run: async (signal, queueMs) => {
        const startedAt = Date.now();
        const analysis = await analyze(bytes, {
          cameraId: req.camera_id, frameId: req.frame_id, timestamp: req.timestamp, recognize: opts.model_type !== 'face-detection',
          minConfidence: params.min_confidence, minFaceSize: params.min_face_size, maxFaces: params.max_faces,
          returnSnapshots: params.return_snapshots, returnEmbeddings: params.return_embeddings, priority: processing.priority,
          timeoutMs: processing.timeout_ms, signal,
        });
        return toProcessFrameResult(analysis, {
          frameId: req.frame_id, cameraId: req.camera_id, timestamp: req.timestamp, startedAt, completedAt: Date.now(), queueMs,
          returnEmbeddings: params.return_embeddings, mediaUrl: deps.mediaUrl,
        });
      },
    });
  } catch (err) {
    deps.dedup.forget(dedupKey); // refused before analysis: the client may offer it again
    throw err;
  }
  // Only an analysed frame burns its frame_id: after any failure (undecodable image, timeout, engine down, full
  // queue) a retry with the same frame_id — e.g. the intact image — must be analysed, not answered "duplicate".
  void job.done.then((d) => { if (d.error) deps.dedup.forget(dedupKey); }, () => deps.dedup.forget(dedupKey));

  if (processing.async) {
    return {
      status: 202,
      body: {
        status: 'accepted', message: 'Frame queued for processing', job_id: job.id, frame_id: req.frame_id,
        estimated_completion_ms: deps.jobs.estimateMs(job), queue_position: deps.jobs.position(job), callback_url: callback?.url ?? null,
      },
    };
  }
  const done = await job.done;
  if (done.error) {
    deps.dedup.forget(dedupKey);
    throw new VigilError(done.error.code, done.error.message, { field: done.error.field, details: done.error.details });
  }
  return { status: 200, body: done.result };
}
