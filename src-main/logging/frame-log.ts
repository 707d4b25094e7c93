// Per-frame log lines (camera, frame, trace id, timings, model, device, faces), and the debug-level "why was this face dropped" line.
import type { Logger } from 'pino';

export interface FrameTimings {
  queue_time_ms: number;
  detection_time_ms: number;
  recognition_time_ms: number;
  total_time_ms: number;
}

export interface FrameLogEntry {
  trace_id: string;
  span_id?: string;
  camera: { camera_id: string; camera_name?: string; location?: string };
  frame: { frame_id: string; sequence_number?: number; timestamp: string };
  processing: FrameTimings & { model_used: string; device: string };
  results: { detections_count: number; identified_count: number; unknown_count: number; avg_confidence: number | null };
  metadata: { fallback_used: boolean; retry_count: number; fallback_reason?: string };
}

/** One line per analysed frame; at debug level by default because it is per-frame volume (info for push-mode). */
export function logFrameProcessed(logger: Logger, entry: FrameLogEntry, level: 'debug' | 'info' = 'debug'): void {
  if (!logger.isLevelEnabled(level)) return;
  logger[level]({ event_type: 'detection_completed', ...entry }, 'frame analysed');
}

export type DropStage = 'detection' | 'size' | 'quality' | 'liveness' | 'recognition' | 'tracking' | 'admission';

export interface FaceDrop {
  trace_id: string;
  camera_id: string;
  frame_id?: string;
  stage: DropStage;
  /** Human-readable: "face 31 px < min_face_px 40", "blur 12.3 < 40", "score 0.52 < 0.60". */
  reason: string;
  box?: readonly number[];
  score?: number;
  [extra: string]: unknown;
}

/** Debug-level: cheap to call (the check short-circuits before building the line). */
export function logFaceDropped(logger: Logger, drop: FaceDrop): void {
  if (!logger.isLevelEnabled('debug')) return;
  logger.debug({ event_type: 'face_dropped', ...drop }, `face dropped at ${drop.stage}: ${drop.reason}`);
}
