// Typed engine errors. Every failure that reaches a caller carries one of these codes, so the host can
// decide (retry, drop the frame, show the operator) without parsing messages. The wire shape is the envelope
// every transport shares: { status: 'error', error: { code, message, ...details } }.

export const ERROR_CODES = [
  'INVALID_IMAGE', // corrupt, truncated, zero-size or not an image we decode
  'IMAGE_TOO_LARGE', // more pixels than the configured decode limit
  'INVALID_FRAME', // a raw frame whose size/channels do not add up
  'INVALID_ARGUMENT', // a bad option, embedding size, unknown id...
  'NO_FACE', // an operation needing a face (compare, enrolment) found none that passed the quality gate
  'MODEL_UNAVAILABLE', // file missing, unknown model id, or no provider could load it
  'MODEL_INTEGRITY', // sha256 of the file differs from the manifest
  'MODEL_TIMEOUT', // an inference exceeded its time limit
  'MODEL_FAILED', // an inference failed on every provider
  'MANIFEST_INVALID', // models/manifest.json does not match the schema
  'ENGINE_DISPOSED', // a call after dispose()
  'INTERNAL', // anything else (a bug): still typed, never a crash
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, string | number | boolean | null | undefined>;

export interface ErrorShape {
  status: 'error';
  error: { code: ErrorCode; message: string } & ErrorDetails;
}

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }

  toJSON(): ErrorShape['error'] {
    return { ...this.details, code: this.code, message: this.message };
  }
}

/** Wraps anything thrown into an EngineError; known errors pass through unchanged. */
export function toEngineError(err: unknown, fallback: ErrorCode = 'INTERNAL'): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError(fallback, message, {}, { cause: err });
}
