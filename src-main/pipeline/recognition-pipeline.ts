// Camera frame → scheduler → engine → tracker (association, decisions, consent policy) → event recorder (one
// transaction per tracker event) → publisher (topics, alerts) → live state.
// The scheduler decides which frames the engine sees (priority, fairness, admission); the engine supervisor
// carries them to the engine process; results come back per frame and go through the camera's tracker, so one
// person walking past is one track with one decision. Every frame offered ends up analysed or counted as dropped.
import type { Logger } from 'pino';
import type { CameraConfig, MotionMask } from '../../src-contract/camera-config.ts';
import type { LiveFrame } from '../../src-contract/schemas.ts';

type LiveFace = LiveFrame['faces'][number];
import type { TopicBus } from '../core/topic-bus.ts';
import type { CameraFrame } from '../camera/camera-frame.ts';
import { detachFrame, holdFrame } from '../camera/frame-pool.ts';
import { CameraTracker } from '../tracking/camera-tracker.ts';
import type { CameraThresholds, Candidate, DecisionPolicy, FaceObservation, TrackerOptions, TrackerOptionsInput } from '../tracking/types.ts';
import type { EngineSupervisor } from '../engine-host/engine-supervisor.ts';
import { EngineUnavailableError } from '../engine-host/engine-errors.ts';
import type { EngineAnalysis, EngineFace } from '../engine-host/engine-wire.ts';
import type { AnalyzeOptions } from '../../src-engine/public.ts';
import { logFaceDropped, logFrameProcessed } from '../logging/frame-log.ts';
import { newTraceId } from '../logging/trace.ts';
import { FrameScheduler } from './frame-scheduler.ts';
import type { DropReason, OfferResult, Priority, QueuedFrame } from './frame-scheduler.ts';
import { BatchPump } from './batch-pump.ts';
import { WorkPlanner, cropRgb, offsetFaces, type WorkCounters, type WorkPlanOptions } from './work-planner.ts';
import type { Rect } from './motion-gate.ts';
import type { LiveState } from './live-state.ts';
import type { PipelineStats } from './pipeline-stats.ts';
import type { CameraMeta, EventRecorder } from './event-recorder.ts';
import { LatencyWindow } from '../../src-engine/public.ts';
import { DEFAULT_CAMERA_DETECTION } from '../core/defaults.ts';
import { resolveDetectionPolicy, samePolicy, type DetectionPolicy, type EngineMatchInfo } from './detection-policy.ts';


const NO_MASKS: readonly MotionMask[] = [];
export interface CameraJob {
  kind: 'camera';
  frame: CameraFrame;
  traceId: string;
  /** Detect only in this part of the frame (frame pixels); null = the whole frame. */
  roi: Rect | null;
  /** Compute embeddings (false: every face in view belongs to a track that needs no more evidence). */
  embed: boolean;
  /** The camera's detection policy when the frame was offered (its engine options go with the frame). */
  policy: DetectionPolicy;
  /** Gives back the job's reference to pooled pixels (frame-pool.ts): when dropped, or once the answer is handled. */
  release: () => void;
}

/** What happened to an offered camera frame: the scheduler's answer, or skipped before it (nothing moved). */
export type CameraOfferResult = OfferResult | { status: 'skipped_static' };

/** A frame submitted by an integration (push mode); its caller waits for the answer. */
export interface PushJob {
  kind: 'push';
  image: Uint8Array;
  cameraId: string;
  frameId: string;
  traceId: string;
  options: AnalyzeOptions;
  resolve: (r: EngineAnalysis) => void;
  reject: (e: Error) => void;
}

export type Job = CameraJob | PushJob;

export interface PipelineOptions {
  maxBatch?: number;
  maxWaitMs?: number;
  queueCapacity?: number;
  maxPerCamera?: number;
  maxAgeMs?: number;
  tracker?: TrackerOptionsInput;
  /** Motion gating and region-of-interest crops per camera; false = every offered frame analysed whole. */
  workPlan?: Partial<WorkPlanOptions> | false;
}

