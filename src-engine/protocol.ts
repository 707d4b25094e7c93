// The message protocol between a host and the engine running in a child process (child_process.fork
// with serialization 'advanced', or an Electron utility process through the parentPort adapter). Messages
// are structured clones, so pixel buffers (Uint8Array / Buffer) and embeddings (Float32Array) travel as
// typed arrays. Everything entering the child is validated here; the host validates what comes back.
//
//   host -> engine: init, ping, request { id, op }, shutdown
//   engine -> host: ready (after warm-up: providers, models, timings), init_error, pong, response { id, ok }
import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';
import { EngineConfigPatchSchema, LoadOptionsSchema, ModelSelectionSchema } from './config.ts';

// z.custom keeps the plain Uint8Array / Float32Array types (any backing buffer, Buffer included).
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array or Buffer');
const vector = z.union([z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array'), z.array(z.number())]);

export const FrameSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3), z.literal(4)]),
  data: bytes,
});

export const AnalyzeOptionsSchema = z
  .object({
    embeddings: z.boolean().optional(),
    liveness: z.boolean().optional(),
    match: z.boolean().optional(),
    detection: EngineConfigPatchSchema.shape.detection,
    quality: EngineConfigPatchSchema.shape.quality,
    flipBelowSize: z.number().min(0).optional(),
  })
  .optional();

export const GalleryPersonSchema = z.object({
  person_id: z.string().min(1),
  embeddings: z.array(vector),
  template_ids: z.array(z.string()).optional(),
});
export type GalleryPerson = z.infer<typeof GalleryPersonSchema>;

export const EngineOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('analyze_frame'), frame: FrameSchema, options: AnalyzeOptionsSchema }),
  z.object({ op: z.literal('analyze_image'), bytes, options: AnalyzeOptionsSchema }),
  /** replaces the whole gallery */
  z.object({ op: z.literal('gallery_sync'), people: z.array(GalleryPersonSchema) }),
  /** replaces the templates of these persons */
  z.object({ op: z.literal('gallery_upsert'), people: z.array(GalleryPersonSchema) }),
  z.object({ op: z.literal('gallery_remove'), person_ids: z.array(z.string()) }),
  z.object({ op: z.literal('compare'), a: vector, b: vector }),
  z.object({ op: z.literal('health') }),
  /** run-time settings (detection, quality, match) for the next frames */
  z.object({ op: z.literal('configure'), patch: EngineConfigPatchSchema }),
  /** loads, verifies and warms up another model set, then swaps it in */
  z.object({ op: z.literal('set_models'), models: ModelSelectionSchema }),
]);
export type EngineOp = z.infer<typeof EngineOpSchema>;

export const InitOptionsSchema = LoadOptionsSchema.partial().extend(EngineConfigPatchSchema.shape).optional();

export const HostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), options: InitOptionsSchema }),
  z.object({ type: z.literal('ping'), id: z.number() }),
  z.object({ type: z.literal('request'), id: z.number(), op: EngineOpSchema }),
  z.object({ type: z.literal('shutdown') }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

export const WireErrorSchema = z.looseObject({ code: z.enum(ERROR_CODES), message: z.string() });
export type WireError = z.infer<typeof WireErrorSchema>;

export const ReadyInfoSchema = z.object({
  engine: z.string(),
  pid: z.number(),
  providers: z.array(z.string()),
  roles: z.record(z.string(), z.string().nullable()),
  /** per model: provider actually used, warm-up ms, fallbacks */
  models: z.record(z.string(), z.looseObject({ provider: z.string().nullable(), warmup_ms: z.number().nullable(), status: z.string() })),
  warmup_ms: z.number(),
  embedding_dim: z.number().int().positive(),
  verify_threshold: z.number(),
});
export type ReadyInfo = z.infer<typeof ReadyInfoSchema>;

export const EngineMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), info: ReadyInfoSchema }),
  z.object({ type: z.literal('init_error'), error: WireErrorSchema }),
  z.object({ type: z.literal('pong'), id: z.number() }),
  // Both response shapes share type 'response': nest them on `ok` (zod 4 refuses a repeated discriminator value).
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
    z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(false), error: WireErrorSchema }),
  ]),
]);
export type EngineMessage = z.infer<typeof EngineMessageSchema>;

/** Builders for the host side (keeps literal types right without hand-written objects). */
export const hostMessage = {
  init: (options?: z.input<typeof InitOptionsSchema>): HostMessage => ({ type: 'init', options }) as HostMessage,
  ping: (id: number): HostMessage => ({ type: 'ping', id }),
  request: (id: number, op: EngineOp): HostMessage => ({ type: 'request', id, op }),
  shutdown: (): HostMessage => ({ type: 'shutdown' }),
};

// The binary side channel for analyze_frame pixels (host listens, engine connects): see frame-channel.ts.
export {
  FRAME_CHANNEL_ENV, FRAME_TOKEN_ENV, FRAME_HEADER_BYTES, FrameChannelError, FramePool, FrameRecordParser,
  connectFrameChannel, decodeHello, encodeHello, writeFrameHeader,
} from './frame-channel.ts';
export type { ChannelFrame, FrameChannelErrorCode } from './frame-channel.ts';
