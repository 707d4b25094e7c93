// What the host may use of the engine: the process protocol (./protocol.ts), the result and health types of
// the engine's replies, the model manifest and threshold tools the host reads at start-up, the engine's own
// defaults the host follows, and the small numeric tools both processes share. Light on purpose (no
// onnxruntime): the in-process Engine is ./in-process.ts. Everything else in src-engine is internal (eslint
// rejects host imports of it).
export type { AnalyzeOptions, AnalyzeResult, EngineHealth, FaceResult, Point2, StageTimings } from './engine.ts';
export { EngineError, toEngineError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export type { DetectionConfig, MatchConfig } from './config.ts';
export { DEFAULT_DETECTION, MIN_FACE_SIZE_FLOOR } from './config.ts';
export { DEFAULT_MODELS_DIR, loadManifest, readVerifiedModel } from './registry/manifest.ts';
export type { Manifest, ModelEntry, ModelFamily } from './registry/manifest.ts';
export { farForThreshold, thresholdForFar } from './match/threshold.ts';
export { cosine } from './match/cosine.ts';
export type { CalibrationPoint } from './match/threshold.ts';
export { LatencyWindow } from './runtime/latency.ts';
export { round2 } from './runtime/round.ts';