export interface PipelineDeps {
  engine: EngineSupervisor;
  recorder: EventRecorder;
  /** Consent / watchlist rules the tracker applies to each decision (tracking/decision-policy.ts). */
  decisionPolicy?: DecisionPolicy;
  /** Display name of a person for the live view (cached by the host). */
  personName?: (personId: string) => string | null;
  bus: TopicBus;
  logger: Logger;
  stats: PipelineStats;
  live: LiveState;
  /** Current config of a camera, null once removed. */
  camera: (id: string) => CameraConfig | null;
  /** Votes a name needs (site setting). */
  minVotes: () => number;
  /** Visit gap, ms (site setting, read per frame: a change applies to running cameras at once). Absent: the
   *  tracker's default; an explicit `tracker.visitGapMs` option wins (tests). */
  visitGapMs?: () => number;
  /** Engine model/device names for the per-frame log. */
  modelInfo: () => { model: string; device: string; fallback: boolean };
  /** The tracker's cosine constants for the running embedder (tracking/embedder-scale.ts), keyed by embedder;
   *  absent or null: the tracker's defaults. A camera's tracker follows a change (its open tracks end first). */
  trackerCosines?: () => TrackerCosines | null;
}

export type TrackerCosines = { key: string; appearance: TrackerOptions['appearance']; voting: Pick<TrackerOptions['voting'], 'marginRef'> };

interface CameraState {
  tracker: CameraTracker;
  /** The embedder the tracker's cosine constants are for (TrackerCosines.key), '' for the defaults. */
  cosinesKey: string;
  planner: WorkPlanner | null;
  /** Current detection policy and the inputs it was resolved from; the one last applied to the tracker. */
  policy: DetectionPolicy;
  policyKey: string;
  applied: DetectionPolicy;
  /** The motion masks the planner has (the camera config's array, by reference). */
  masks?: readonly MotionMask[];
  masksKey?: string;
}

export class RecognitionPipeline {
  readonly scheduler: FrameScheduler<Job>;
  readonly latency = new LatencyWindow(4096);
  /** Push-mode frames the engine answered (camera frames are counted in PipelineStats). */
  pushAnalysed = 0;
  readonly #d: PipelineDeps;
  readonly #o: Required<Omit<PipelineOptions, 'tracker' | 'workPlan'>> & Pick<PipelineOptions, 'tracker' | 'workPlan'>;
  readonly #pump: BatchPump<Job>;
  readonly #cameras = new Map<string, CameraState>();
  readonly #flushTimer: ReturnType<typeof setInterval>;
  #closed = false;
  /** What the engine last reported about matching (its search threshold follows the FAR target and the gallery size). */
  #engineMatch: EngineMatchInfo = { searchThreshold: null };

