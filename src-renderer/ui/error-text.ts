// One readable sentence for any error a client call can throw.
import type { TFunction } from 'i18next';
import { VigilError } from '../../src-contract/errors.ts';
import { ConnectionError } from '../client/client-errors.ts';

export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof VigilError) {
    const title = t(`errors.${err.code}`);
    // Validation and stream errors carry a useful host message (field, ffmpeg reason); others repeat the title.
    return err.message && err.message !== title ? `${title} ${err.message}` : title;
  }
  if (err instanceof ConnectionError) return t('errors.CONNECTION');
  if (err instanceof Error) return err.message;
  return t('errors.INTERNAL');
}

/** The field a validation error points at (e.g. "source.url"), if any. */
export function errorField(err: unknown): string | undefined {
  return err instanceof VigilError ? err.extra.field : undefined;
}
