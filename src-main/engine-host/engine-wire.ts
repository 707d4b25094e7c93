// The supervisor's view of the engine's message protocol (src-engine/protocol.ts). Outgoing messages use the
// engine's own builders; incoming ones are validated against its schema before the host trusts them.
import { z } from 'zod';
import { ReadyInfoSchema, WireErrorSchema, hostMessage } from '../../src-engine/protocol.ts';
import type { EngineOp as ProtocolOp } from '../../src-engine/protocol.ts';
import type { AnalyzeOptions } from '../../src-engine/engine.ts';

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
/** What analyze_frame / analyze_image answer: the engine's own result types. */
export type { AnalyzeResult as EngineAnalysis, FaceResult as EngineFace, EngineHealth } from '../../src-engine/engine.ts';
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

// Per-type schemas of the engine's messages. (The engine's EngineMessageSchema is a discriminated union with
// two 'response' members, which zod 4 refuses at first use, so the host checks the two response shapes itself.)
const Id = z.number().int();
const ReadyMsg = z.object({ type: z.literal('ready'), info: ReadyInfoSchema });
const InitErrorMsg = z.object({ type: z.literal('init_error'), error: WireErrorSchema });
const PongMsg = z.object({ type: z.literal('pong'), id: Id });
const OkMsg = z.object({ type: z.literal('response'), id: Id, ok: z.literal(true), value: z.unknown() });
const ErrMsg = z.object({ type: z.literal('response'), id: Id, ok: z.literal(false), error: WireErrorSchema });

export const engineWire: EngineWire = {
  init: (options) => hostMessage.init(options as Parameters<typeof hostMessage.init>[0]),
  ping: (id) => hostMessage.ping(id),
  request: (id, op) => hostMessage.request(id, op as ProtocolOp),
  shutdown: () => hostMessage.shutdown(),
  parse(msg) {
    switch ((msg as { type?: unknown } | null)?.type) {
      case 'ready': {
        const r = ReadyMsg.safeParse(msg);
        return r.success ? { kind: 'ready', info: r.data.info } : null;
      }
      case 'init_error': {
        const r = InitErrorMsg.safeParse(msg);
        return r.success ? { kind: 'init_error', error: r.data.error } : null;
      }
      case 'pong': {
        const r = PongMsg.safeParse(msg);
        return r.success ? { kind: 'pong', id: r.data.id } : null;
      }
      case 'response': {
        if ((msg as { ok?: unknown }).ok === true) {
          const r = OkMsg.safeParse(msg);
          return r.success ? { kind: 'response', id: r.data.id, ok: true, value: r.data.value } : null;
        }
        const r = ErrMsg.safeParse(msg);
        return r.success ? { kind: 'response', id: r.data.id, ok: false, error: r.data.error } : null;
      }
      default:
        return null;
    }
  },
};