  constructor(deps: PipelineDeps, opts: PipelineOptions = {}) {
    this.#d = deps;
    this.#o = { maxBatch: 2, maxWaitMs: 0, queueCapacity: 64, maxPerCamera: 1, maxAgeMs: 3000, ...opts };
    this.scheduler = new FrameScheduler<Job>({
      capacity: this.#o.queueCapacity, maxPerSource: this.#o.maxPerCamera, maxAgeMs: this.#o.maxAgeMs,
      onDrop: (f, reason) => this.#dropped(f, reason),
    });
    this.#pump = new BatchPump<Job>({
      scheduler: this.scheduler, maxBatch: this.#o.maxBatch, maxWaitMs: this.#o.maxWaitMs,
      freeSlots: () => deps.engine.freeSlots(),
      dispatch: (batch) => { for (const f of batch) this.#run(f); },
    });
    deps.engine.on('slot', () => this.#pump.kick());
    deps.engine.on('ready', () => this.#pump.kick());
    this.#flushTimer = setInterval(() => this.#flush(), 500);
    this.#flushTimer.unref?.();
  }

  /** A decoded frame from a camera. */
  offerCameraFrame(frame: CameraFrame): CameraOfferResult {
    if (this.#closed) return { status: 'rejected', reason: 'engine_unavailable' };
    const cam = this.#d.camera(frame.camera_id);
    const state = this.#state(frame.camera_id);
    this.#d.stats.add(frame.camera_id, 'frames_offered');
    // Nothing moved and nobody is in view: the detector has nothing new to find (a full check still runs every
    // few seconds). Live tracks keep their frames analysed, cropped around them when that is cheaper.
    if (state.planner) this.#syncMasks(state, cam);
    const views = state.tracker.tracks();
    const plan = state.planner?.plan(frame, views.map((t) => t.box as Rect), Date.now()) ?? null;
    if (plan?.kind === 'skip') {
      this.#d.stats.add(frame.camera_id, 'frames_skipped_static');
      return { status: 'skipped_static' };
    }
    // Embed only when a track needs evidence: every face near a settled track (recognised, templates enough) and
    // no motion elsewhere means the frame just follows those tracks (by position), without embeddings.
    const embed = !(plan?.kind === 'roi' && !plan.newActivity && views.length > 0 && views.every((t) => t.needsEvidence === false));
    if (!embed) state.planner!.counters.embeddings_skipped++;
    // A camera with an undecided track goes up one level (never above high): under overload the engine's time
    // goes where a decision is pending rather than being spread evenly over empty corridors.
    const configured: Priority = cam?.detection.priority ?? 'normal';
    const pending = state.tracker.tracks().some((t) => t.decision === 'pending');
    const priority: Priority = pending && (configured === 'normal' || configured === 'low') ? (configured === 'low' ? 'normal' : 'high') : configured;
    // The queued job holds the frame's pooled pixels until it is dropped or its answer is handled.
    const release = holdFrame(frame);
    const r = this.scheduler.offer({
      frameId: frame.frame_id, source: frame.camera_id, priority, cost: plan?.kind === 'roi' ? plan.rect[2] * plan.rect[3] : frame.width * frame.height,
      enqueuedAt: Date.now(), payload: { kind: 'camera', frame, traceId: newTraceId(), roi: plan?.kind === 'roi' ? plan.rect : null, embed, policy: this.#policyOf(state, cam), release },
    });
    if (r.status === 'duplicate') release(); // rejected frames went through onDrop
    this.#pump.kick();
    return r;
  }

  /** Push mode: analyse an encoded image through the same queue; resolves with the engine's answer. */
  analyzePush(job: Omit<PushJob, 'kind' | 'resolve' | 'reject' | 'traceId'> & { priority: Priority; cost: number }): Promise<EngineAnalysis> {
    return new Promise((resolve, reject) => {
      const payload: PushJob = { kind: 'push', image: job.image, cameraId: job.cameraId, frameId: job.frameId, options: job.options, traceId: newTraceId(), resolve, reject };
      const r = this.scheduler.offer({ frameId: `push:${job.cameraId}:${job.frameId}`, source: `push:${job.cameraId}`, priority: job.priority, cost: job.cost, payload });
      if (r.status === 'duplicate') reject(Object.assign(new Error(`frame ${job.frameId} was already submitted`), { code: 'DUPLICATE' }));
      this.#pump.kick();
    });
  }

  /** The camera stopped or went into error: close its tracks now rather than after their timeout. */
  cameraStopped(cameraId: string): void {
    const s = this.#cameras.get(cameraId);
    if (!s) return;
    const meta = this.#meta(cameraId);
    for (const ev of s.tracker.endAll(Date.now())) if (meta) this.#d.recorder.handle(meta, ev, null);
    this.#d.live.delete(cameraId);
  }

  removeCamera(cameraId: string): void {
    this.cameraStopped(cameraId);
    this.#cameras.delete(cameraId);
    this.#d.stats.forgetCamera(cameraId);
    this.#d.engine.release(cameraId);
  }

  /** Motion gating and crop counters of a camera (null before its first frame or with gating off). */
  workCounters(cameraId: string): Readonly<WorkCounters> | null {
    return this.#cameras.get(cameraId)?.planner?.counters ?? null;
  }

  get queueDepth(): number {
    return this.scheduler.depth;
  }

  /** Stops taking frames, drops what is queued (counted), ends every track. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#flushTimer);
    this.#pump.close();
    this.scheduler.clear('engine_unavailable');
    for (const id of [...this.#cameras.keys()]) this.cameraStopped(id);
  }

  // ---- internals

  #state(cameraId: string): CameraState {
    let s = this.#cameras.get(cameraId);
    if (!s) {
      const policy = this.#resolvePolicy(this.#d.camera(cameraId));
      const cosines = this.#d.trackerCosines?.() ?? null;
      s = { tracker: new CameraTracker(cameraId, trackerThresholds(policy.value), this.#trackerOptions(cosines), undefined, this.#d.decisionPolicy), cosinesKey: cosines?.key ?? '', policy: policy.value, policyKey: policy.key, applied: policy.value,
        planner: this.#o.workPlan === false ? null : new WorkPlanner(this.#o.workPlan ?? {}) };
      this.#cameras.set(cameraId, s);
    }
    return s;
  }

  #trackerOptions(cosines: TrackerCosines | null) {
    // The tracker's gates grow with the time between analysed frames (shed frames, low analysis fps): no override.
    // Cosine constants follow the running embedder (its cosines live on their own scale); explicit options win.
    const t = { ...this.#o.tracker };
    const gap = this.#d.visitGapMs?.();
    return {
      ...(gap !== undefined ? { visitGapMs: gap } : {}),
      ...t,
      appearance: { ...cosines?.appearance, ...t.appearance },
      voting: { minVotes: this.#d.minVotes(), ...(cosines ? { marginRef: cosines.voting.marginRef } : {}), ...t.voting },
    };
  }

  /** After an embedder switch a camera's tracker is rebuilt with that embedder's constants (its tracks hold the
   *  other embedder's appearance vectors, which cannot be compared anyway); open tracks end as at a camera stop. */
  #followEmbedder(cameraId: string, s: CameraState): CameraState {
    const key = this.#d.trackerCosines?.()?.key ?? '';
    if (key === s.cosinesKey) return s;
    this.cameraStopped(cameraId);
    this.#cameras.delete(cameraId);
    const next = this.#state(cameraId);
    if (s.planner) next.planner = s.planner;
    return next;
  }

  #meta(cameraId: string): CameraMeta | null {
    const c = this.#d.camera(cameraId);
    return c ? { id: c.id, name: c.name, location: c.location, role: c.role } : null;
  }

  #run(f: QueuedFrame<Job>): void {
    const job = f.payload;
    const dispatchedAt = Date.now();
    const op = job.kind === 'camera'
      ? { op: 'analyze_frame' as const, frame: this.#engineFrame(job), options: job.embed ? job.policy.engine : { ...job.policy.engine, embeddings: false, match: false } }
      : { op: 'analyze_image' as const, bytes: job.image, options: job.options };
    // Camera affinity: one camera's frames stay on one engine worker (in order), other workers take overflow.
    this.#d.engine.call(op, job.kind === 'camera' ? { affinity: job.frame.camera_id } : {}).then(
      (value) => {
        const result = value as EngineAnalysis;
        if (job.kind === 'push') {
          this.pushAnalysed++;
          return job.resolve(result);
        }
        try {
          this.#onResult(f, job, result, dispatchedAt);
        } catch (err) {
          this.#d.logger.error({ event_type: 'pipeline_error', camera_id: job.frame.camera_id, trace_id: job.traceId, err }, 'frame result could not be processed');
        } finally {
          job.release();
        }
      },
      (err: Error) => {
        this.scheduler.reportDropped(f, err instanceof EngineUnavailableError ? 'engine_unavailable' : 'engine_failed');
        if (job.kind === 'camera') job.release();
        if (job.kind === 'push') job.reject(err);
        else if (!this.#closed) this.#d.logger.warn({ event_type: 'frame_failed', camera_id: job.frame.camera_id, trace_id: job.traceId, err: err.message }, 'engine could not analyse a frame');
      },
    );
  }

  /** The pixels the engine gets: the whole frame, or the crop the work planner chose. */
  #engineFrame(job: CameraJob): { width: number; height: number; channels: 3; data: Uint8Array; lease?: CameraFrame['lease'] } {
    const { frame, roi } = job;
    // The lease goes along so the side channel can hold the pixels until its socket has written them.
    if (!roi) return { width: frame.width, height: frame.height, channels: 3, data: frame.data, ...(frame.lease ? { lease: frame.lease } : {}) };
    return { width: roi[2], height: roi[3], channels: 3, data: cropRgb(frame.data, frame.width, roi) };
  }

