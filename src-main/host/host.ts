// The host core, plain Node (no Electron): storage, engine supervision, cameras, the recognition pipeline,
// enrolment, attendance, accounts/audit/privacy, and the contract handlers on one Dispatcher. `vigil serve`
// puts an HTTP/WebSocket server in front of it; the desktop app puts Electron IPC in front of it.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Settings } from '../../src-contract/schemas.ts';
import type { Healthz } from '../../src-contract/rest.ts';
import { createLogger } from '../logging/logger.ts';
import { openStore } from '../storage/host-store.ts';
import { storageHealth } from '../storage/storage-health.ts';
import { StorageAlert } from './storage-alert.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { KeyProvider } from '../security/key-provider.ts';
import { ACCESS_MIGRATIONS, createAccessControl } from './access-control.ts';
import { PushCrops, pushCropMigrations, pushCropRetentionTask } from './push-crops.ts';
import type { AccessControl } from './access-control.ts';
import type { AnalyzeFrame } from '../core/frame-analysis.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { CameraManager } from '../camera/camera-manager.ts';
import { defaultFfmpegPath } from '../ffmpeg/resolve-ffmpeg.ts';
import { AttendanceService } from '../attendance/attendance-service.ts';
import { EngineSupervisor, defaultWorkerCount } from '../engine-host/engine-supervisor.ts';
import { availableParallelism } from 'node:os';
import type { SupervisorOptions } from '../engine-host/engine-supervisor.ts';
import { ForkEngineLauncher } from '../engine-host/launcher.ts';
import type { EngineLauncher } from '../engine-host/launcher.ts';
import { engineWire } from '../engine-host/engine-wire.ts';
import { RecognitionPipeline } from '../pipeline/recognition-pipeline.ts';
import type { PipelineOptions, TrackerCosines } from '../pipeline/recognition-pipeline.ts';
import { DEFAULT_TRACKER_OPTIONS } from '../tracking/camera-tracker.ts';
import { TRACKER_TUNED_ON, scaleTrackerCosines } from '../tracking/embedder-scale.ts';
import { PipelineStats } from '../pipeline/pipeline-stats.ts';
import { LiveState } from '../pipeline/live-state.ts';
import { EventRecorder } from '../pipeline/event-recorder.ts';
import { VisitPublisher } from '../pipeline/visit-publisher.ts';
import { CameraAlerts } from '../pipeline/camera-alerts.ts';
import { consentPolicy } from '../tracking/decision-policy.ts';
import { visitsStore } from '../storage/repositories/visits.ts';
import { visitsMigrations } from '../storage/migrations/visits.ts';
import { visitHandlers } from './handlers/visits.ts';
import { EnrolmentService } from '../enrolment/enrolment-service.ts';
import { EmbedderSwitch, modelGallery } from '../enrolment/embedder-switch.ts';
import { embedderMigrations } from '../storage/migrations/embedders.ts';
import { TemplateEmbeddingsRepository } from '../storage/repositories/template-embeddings.ts';
import { embedderHandlers } from './handlers/embedders.ts';
import { Dispatcher } from '../core/dispatcher.ts';
import { TopicBus } from '../core/topic-bus.ts';
import { CameraService } from './camera-service.ts';
import { EngineStatus } from './engine-status.ts';
import { personViewOf } from './host-context.ts';
import type { HostContext } from './host-context.ts';
import { mapErrors } from './error-mapping.ts';
import { openLiveStream, subscribeLiveFmp4, subscribeLiveJpegs } from './live-stream.ts';
import type { LiveKind } from './live-stream.ts';
import { createPushAnalyzer } from './push-analysis.ts';
import { cameraHandlers } from './handlers/cameras.ts';
import { personHandlers } from './handlers/persons.ts';
import { eventHandlers } from './handlers/events.ts';
import { attendanceHandlers } from './handlers/attendance.ts';
import { systemHandlers } from './handlers/system.ts';
import { demoHandlers, seedDemo } from './demo-seed.ts';
import { loadManifest } from '../../src-engine/public.ts';
import type { Manifest } from '../../src-engine/public.ts';
import { thresholdForFar } from '../../src-engine/public.ts';

