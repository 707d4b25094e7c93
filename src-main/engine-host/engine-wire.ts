// DRAFT adapter between the supervisor and the engine's message protocol (src-engine/protocol.ts, pending).
export type EngineOp =
  | { op: 'analyze_frame'; frame: { width: number; height: number; channels: 3; data: Uint8Array }; options?: Record<string, unknown> }
  | { op: 'analyze_image'; bytes: Uint8Array; options?: Record<string, unknown> }
  | { op: 'gallery_sync'; people: GalleryPerson[] }
  /** Replaces the templates of these persons. */
  | { op: 'gallery_upsert'; people: GalleryPerson[] }
  | { op: 'gallery_remove'; person_ids: string[] }
  | { op: 'health' }
  /** Run-time settings (detection, quality, match FAR) for the next frames. */
  | { op: 'configure'; patch: Record<string, unknown> };

/** One person's usable templates, as the engine's gallery holds them. */
export interface GalleryPerson {
  person_id: string;
  template_ids: string[];
  embeddings: Float32Array[];
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

/** What analyze_frame / analyze_image answer: the engine's own result types. */
export type { AnalyzeResult as EngineAnalysis, FaceResult as EngineFace } from '../../src-engine/engine.ts';