  /** The camera's motion masks into its planner, when they changed (same array: nothing to compare). */
  #syncMasks(s: CameraState, cam: CameraConfig | null): void {
    const masks = cam?.detection.motion_masks ?? NO_MASKS;
    if (masks === s.masks) return;
    const key = masks.map((m) => `${m.x},${m.y},${m.width},${m.height}`).join(';');
    s.masks = masks;
    if (key === s.masksKey) return;
    s.masksKey = key;
    s.planner!.setMasks(masks.map((m) => [m.x, m.y, m.width, m.height]));
  }

  /** The camera's detection policy, resolved again only when one of its inputs changed. */
  #policyOf(s: CameraState, cam: CameraConfig | null): DetectionPolicy {
    const next = this.#resolvePolicy(cam, s.policyKey);
    if (next) {
      s.policy = next.value;
      s.policyKey = next.key;
    }
    return s.policy;
  }

  #resolvePolicy(cam: CameraConfig | null): { value: DetectionPolicy; key: string };
  #resolvePolicy(cam: CameraConfig | null, unlessKey: string): { value: DetectionPolicy; key: string } | null;
  #resolvePolicy(cam: CameraConfig | null, unlessKey?: string): { value: DetectionPolicy; key: string } | null {
    const d = cam?.detection ?? DEFAULT_CAMERA_DETECTION;
    const site = { min_votes: this.#d.minVotes() };
    const key = `${d.min_face_px}|${d.min_detection_confidence}|${d.recognition_threshold}|${site.min_votes}|${this.#engineMatch.searchThreshold}`;
    return key === unlessKey ? null : { value: resolveDetectionPolicy(d, site, this.#engineMatch), key };
  }

  #onResult(f: QueuedFrame<Job>, job: CameraJob, result: EngineAnalysis, dispatchedAt: number): void {
    const frame = job.frame;
    const cam = this.#d.camera(frame.camera_id);
    if (!cam || this.#closed) return; // camera removed while its frame was in the engine
    if (job.roi) offsetFaces(result.faces, job.roi[0], job.roi[1]); // crop pixels → frame pixels
    const meta: CameraMeta = { id: cam.id, name: cam.name, location: cam.location, role: cam.role };
    const s = this.#followEmbedder(cam.id, this.#state(cam.id));
    // The engine's search threshold (site FAR target, gallery size) comes with its matches; the policy follows it.
    const engineThreshold = result.faces.find((x) => x.match)?.match?.threshold;
    if (engineThreshold !== undefined && Number.isFinite(engineThreshold)) this.#engineMatch = { searchThreshold: engineThreshold };
    const policy = this.#policyOf(s, cam);
    if (!samePolicy(s.applied, policy)) {
      s.tracker.setThresholds(trackerThresholds(policy));
      s.applied = policy;
    }
    const gap = this.#o.tracker?.visitGapMs === undefined ? this.#d.visitGapMs?.() : undefined;
    if (gap !== undefined && gap !== s.tracker.options.visitGapMs) s.tracker.setVisitGap(gap);
    const at = frame.camera_timestamp ?? frame.received_timestamp;
    const observations: FaceObservation[] = result.faces.map((face) => ({
      box: face.box, score: face.score,
      quality: { passed: face.quality.passed, reason: face.quality.reason },
      // Embedded but not matched (empty gallery) is a vote for "unknown"; not embedded is no vote.
      candidates: face.match ? byPerson(face.match.matches) : face.embedding ? [] : undefined,
      // Appearance for association and re-linking (the engine embeds faces that passed its quality gate).
      embedding: face.embedding,
    }));
    const update = s.tracker.update({ frameId: frame.frame_id, at, faces: observations });
    const liveFaces: LiveFace[] = [];
    // The recorder keeps a best view for a whole visit: its own copy of pooled pixels (one per frame).
    let kept: CameraFrame | null = null;
    const keep = () => (kept ??= frame.lease ? detachFrame(frame) : frame);
    update.faces.forEach((a, i) => {
      const face = result.faces[i];
      if (a.dropped) {
        logFaceDropped(this.#d.logger, { trace_id: job.traceId, camera_id: cam.id, frame_id: frame.frame_id, stage: a.dropped.stage, reason: a.dropped.reason, box: face.box, score: face.score });
        return;
      }
      if (!a.trackId) return;
      if (a.noVote) logFaceDropped(this.#d.logger, { trace_id: job.traceId, camera_id: cam.id, frame_id: frame.frame_id, stage: 'recognition', reason: a.noVote, box: face.box, score: face.score });
      if (a.isBest) this.#d.recorder.noteBest(meta, a.trackId, keep(), { box: face.box, score: face.score, quality: qualityRecord(face) }, job.traceId);
    });
    for (const ev of update.events) this.#d.recorder.handle(meta, ev, job.traceId);
    const views = new Map(s.tracker.tracks().map((t) => [t.trackId, t]));
    update.faces.forEach((a, i) => {
      const t = a.trackId ? views.get(a.trackId) : undefined;
      if (!t) return;
      const face = result.faces[i];
      liveFaces.push({
        track_id: t.trackId, box: face.box, score: face.score, decision: t.decision, person_id: t.personId,
        name: t.personId ? this.#d.personName?.(t.personId) ?? null : null, confidence: t.confidence, watchlist: t.flags.includes('watchlist'),
      });
    });
    const live: LiveFrame = { camera_id: cam.id, seq: frame.seq, frame_width: frame.width, frame_height: frame.height, captured_at_ms: at, faces: liveFaces, media_time_s: frame.media_time_s ?? null };
    this.#d.live.set(live);
    this.#d.bus.publish('live.frame', live);

    const now = Date.now();
    this.#d.stats.frameAnalysed(cam.id, result.ms, result.faces.length);
    this.latency.record(now - frame.received_timestamp);
    const info = this.#d.modelInfo();
    const identified = liveFaces.filter((x) => x.decision === 'recognized').length;
    const scores = result.faces.map((x) => x.score);
    logFrameProcessed(this.#d.logger, {
      trace_id: job.traceId,
      camera: { camera_id: cam.id, camera_name: cam.name, location: cam.location },
      frame: { frame_id: frame.frame_id, sequence_number: frame.seq, timestamp: new Date(at).toISOString() },
      processing: {
        queue_time_ms: dispatchedAt - f.enqueuedAt,
        detection_time_ms: result.stages ? result.stages.detect_ms + result.stages.keypoints_ms + result.stages.landmarks_ms : result.ms,
        recognition_time_ms: result.stages ? result.stages.align_ms + result.stages.embed_ms + result.stages.match_ms : 0,
        total_time_ms: now - frame.received_timestamp,
        model_used: info.model, device: info.device,
      },
      results: {
        detections_count: result.faces.length, identified_count: identified,
        unknown_count: liveFaces.filter((x) => x.decision === 'unknown').length,
        avg_confidence: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      },
      metadata: { fallback_used: info.fallback, retry_count: 0 },
    });
  }

  #dropped(f: QueuedFrame<Job>, reason: DropReason): void {
    const job = f.payload;
    if (job.kind === 'push') {
      job.reject(Object.assign(new Error(`frame dropped: ${reason}`), { code: 'QUEUE_FULL', reason }));
      return;
    }
    job.release();
    this.#d.stats.add(job.frame.camera_id, 'frames_dropped');
    if (this.#d.logger.isLevelEnabled('debug')) {
      this.#d.logger.debug({ event_type: 'frame_dropped', camera_id: job.frame.camera_id, frame_id: job.frame.frame_id, trace_id: job.traceId, reason }, `frame dropped: ${reason}`);
    }
  }

  #flush(): void {
    // Sightings close and visits end on time when frames stop; every tracked visit ends with an 'ended' or
    // 'discarded' event, so the recorder needs no sweep of its own.
    const now = Date.now();
    for (const [id, s] of this.#cameras) {
      const meta = this.#meta(id);
      for (const ev of s.tracker.flush(now)) if (meta) this.#d.recorder.handle(meta, ev, null);
    }
  }
}

/** Gallery matches → best similarity per person, best first. */
export function byPerson(matches: ReadonlyArray<{ person_id: string; score: number }>): Candidate[] {
  const best = new Map<string, number>();
  for (const m of matches) {
    const prev = best.get(m.person_id);
    if (prev === undefined || m.score > prev) best.set(m.person_id, m.score);
  }
  return [...best].map(([personId, similarity]) => ({ personId, similarity })).sort((a, b) => b.similarity - a.similarity);
}

function qualityRecord(face: EngineFace): Record<string, unknown> {
  const { sharpness, brightness, size, yaw, pitch, roll, passed, reason } = face.quality;
  return { sharpness, brightness, size, yaw, pitch, roll, passed, reason };
}

function trackerThresholds(p: DetectionPolicy): CameraThresholds {
  return { minFacePx: p.minFacePx, minDetectionConfidence: p.minDetectionConfidence, recognitionThreshold: p.recognitionThreshold };
}
