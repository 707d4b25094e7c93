// Host analysis results → the spec's wire shapes: §5.1 process-frame response and the v1 WebSocket's detections.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { LiveDetectionSchema, ProcessFrameResult } from '../../src-contract/rest.ts';
import type { LiveFrame } from '../../src-contract/schemas.ts';
import type { FrameAnalysis } from '../core/frame-analysis.ts';

const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;
const r1 = (v: number): number => Math.round(v * 10) / 10;

export function boundingBox(box: readonly [number, number, number, number], width: number, height: number) {
  const [x, y, w, h] = box;
  return {
    x: r1(x), y: r1(y), width: r1(w), height: r1(h),
    normalized: { x: r4(x / width), y: r4(y / height), width: r4(w / width), height: r4(h / height) },
  };
}

export interface FrameContext {
  frameId: string;
  cameraId: string;
  timestamp: string;
  startedAt: number;
  completedAt: number;
  queueMs: number;
  returnEmbeddings: boolean;
  mediaUrl: (ref: string) => string;
}

export function toProcessFrameResult(a: FrameAnalysis, ctx: FrameContext): ProcessFrameResult {
  const created = new Date(ctx.completedAt).toISOString();
  const detections = a.faces.map((f) => ({
    detection_id: f.detectionId ?? `det_${randomUUID()}`,
    detection_type: 'face' as const,
    bounding_box: boundingBox(f.box, a.width, a.height),
    confidence: r4(f.score),
    person: f.match && {
      person_id: f.match.personId, employee_id: f.match.employeeId, name: f.match.name, department: f.match.department,
      match_confidence: r4(f.match.confidence), match_distance: r4(f.match.distance), enrollment_status: f.match.status,
      face_encoding_count: f.match.templateCount,
    },
    face_attributes: {
      quality_score: r4(f.quality.score), is_blurry: f.quality.blurry, sharpness: r1(f.quality.sharpness), brightness: r1(f.quality.brightness),
      face_size_pixels: Math.round(f.box[2] * f.box[3]), pose: { yaw: r1(f.quality.yaw), pitch: r1(f.quality.pitch), roll: r1(f.quality.roll) },
    },
    snapshot: f.snapshot
      ? { url: ctx.mediaUrl(f.snapshot.ref), storage_path: f.snapshot.ref, size_bytes: f.snapshot.sizeBytes, format: 'jpeg' as const, resolution: `${f.snapshot.width}x${f.snapshot.height}` }
      : null,
    embedding: ctx.returnEmbeddings && f.embedding ? Array.from(f.embedding, r4) : null,
    metadata: { created_at: created, flags: f.flags ?? [] },
  }));
  const identified = detections.filter((d) => d.person !== null).length;
  const avg = detections.length ? r4(detections.reduce((s, d) => s + d.confidence, 0) / detections.length) : null;
  const rec = a.models.recognition;
  return {
    status: 'success',
    message: detections.length ? 'Frame processed successfully' : 'No faces detected in frame',
    processing_info: {
      frame_id: ctx.frameId, camera_id: ctx.cameraId, camera_name: a.cameraName, timestamp: ctx.timestamp,
      processing_started_at: new Date(ctx.startedAt).toISOString(), processing_completed_at: created,
      processing_time_ms: ctx.completedAt - ctx.startedAt, queue_time_ms: ctx.queueMs,
      detection_time_ms: r1(a.timings.detectMs), recognition_time_ms: r1(a.timings.recognizeMs),
    },
    detections,
    summary: { total_detections: detections.length, identified_persons: identified, unknown_persons: detections.length - identified, avg_confidence: avg },
    model_info: {
      detection_model: { name: a.models.detection.name, version: a.models.detection.version, device: a.models.detection.device, latency_ms: r1(a.models.detection.latencyMs) },
      recognition_model: rec && { name: rec.name, version: rec.version, embedding_size: rec.embeddingSize, device: rec.device, latency_ms: r1(rec.latencyMs) },
      fallback_used: a.fallbackUsed,
    },
  };
}

export function toLiveDetections(frame: LiveFrame): Array<z.output<typeof LiveDetectionSchema>> {
  return frame.faces.map((f) => ({
    track_id: f.track_id, bounding_box: boundingBox(f.box, frame.frame_width, frame.frame_height), confidence: r4(f.score),
    decision: f.decision, person_id: f.person_id, name: f.name, match_confidence: f.confidence,
  }));
}
