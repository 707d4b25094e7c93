// One mapping from anything thrown to the shared error envelope and an HTTP status. Client mistakes (bad JSON,
// too large, wrong content type) come out as typed 4xx; only genuine bugs become 500 INTERNAL, without details.
import { ErrorCodeSchema, VigilError, httpStatusOf, type ErrorBody, type ErrorCode } from '../../src-contract/errors.ts';
import { ZodError } from 'zod';
import { isStorageFullError, storageFullError, storageHealth } from '../storage/storage-health.ts';
import { fromZodError } from '../../src-contract/errors.ts';

/** Engine and storage error codes that are not contract codes. */
const FOREIGN_CODES: Record<string, ErrorCode> = {
  IMAGE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INVALID_FRAME: 'INVALID_IMAGE',
  INVALID_ARGUMENT: 'INVALID_REQUEST',
  MODEL_INTEGRITY: 'MODEL_UNAVAILABLE',
  MODEL_FAILED: 'MODEL_UNAVAILABLE',
  ENGINE_DISPOSED: 'ENGINE_UNAVAILABLE',
  MANIFEST_INVALID: 'MODEL_UNAVAILABLE',
};

/** Storage error classes by name (src-main/storage/errors.ts), mapped without importing storage here. */
const STORAGE_ERRORS: Record<string, ErrorCode> = {
  NotFoundError: 'NOT_FOUND',
  ConflictError: 'CONFLICT',
  InvalidInputError: 'INVALID_REQUEST',
};

export interface HttpError {
  status: number;
  body: { status: 'error'; error: ErrorBody };
}

export function toVigilError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  if (err instanceof ZodError) return fromZodError(err);
  const e = err as { code?: unknown; message?: unknown; name?: unknown; statusCode?: unknown; details?: unknown; field?: unknown };
  const message = typeof e?.message === 'string' ? e.message : 'error';
  const storage = typeof e?.name === 'string' ? STORAGE_ERRORS[e.name] : undefined;
  if (storage) return new VigilError(storage, message, typeof e.field === 'string' ? { field: e.field } : {});
  if (typeof e?.code === 'string') {
    const code = ErrorCodeSchema.safeParse(e.code).success ? (e.code as ErrorCode) : FOREIGN_CODES[e.code];
    if (code && code !== 'INTERNAL') {
      const details = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : undefined;
      return new VigilError(code, message, details ? { details } : {});
    }
    // Fastify's own client errors (FST_ERR_CTP_*): keep their 4xx meaning.
    if (e.code.startsWith('FST_') && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      if (e.statusCode === 413) return new VigilError('PAYLOAD_TOO_LARGE', 'request body is larger than this endpoint accepts');
      return new VigilError('INVALID_REQUEST', fastifyMessage(e.code, message));
    }
  }
  // Client errors fastify raises without a code (a JSON SyntaxError carries statusCode 400).
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return new VigilError('PAYLOAD_TOO_LARGE', 'request body too large');
    return new VigilError('INVALID_REQUEST', err instanceof SyntaxError ? `malformed JSON: ${message.slice(0, 200)}` : message.slice(0, 300));
  }
  if (isStorageFullError(err) || isStorageFullError((err as { cause?: unknown })?.cause)) {
    storageHealth.noteError(isStorageFullError(err) ? err : (err as { cause?: unknown }).cause);
    return storageFullError();
  }
  return new VigilError('INTERNAL', 'internal error');
}

function fastifyMessage(code: string, message: string): string {
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported content type: send application/json';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'empty JSON body';
  if (code.includes('JSON') || /JSON/.test(message)) return `malformed JSON: ${message.slice(0, 200)}`;
  return message.slice(0, 300);
}

/** Status for a fastify client error that keeps a more precise 4xx than the code's default (415, 405...). */
export function toHttpError(err: unknown): HttpError {
  const v = toVigilError(err);
  let status = httpStatusOf[v.code];
  const sc = (err as { statusCode?: unknown })?.statusCode;
  if (v.code === 'INVALID_REQUEST' && typeof sc === 'number' && sc >= 400 && sc < 500 && !(err instanceof VigilError)) status = sc;
  return { status, body: { status: 'error', error: v.toBody() } };
}
