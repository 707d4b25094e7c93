// Handlers speak VigilError (the contract's error codes); the modules below them throw their own typed errors.
// This maps those at one place, so a storage NotFoundError is a 404 on every transport, never a 500.
import { VigilError } from '../../src-contract/errors.ts';
import { ConflictError, InvalidInputError, NotFoundError, StorageClosedError } from '../storage/errors.ts';
import { EngineCallError, EngineUnavailableError } from '../engine-host/engine-errors.ts';
import { AttendanceRuleError } from '../attendance/day-rules.ts';
import type { Handlers } from '../core/dispatcher.ts';

const ENGINE_INPUT_CODES = new Set(['INVALID_IMAGE', 'IMAGE_TOO_LARGE', 'INVALID_FRAME', 'INVALID_ARGUMENT']);

import { isStorageFullError, storageFullError } from '../storage/storage-health.ts';

export function toVigilError(err: unknown): unknown {
  if (err instanceof VigilError) return err;
  if (err instanceof NotFoundError) return new VigilError('NOT_FOUND', err.message);
  if (err instanceof ConflictError) return new VigilError('CONFLICT', err.message, err.field ? { field: err.field } : {});
  if (err instanceof InvalidInputError) {
    const field = err.issues[0]?.path;
    return new VigilError('INVALID_REQUEST', err.message, field ? { field } : {});
  }
  if (err instanceof AttendanceRuleError) return new VigilError('INVALID_REQUEST', err.message);
  if (err instanceof StorageClosedError) return new VigilError('INTERNAL', 'the host is shutting down');
  if (isStorageFullError(err)) return storageFullError();
  if (err instanceof EngineUnavailableError) return new VigilError('ENGINE_UNAVAILABLE', err.message);
  if (err instanceof EngineCallError) {
    if (ENGINE_INPUT_CODES.has(err.code)) return new VigilError(err.code === 'IMAGE_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'INVALID_IMAGE', err.message);
    if (err.code === 'MODEL_TIMEOUT') return new VigilError('MODEL_TIMEOUT', err.message);
    if (err.code === 'MODEL_UNAVAILABLE') return new VigilError('MODEL_UNAVAILABLE', err.message);
    return new VigilError('INTERNAL', err.message);
  }
  return err;
}

/** Wraps every handler so what it throws leaves as a VigilError. */
export function mapErrors(handlers: Handlers): Handlers {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(handlers)) {
    const h = fn as (input: unknown, caller: unknown) => unknown;
    out[name] = async (input: unknown, caller: unknown) => {
      try {
        return await h(input, caller);
      } catch (err) {
        throw toVigilError(err);
      }
    };
  }
  return out as Handlers;
}
