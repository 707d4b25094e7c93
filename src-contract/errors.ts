// Error shape shared by every transport (one envelope for HTTP, WebSocket and IPC): `{ status: 'error', error: { code, message, ... } }`.
import { z } from 'zod';

export const ErrorCodeSchema = z.enum([
  'INVALID_REQUEST', 'INVALID_IMAGE', 'PAYLOAD_TOO_LARGE', 'NOT_FOUND', 'CONFLICT',
  'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'SETUP_REQUIRED',
  'NO_FACE', 'MULTIPLE_FACES', 'POOR_QUALITY',
  'MODEL_UNAVAILABLE', 'MODEL_TIMEOUT', 'ENGINE_UNAVAILABLE', 'QUEUE_FULL',
  'STREAM_UNAVAILABLE', 'AUTH_FAILED', 'TIMEOUT', 'UNSUPPORTED', 'INVALID_CONFIG',
  'INTERNAL',
  /** The data folder's disk is full: nothing new can be stored (reads still work). */
  'STORAGE_FULL',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Field path for validation errors, e.g. "source.url". */
  field: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const ErrorResponseSchema = z.object({ status: z.literal('error'), error: ErrorBodySchema });

/** HTTP status for each code; IPC carries the body alone. */
export const httpStatusOf: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400, INVALID_IMAGE: 400, PAYLOAD_TOO_LARGE: 413, NOT_FOUND: 404, CONFLICT: 409,
  UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429, SETUP_REQUIRED: 409,
  NO_FACE: 422, MULTIPLE_FACES: 422, POOR_QUALITY: 422,
  MODEL_UNAVAILABLE: 503, MODEL_TIMEOUT: 504, ENGINE_UNAVAILABLE: 503, QUEUE_FULL: 503,
  STREAM_UNAVAILABLE: 502, AUTH_FAILED: 502, TIMEOUT: 504, UNSUPPORTED: 422, INVALID_CONFIG: 400,
  INTERNAL: 500, STORAGE_FULL: 507,
};

/** Thrown inside the host, serialised by each transport into ErrorBody. */
export class VigilError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly extra: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'VigilError';
  }
  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/** Turns a zod failure into INVALID_REQUEST naming the first offending field. */
export function fromZodError(err: z.ZodError, prefix = ''): VigilError {
  const issue = err.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return new VigilError('INVALID_REQUEST', `${field || 'request'}: ${issue?.message ?? 'invalid'}`, { field: field || undefined });
}
