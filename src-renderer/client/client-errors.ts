// Errors a client call can reject with: VigilError (the host answered with an error body, or the input failed the
// contract's schema before leaving) or ConnectionError (the host could not be reached at all).
import { ErrorResponseSchema, VigilError } from '../../src-contract/errors.ts';

export class ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionError';
  }
}

/** Maps an error response body (`{ status: 'error', error }`) to a VigilError; anything else becomes INTERNAL. */
export function errorFromBody(body: unknown, httpStatus?: number): VigilError {
  const parsed = ErrorResponseSchema.safeParse(body);
  if (parsed.success) {
    const { code, message, field, details } = parsed.data.error;
    return new VigilError(code, message, { field, details });
  }
  const where = httpStatus === undefined ? '' : ` (HTTP ${httpStatus})`;
  return new VigilError('INTERNAL', `unexpected response from the host${where}`);
}
