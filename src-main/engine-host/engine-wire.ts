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
