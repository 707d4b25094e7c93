// DRAFT adapter between the supervisor and the engine's message protocol (src-engine/protocol.ts, pending).
export type EngineOp =
  | { op: 'analyze_frame'; frame: { width: number; height: number; channels: 3; data: Uint8Array }; options?: Record<string, unknown> }
  | { op: 'analyze_image'; bytes: Uint8Array; options?: Record<string, unknown> }
  | { op: 'gallery_set'; entries: GalleryEntry[] }
  | { op: 'gallery_upsert'; entries: GalleryEntry[] }
  | { op: 'gallery_remove'; ids: string[] };

export interface GalleryEntry {
  id: string;
  person_id: string;
  embedding: Float32Array;
}

export type WireEvent =
  | { kind: 'ready'; info: unknown }
  | { kind: 'init_error'; error: { code: string; message: string } }
  | { kind: 'pong'; id: number }
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: { code: string; message: string } };

export interface EngineWire {
  init(options: unknown): unknown;
  ping(id: number): unknown;
  request(id: number, op: EngineOp): unknown;
  shutdown(): unknown;
  parse(msg: unknown): WireEvent | null;
}

/** One face as the engine reports it (detect → quality gate → embed → match against its gallery). */
export interface EngineFace {
  box: [number, number, number, number];
  score: number;
  landmarks5?: Array<[number, number]>;
  quality: { sharpness: number; brightness: number; size: number; yaw: number; pitch: number; roll: number; passed: boolean; reason: string | null; score?: number };
  embedding?: Float32Array | null;
  /** Gallery matches, best first; absent when the face was not embedded. */
  matches?: Array<{ person_id: string; template_id?: string; similarity: number }>;
  liveness?: { score: number; live: boolean } | null;
}

export interface EngineAnalysis {
  faces: EngineFace[];
  /** Everything after decode. */
  ms: number;
  width?: number;
  height?: number;
  timings?: { decode_ms?: number; detect_ms?: number; embed_ms?: number; match_ms?: number };
}
