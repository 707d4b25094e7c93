// The supervisor's view of the engine's message protocol (src-engine/protocol.ts). Outgoing messages use the
// engine's own builders; incoming ones are validated against its schema before the host trusts them.
import { EngineMessageSchema, hostMessage } from '../../src-engine/protocol.ts';
import type { EngineOp as ProtocolOp } from '../../src-engine/protocol.ts';
import type { AnalyzeOptions, AnalyzeResult as EngineAnalysisT, EngineHealth as EngineHealthT } from '../../src-engine/public.ts';

/** One person's usable templates, as the engine's gallery holds them. */
export interface GalleryPerson {
  person_id: string;
  template_ids: string[];
  embeddings: Float32Array[];
}

/**
 * The protocol's operations as the host builds them (any Uint8Array-backed buffer, e.g. a Buffer slice from a
 * camera pipe); they are checked against the engine's schema when they reach the child.
 */
export type EngineOp =
  | { op: 'analyze_frame'; frame: { width: number; height: number; channels: 1 | 3 | 4; data: Uint8Array }; options?: AnalyzeOptions }
  | { op: 'analyze_image'; bytes: Uint8Array; options?: AnalyzeOptions }
  | { op: 'gallery_sync'; people: GalleryPerson[] }
  | { op: 'gallery_upsert'; people: GalleryPerson[] }
  | { op: 'gallery_remove'; person_ids: string[] }
  | { op: 'health' }
  | Extract<ProtocolOp, { op: 'configure' | 'set_models' | 'compare' }>;
/** What each operation answers (src-engine/process-main.ts), so `call()` is typed by its op. */
export interface EngineResults {
  analyze_frame: EngineAnalysisT;
  analyze_image: EngineAnalysisT;
  gallery_sync: GallerySize;
  gallery_upsert: GallerySize;
  gallery_remove: GallerySize;
  health: EngineHealthT;
  compare: { similarity: number; same: boolean; threshold: number };
  configure: unknown;
  set_models: { roles: Record<string, string | null>; health: EngineHealthT };
}
export interface GallerySize { persons: number; templates: number }
export type EngineOpName = EngineOp['op'];
export type EngineOpOf<K extends EngineOpName> = Extract<EngineOp, { op: K }>;

/** What analyze_frame / analyze_image answer: the engine's own result types. */
export type { AnalyzeResult as EngineAnalysis, FaceResult as EngineFace, EngineHealth } from '../../src-engine/public.ts';
export type { ReadyInfo } from '../../src-engine/protocol.ts';

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
  /** null for a message that is not part of the protocol (logged by the caller, never trusted). */
  parse(msg: unknown): WireEvent | null;
}

export const engineWire: EngineWire = {
  init: (options) => hostMessage.init(options as Parameters<typeof hostMessage.init>[0]),
  ping: (id) => hostMessage.ping(id),
  request: (id, op) => hostMessage.request(id, op as ProtocolOp),
  shutdown: () => hostMessage.shutdown(),
  parse(msg) {
    const r = EngineMessageSchema.safeParse(msg);
    if (!r.success) return null;
    const m = r.data;
    switch (m.type) {
      case 'ready': return { kind: 'ready', info: m.info };
      case 'init_error': return { kind: 'init_error', error: m.error };
      case 'pong': return { kind: 'pong', id: m.id };
      case 'response': return m.ok ? { kind: 'response', id: m.id, ok: true, value: m.value } : { kind: 'response', id: m.id, ok: false, error: m.error };
    }
  },
};