export interface CreateHostOptions {
  dataDir: string;
  keyProvider?: KeyProvider;
  engineLauncher?: EngineLauncher;
  ffmpegPath?: string;
  /** Add the built-in demo camera and people on a first start with no cameras (default false). */
  demo?: boolean;
  logger?: Logger;
  /** Extra engine options (merged over the site settings), e.g. { threads: 1 } in tests. */
  engineOptions?: Record<string, unknown>;
  pipeline?: PipelineOptions;
  supervisor?: Partial<Omit<SupervisorOptions, 'launcher' | 'wire' | 'engineOptions'>>;
  /** Resolve createHost only once the engine is ready (bounded by this many ms); default 0 = do not wait. */
  waitForEngineMs?: number;
}

export interface Host {
  dispatcher: Dispatcher;
  bus: TopicBus;
  store: HostStore;
  access: AccessControl;
  engine: EngineSupervisor;
  pipeline: RecognitionPipeline;
  cameras: CameraService;
  context: HostContext;
  healthz(): Healthz;
  openLiveStream(cameraId: string, kind: LiveKind, signal: AbortSignal): Promise<{ contentType: string; stream: AsyncIterable<Uint8Array> }>;
  /** Each live JPEG of a camera (the console's WebSocket tiles); returns the unsubscribe function. */
  liveJpegs(cameraId: string, onJpeg: (jpeg: Buffer) => void): () => void;
  /** The fMP4 live stream chunk by chunk (the console's WebSocket video tiles); returns the unsubscribe function. */
  liveFmp4(cameraId: string, onChunk: (chunk: { kind: 'init'; data: Buffer } | { kind: 'segment'; data: Buffer; keyframe: boolean }) => void): () => void;
  analyzeFrame: AnalyzeFrame;
  /** Directory media references resolve against (the data directory). */
  mediaRoot: string;
  /** Graceful stop: cameras, then the pipeline and pending writes, the database, then the engine. */
  close(): Promise<void>;
}

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Engine processes to run: VIGIL_ENGINE_WORKERS, else Settings → engine.workers, else the default for the cores. */
export function engineWorkersFor(settings: Settings, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.VIGIL_ENGINE_WORKERS);
  if (Number.isInteger(forced) && forced >= 1) return forced;
  const chosen = (settings.engine as { workers?: number }).workers; // engine.workers (contract schemas.ts)
  if (chosen) return chosen;
  return defaultWorkerCount(availableParallelism(), settings.engine.threads);
}

/** Engine options derived from the site settings (load-time: threads, providers; run-time: FAR target). */
export function engineOptionsFrom(settings: Settings, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    threads: settings.engine.threads, providers: settings.engine.providers, match: { far: settings.recognition.target_far },
    ...extra,
    // The site's embedder joins (not replaces) any model overrides of `extra` (tests turn liveness off there).
    ...(settings.engine.embedder ? { models: { ...(extra.models as Record<string, unknown> | undefined), embedder: settings.engine.embedder } } : {}),
  };
}

