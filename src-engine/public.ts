// What the host may use of the engine: the process protocol (./protocol.ts), the result and health types of
// the engine's replies, the model manifest and threshold tools the host reads at start-up, the in-process
// Engine for the CLI commands that analyse an image without a child process, and the small numeric tools
// both processes share. Everything else in src-engine is internal (eslint rejects host imports of it).
export type { AnalyzeOptions, AnalyzeResult, EngineHealth, FaceResult, Point2, StageTimings } from './engine.ts';
export { Engine } from './engine.ts';
export { EngineError, toEngineError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export type { DetectionConfig, MatchConfig } from './config.ts';
export { DEFAULT_MODELS_DIR, loadManifest, readVerifiedModel } from './registry/manifest.ts';
export type { Manifest, ModelEntry, ModelFamily } from './registry/manifest.ts';
export { thresholdForFar } from './match/threshold.ts';
export type { CalibrationPoint } from './match/threshold.ts';
export { LatencyWindow } from './runtime/latency.ts';
