// Maps anything thrown behind the IPC boundary to the contract's ErrorBody. Host errors (VigilError) keep their
// code and message; anything else becomes INTERNAL with a reference id, and its details stay in the log so a
// stack trace or file path never reaches the renderer.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ErrorCodeSchema, VigilError, fromZodError } from '../../src-contract/errors.ts';
import type { ErrorBody } from '../../src-contract/errors.ts';
import type { ShellLog } from './shell-log.ts';

/** A VigilError from another copy of the contract module (bundles can duplicate it) is recognised by shape. */
function looksLikeVigilError(err: unknown): err is { code: string; message: string; toBody(): ErrorBody } {
  return typeof err === 'object' && err !== null && typeof (err as { toBody?: unknown }).toBody === 'function' &&
    ErrorCodeSchema.safeParse((err as { code?: unknown }).code).success;
}

export function toErrorBody(err: unknown, log: ShellLog, context: object): ErrorBody {
  if (err instanceof VigilError || looksLikeVigilError(err)) return err.toBody();
  if (err instanceof z.ZodError) return fromZodError(err).toBody();
  const ref = randomBytes(4).toString('hex');
  log.error({ ...context, ref, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'unexpected error behind IPC');
  return { code: 'INTERNAL', message: `internal error (ref ${ref})` };
}