export async function createHost(o: CreateHostOptions): Promise<Host> {
  const logger = o.logger ?? createLogger();
  const manifest = await loadManifest();
  const store = await openStore(o.dataDir, { keyProvider: o.keyProvider, migrations: [...ACCESS_MIGRATIONS, visitsMigrations, pushCropMigrations, embedderMigrations], logger });
  // Per-embedder vectors of the enrolment photos: the gallery is always built from exactly one embedder's.
  const vectors = new TemplateEmbeddingsRepository({ writer: store.db.writer, reader: store.db.reader });
  const embedderOf = (s: Settings) => s.engine.embedder ?? manifest.defaults.embedder;
  const bus = new TopicBus();
  // Disk full: an alert held in memory (the alerts table cannot be written then), see storage-alert.ts.
  const storageAlert = new StorageAlert((a) => bus.publish('alerts', a));
  const dispatcher = new Dispatcher();
  let ffmpeg = o.ffmpegPath ?? null;
  const ffmpegPath = () => (ffmpeg ??= defaultFfmpegPath());

  const engine = new EngineSupervisor({
    launcher: o.engineLauncher ?? new ForkEngineLauncher(),
    wire: engineWire,
    // The user's models folder (`vigil models add` installs there): its entries join the shipped manifest.
    engineOptions: engineOptionsFrom(store.settings.get(), { userModelsDir: `${o.dataDir}/models`, ...o.engineOptions }),
    log: logger.child({ component: 'engine-supervisor' }),
    // Engine processes: VIGIL_ENGINE_WORKERS, else the admin's setting, else the measured default for these cores.
    workers: engineWorkersFor(store.settings.get()),
    ...o.supervisor,
  });
  const engineStatus = new EngineStatus(engine);
  const stats = new PipelineStats();
  const live = new LiveState();
  const attendance = new AttendanceService(store);

  // Names on the live view are looked up per face per frame: cache them briefly.
  type PersonInfo = { name: string; watchlist: boolean };
  const people = new Map<string, { info: PersonInfo | null; at: number }>();
  const person = (id: string): PersonInfo | null => {
    const hit = people.get(id);
    if (hit && Date.now() - hit.at < 5000) return hit.info;
    const p = store.persons.get(id);
    const info = p ? { name: p.name, watchlist: p.watchlist } : null;
    people.set(id, { info, at: Date.now() });
    return info;
  };
  let access: AccessControl | null = null;

  // Decide (tracker + consent/watchlist policy) → record (one transaction per tracker event) → publish.
  const visits = visitsStore({ writer: store.db.writer, reader: store.db.reader });
  const decisionPolicy = consentPolicy({
    person, consent: (id, now) => access?.privacy.consents.decision(id, now) ?? 'allowed',
    unknownAlerts: () => store.settings.get().recognition.unknown_alerts,
  });
  const publisher = new VisitPublisher({ bus, store, visits, stats, logger });
  const recorder = new EventRecorder({
    store, visits, logger, attendance, model: () => engineStatus.modelInfo().model, onCommitted: (c) => publisher.publish(c),
    clusterWindowMs: () => (store.settings.get().recognition.unknown_cluster_window_days ?? DEFAULTS.site.unknownClusterWindowDays.value) * 86_400_000,
  });
  const manager = new CameraManager({ ffmpegPath, logger: logger.child({ component: 'camera' }) });
  let cameras: CameraService | null = null;
  const pipeline = new RecognitionPipeline({
    engine, recorder, bus, logger, stats, live, decisionPolicy,
    personName: (id) => person(id)?.name ?? null,
    camera: (id) => cameras?.config(id) ?? null,
    minVotes: () => store.settings.get().recognition.min_votes,
    visitGapMs: () => (store.settings.get().recognition.visit_gap_seconds ?? DEFAULTS.site.visitGapSeconds.value) * 1000,
    modelInfo: () => engineStatus.modelInfo(),
    trackerCosines: () => trackerCosinesOf(manifest, engineStatus.embedder()),
  }, o.pipeline);
  cameras = new CameraService({ store, manager, pipeline, bus, logger });
  const cameraAlerts = new CameraAlerts({ store, visits, bus, cameraName: (id) => cameras?.config(id)?.name ?? id });
  const enrolment = new EnrolmentService({
    store, engine, logger,
    sameFloor: () => sameFloorOf(manifest, engineStatus.embedder()),
    model: () => engineStatus.embedder(),
  });

  const ctx: HostContext = {
    store, bus, logger, engine, engineStatus, cameras, pipeline, enrolment, attendance, stats, live,
    consents: null, ffmpegPath, version: VERSION,
  };
  access = await createAccessControl(store, dispatcher, {
    personView: (id) => personViewOf(ctx, id),
    onErased: (id) => {
      // process-frame crops of this person (issue 15 #9): rows gone, files deleted now, not at the next pass.
      if (new PushCrops(store).erasePerson(id) > 0) void store.retention.drainDeletions();
      people.delete(id);
      engine.removeFromGallery([id]);
    },
  });
  ctx.consents = access.privacy.consents;

  const switcher = new EmbedderSwitch({
    store, vectors, engine, logger: logger.child({ component: 'embedder-switch' }),
  });
  const applySettings = (before: Settings, after: Settings) => {
    const next = engineOptionsFrom(after, { userModelsDir: `${o.dataDir}/models`, ...o.engineOptions });
    if (engineWorkersFor(before) !== engineWorkersFor(after)) {
      // More or fewer engine processes: added ones start with the gallery, surplus ones stop after their work.
      const n = engineWorkersFor(after);
      engine.resize(n).then(
        () => logger.info({ event_type: 'engine_workers_changed', workers: n }, 'engine workers changed'),
        (err: Error) => logger.error({ event_type: 'engine_workers_failed', err: err.message }, 'engine workers not changed'),
      );
    }
    // What a process loads at start (threads, providers); the worker count is not one of them.
    const loadTime = (x: Settings) => JSON.stringify({ ...x.engine, workers: undefined });
    if (embedderOf(before) !== embedderOf(after)) {
      // Another embedder: empty gallery → new engine → that embedder's vectors → re-embed the rest.
      switcher.switchTo(embedderOf(after), next).catch((err: Error) =>
        logger.error({ event_type: 'embedder_switch_failed', err: err.message }, 'embedder switch failed'));
    } else if (loadTime(before) !== loadTime(after)) {
      // Load-time options: a new engine process warms up beside the running one, then takes over.
      engine.switchEngine(next).then(
        () => logger.info({ event_type: 'engine_switched', engine: after.engine }, 'engine restarted with new settings'),
        (err: Error) => logger.error({ event_type: 'engine_switch_failed', err: err.message }, 'engine settings not applied; the previous engine keeps running'),
      );
    } else if (before.recognition.target_far !== after.recognition.target_far) {
      engine.setEngineOptions(next);
      engine.call({ op: 'configure', patch: { match: { far: after.recognition.target_far } } }, { retryable: false, wait: true })
        .catch((err: Error) => logger.warn({ event_type: 'engine_configure_failed', err: err.message }, 'match threshold not applied'));
    }
  };

  dispatcher.register(mapErrors({
    ...cameraHandlers(ctx),
    ...personHandlers(ctx, (id) => people.delete(id)),
    ...eventHandlers(ctx),
    ...visitHandlers(ctx, visits, storageAlert),
    ...attendanceHandlers(ctx),
    ...systemHandlers(ctx, { applySettings }),
    ...embedderHandlers(ctx, {
      manifest, userModelsDir: `${o.dataDir}/models`, vectors, switcher,
      switchTo: (id) => switcher.switchTo(id, engineOptionsFrom(store.settings.get(), { userModelsDir: `${o.dataDir}/models`, ...o.engineOptions }))
        .catch((err: Error) => logger.error({ event_type: 'embedder_switch_failed', model: id, err: err.message }, 'embedder switch failed')),
    }),
    ...demoHandlers(ctx, dispatcher),
  }));
  const missing = dispatcher.missing();
  if (missing.length) logger.warn({ event_type: 'contract_incomplete', missing }, `contract methods without a handler: ${missing.join(', ')}`);

  engine.setGallery(modelGallery(vectors, embedderOf(store.settings.get())));
  const engineReady = engine.start();
  engineReady.catch(() => {});
  // Finishes a re-embedding a restart interrupted (a no-op when every template has a vector of this embedder).
  void engineReady.then(() => switcher.reembed(embedderOf(store.settings.get()))).catch(() => {});
  if (o.waitForEngineMs) {
    await Promise.race([engineReady, new Promise((r) => setTimeout(r, o.waitForEngineMs).unref())]);
  }
  if (o.demo && store.cameras.list().length === 0 && store.persons.list({ limit: 1 }).items.length === 0) {
    try {
      await seedDemo(ctx, dispatcher, { ffmpegPath: ffmpegPath(), engineReady });
    } catch (err) {
      logger.error({ event_type: 'demo_failed', err: (err as Error).message }, 'built-in demo could not be set up');
    }
  }
  cameras.startAll();
  store.retention.register(pushCropRetentionTask());
  store.retention.start();
  // Disk full is a state, not a stream of 500s: logged once on each change (and reported by /healthz).
  if (storageHealth.full) storageAlert.onStorageChange(storageHealth.state);
  const offStorage = storageHealth.onChange((st) => {
    storageAlert.onStorageChange(st);
    if (st.state === 'full') logger.error({ event_type: 'storage_full', since: st.since }, 'the data folder disk is full: events, audit rows and snapshots cannot be stored');
    else logger.info({ event_type: 'storage_ok' }, 'the data folder can be written again');
  });

  let closing: Promise<void> | null = null;
  const host: Host = {
    dispatcher, bus, store, access, engine, pipeline, cameras, context: ctx,
    mediaRoot: o.dataDir,
    analyzeFrame: createPushAnalyzer(ctx),
    healthz: () => ({
      storage: storageHealth.state,
      engine: { ready: engine.ready, providers: engineStatus.providers() },
      cameras: cameras!.list().map((c) => ({ id: c.id, name: c.name, state: c.state, fps: stats.fps(c.id) })),
      counters: {
        frames_analysed: stats.total.frames_analysed, faces_detected: stats.total.faces_detected, recognized: stats.total.recognized,
        unknown: stats.total.unknown, attendance_records: stats.total.attendance_records,
      },
    }),
    openLiveStream: async (cameraId, kind, signal) => openLiveStream(manager, cameraId, kind, signal),
    liveJpegs: (cameraId, onJpeg) => subscribeLiveJpegs(manager, cameraId, onJpeg),
    liveFmp4: (cameraId, onChunk) => subscribeLiveFmp4(manager, cameraId, onChunk),
    close: () => (closing ??= (async () => {
      offStorage();
      engine.holdRestarts();
      cameras!.stopAll();
      pipeline.close();
      await Promise.race([recorder.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
      recorder.close();
      cameraAlerts.close();
      manager.close();
      engineStatus.close();
      await store.close();
      await engine.stop();
      logger.flush?.();
    })()),
  };
  return host;
}

/** The tracker's cosine constants carried over to the running embedder's scale (tracking/embedder-scale.ts). */
function trackerCosinesOf(manifest: Manifest, embedderId: string | null): TrackerCosines | null {
  const calibrationOf = (id: string) => {
    const e = manifest.models.find((m) => m.id === id);
    // One calibration point gives no scale (sface's published threshold): such an embedder keeps the defaults.
    return e && e.format === 'aligned-embedding' && e.params.calibration.length >= 2 ? e.params.calibration : null;
  };
  const id = embedderId ?? manifest.defaults.embedder;
  const running = calibrationOf(id);
  const reference = calibrationOf(TRACKER_TUNED_ON);
  if (!running || !reference || id === TRACKER_TUNED_ON) return null;
  return { key: id, ...scaleTrackerCosines(DEFAULT_TRACKER_OPTIONS, reference, running) };
}

/**
 * Lowest similarity expected between two photos of one person, for enrolment outlier checks: the embedder's
 * calibrated threshold at a lenient 1e-2 false-accept rate (a same-person pair below it is very unusual).
 */
function sameFloorOf(manifest: Manifest, embedderId: string | null): number {
  const id = embedderId ?? manifest.defaults.embedder;
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry || entry.format !== 'aligned-embedding') return 0.25;
  return thresholdForFar(1e-2, entry.params.calibration);
}
