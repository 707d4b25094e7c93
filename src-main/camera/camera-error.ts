// Why a camera reader stopped. Finer than the public error codes so supervision can decide how to
// retry (an auth failure is retried slowly, a config error never); publicCode() maps to the contract.
import type { ErrorCode } from '../../src-contract/errors.ts';

export type CameraErrorCode =
  | 'AUTH_FAILED'
  | 'STREAM_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'STREAM_UNAVAILABLE'
  | 'STREAM_ENDED'
  | 'TIMEOUT'
  | 'STALLED'
  | 'UNSUPPORTED'
  | 'INVALID_CONFIG'
  | 'FFMPEG_NOT_FOUND'
  | 'INTERNAL';

export type CameraTestErrorCode = Extract<ErrorCode, 'AUTH_FAILED' | 'STREAM_UNAVAILABLE' | 'TIMEOUT' | 'UNSUPPORTED' | 'INVALID_CONFIG'>;

export class CameraError extends Error {
  constructor(
    readonly code: CameraErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

/** Failures that will not fix themselves in a second: retried on the slow schedule. */
export function isSlowRetry(code: CameraErrorCode): boolean {
  return code === 'AUTH_FAILED' || code === 'STREAM_NOT_FOUND' || code === 'PERMISSION_DENIED' || code === 'UNSUPPORTED';
}

/** Failures no retry can fix: the session stops. */
export function isFatal(code: CameraErrorCode): boolean {
  return code === 'INVALID_CONFIG' || code === 'FFMPEG_NOT_FOUND';
}

export function publicCode(code: CameraErrorCode): CameraTestErrorCode {
  switch (code) {
    case 'AUTH_FAILED':
    case 'PERMISSION_DENIED':
      return 'AUTH_FAILED';
    case 'TIMEOUT':
    case 'STALLED':
      return 'TIMEOUT';
    case 'UNSUPPORTED':
    case 'FFMPEG_NOT_FOUND':
      return 'UNSUPPORTED';
    case 'INVALID_CONFIG':
      return 'INVALID_CONFIG';
    default:
      return 'STREAM_UNAVAILABLE';
  }
}
