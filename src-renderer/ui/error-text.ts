// One readable sentence for any error a client call can throw.
import type { TFunction } from 'i18next';
import { VigilError } from '../../src-contract/errors.ts';
import type { ErrorCode } from '../../src-contract/errors.ts';
import { ConnectionError } from '../client/client-errors.ts';

// Codes whose host message adds something the user can act on (which field, what the camera said). For the
// others (permissions, internal failures) the translated title alone is shown.
const DETAILED: ReadonlySet<ErrorCode> = new Set([
  'INVALID_REQUEST', 'INVALID_IMAGE', 'INVALID_CONFIG', 'CONFLICT', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE',
  'NO_FACE', 'MULTIPLE_FACES', 'POOR_QUALITY', 'STREAM_UNAVAILABLE', 'AUTH_FAILED', 'TIMEOUT', 'UNSUPPORTED',
]);

export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof VigilError) {
    const title = t(`errors.${err.code}`);
    return DETAILED.has(err.code) && err.message ? `${title.replace(/\.$/, '')}: ${err.message}` : title;
  }
  if (err instanceof ConnectionError) return t('errors.CONNECTION');
  if (err instanceof Error) return err.message;
  return t('errors.INTERNAL');
}

/** The field a validation error points at (e.g. "source.url"), if any. */
export function errorField(err: unknown): string | undefined {
  return err instanceof VigilError ? err.extra.field : undefined;
}
